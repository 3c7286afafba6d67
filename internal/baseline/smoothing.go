package baseline

import (
	"math"

	"gonum.org/v1/gonum/stat"
)

// Parameter bounds. Beta's upper bound is alpha (Hyndman et al.'s usual
// constraint for the error-correction form); phi stays below 1 so forecasts
// level off instead of extrapolating a trend forever, and above 0.8 so the
// trend is not damped away within a step or two.
const (
	alphaMin, alphaMax = 0.01, 0.99
	betaMin            = 0.01
	phiMin, phiMax     = 0.8, 0.98
)

// initWindow is how many leading values the initial level and trend are
// regressed on: enough to average out noise, few enough to describe the start
// of the series rather than all of it.
const initWindow = 10

// params are the smoothing parameters of ETS(A,Ad,N).
type params struct{ alpha, beta, phi float64 }

// state is the level and trend of the series at some observation.
type state struct{ level, trend float64 }

// run is the outcome of smoothing a series with fixed parameters.
type run struct {
	level, trend float64 // state after the last observation
	sse          float64 // sum of squared one-step errors, in scaled units
	scale        float64 // the unit sse is measured in
	errors       int     // how many one-step errors sse sums
}

// rmse is the root mean square one-step error in the series' own units.
func (r run) rmse() float64 {
	return math.Sqrt(r.sse/float64(r.errors)) * r.scale
}

// initialState estimates the state at the first observation from a least
// squares line through the first initWindow values, which is steadier than
// the first difference when the series is noisy.
func initialState(values []float64) state {
	k := min(len(values), initWindow)
	var xs [initWindow]float64
	for i := range k {
		xs[i] = float64(i)
	}
	intercept, slope := stat.LinearRegression(xs[:k], values[:k], nil, false)
	return state{level: intercept, trend: slope}
}

// seriesScale is the unit squared errors are summed in. Dividing errors by
// the largest magnitude keeps the sum finite for any finite series without
// changing which parameters minimise it.
func seriesScale(values []float64) float64 {
	var m float64
	for _, v := range values {
		m = max(m, math.Abs(v))
	}
	if m == 0 {
		return 1
	}
	return m
}

// smooth runs the ETS(A,Ad,N) recursion in error-correction form,
//
//	ŷ(t) = l(t-1) + φ·b(t-1),  e(t) = y(t) - ŷ(t)
//	l(t) = ŷ(t) + α·e(t),       b(t) = φ·b(t-1) + β·e(t)
//
// from the given state at the first value over the rest of the series.
func smooth(values []float64, p params, s state, scale float64) run {
	inv := 1 / scale
	l, b := s.level, s.trend
	var sse float64
	for _, y := range values[1:] {
		f := l + p.phi*b
		e := y - f
		se := e * inv
		sse += se * se
		l = f + p.alpha*e
		b = p.phi*b + p.beta*e
	}
	return run{level: l, trend: b, sse: sse, scale: scale, errors: len(values) - 1}
}

// lanes is how many parameter sets smoothLanes runs side by side. One run
// of the recursion is a chain of dependent floating-point operations that
// leaves the processor waiting on each result; independent runs interleaved
// in one loop fill that wait, so the grid search costs about what a few runs
// cost alone.
const lanes = 6

// smoothLanes returns the one-step SSE of smooth for each of ps, from the
// same state and scale, in one pass over values. Each lane performs smooth's
// operations in smooth's order, so each sum is smooth's.
func smoothLanes(values []float64, ps *[lanes]params, s state, scale float64) [lanes]float64 {
	inv := 1 / scale
	var l, b, sse, alpha, beta, phi [lanes]float64
	for k, p := range ps {
		l[k], b[k] = s.level, s.trend
		alpha[k], beta[k], phi[k] = p.alpha, p.beta, p.phi
	}
	for _, y := range values[1:] {
		for k := range lanes {
			f := l[k] + phi[k]*b[k]
			e := y - f
			se := e * inv
			sse[k] += se * se
			l[k] = f + alpha[k]*e
			b[k] = phi[k]*b[k] + beta[k]*e
		}
	}
	return sse
}
