package baseline

import (
	"math"

	"gonum.org/v1/gonum/stat"
)

// trendKind is the trend of an exponential smoothing model: none (simple
// exponential smoothing), linear (Holt) or damped.
type trendKind int

const (
	trendNone trendKind = iota
	trendLinear
	trendDamped
)

// letter is the trend's letter in the ETS taxonomy: N, A or Ad.
func (k trendKind) letter() string { return [...]string{"N", "A", "Ad"}[k] }

// state is the level and trend of a series after some observation.
type state struct{ level, trend float64 }

// etsFit is an additive-error exponential smoothing model fitted to a
// (seasonally adjusted) series: ETS(A,N,N), ETS(A,A,N) or ETS(A,Ad,N).
type etsFit struct {
	kind             trendKind
	alpha, beta, phi float64
	start            state   // state before the first observation
	level, trend     float64 // state after the last observation
	sse              float64 // one-step squared errors, in the series' units
	n                int
}

// Bounds of the smoothing parameters (beta ≤ alpha, as in Hyndman et al.).
const (
	etsAlphaMin, etsAlphaMax = 0.0001, 0.9999
	etsPhiMin, etsPhiMax     = 0.8, 0.98
	etsEvaluations           = 300
)

// fitETS fits the model of the given trend by least squares on the one-step
// errors, optimising the smoothing parameters and the initial state with
// Nelder–Mead (minimize) from a regression on the first values.
func fitETS(x []float64, kind trendKind) etsFit {
	scale := seriesScale(x)
	l0, b0 := startState(x)
	decode := func(v []float64) etsFit {
		f := etsFit{kind: kind, alpha: bounded(v[1], etsAlphaMin, etsAlphaMax)}
		f.start.level = l0 + v[0]*scale
		if kind != trendNone {
			f.start.trend = b0 + v[2]*scale/float64(len(x))
			f.beta = bounded(v[3], etsAlphaMin, 1) * f.alpha
			f.phi = 1
		}
		if kind == trendDamped {
			f.phi = bounded(v[4], etsPhiMin, etsPhiMax)
		}
		return f
	}
	dims := [...]int{2, 4, 5}[kind] // initial level, alpha, initial trend, beta share, phi
	x0 := make([]float64, dims)
	x0[1] = logit(0.3 / etsAlphaMax)
	if dims > 3 {
		x0[3] = logit(0.1)
	}
	if dims > 4 {
		x0[4] = logit(0.5)
	}
	cost := func(v []float64) float64 { return decode(v).run(x).sse / (scale * scale) }
	return decode(minimize(cost, x0, etsEvaluations)).run(x)
}

// run smooths x from the model's initial state and returns the model with
// the state after the last value and the sum of squared one-step errors.
func (f etsFit) run(x []float64) etsFit {
	return f.trace(x, nil)
}

// trace is run that also records in states[t] the state after value t,
// when states is not nil.
func (f etsFit) trace(x []float64, states []state) etsFit {
	l, b := f.start.level, f.start.trend
	var sse float64
	for t, y := range x {
		fc := l + f.phi*b
		e := y - fc
		sse += e * e
		l = fc + f.alpha*e
		b = f.phi*b + f.beta*e
		if states != nil {
			states[t] = state{l, b}
		}
	}
	f.level, f.trend, f.sse, f.n = l, b, sse, len(x)
	return f
}

// pointFrom is the forecast h steps after the observation whose state is s.
func (f etsFit) pointFrom(s state, h int) float64 {
	if f.kind == trendNone {
		return s.level
	}
	var damp, p float64 = 0, 1
	for range h {
		p *= f.phi
		damp += p
	}
	return s.level + damp*s.trend
}

// parameters is the number of estimated values, the residual variance
// included.
func (f etsFit) parameters() int {
	return [...]int{3, 5, 6}[f.kind]
}

// aicc is the corrected Akaike information criterion of the fit under
// Gaussian errors (+Inf when the series is too short for it).
func (f etsFit) aicc() float64 { return aicc(f.sse, f.n, f.parameters()) }

// aicc is the corrected Akaike information criterion of a least-squares fit
// of n values with k estimated parameters and the given sum of squared
// errors, under Gaussian errors (+Inf when n is too short for k).
func aicc(sse float64, n, k int) float64 {
	nf, kf := float64(n), float64(k)
	if nf-kf-1 <= 0 {
		return math.Inf(1)
	}
	return nf*math.Log(max(sse, 1e-300)/nf) + 2*kf + 2*kf*(kf+1)/(nf-kf-1)
}

// initWindow is how many leading values the initial state is regressed on:
// enough to average out noise, few enough to describe the start of the
// series rather than all of it.
const initWindow = 10

// seriesScale is the largest magnitude in x (1 for an all-zero series): the
// unit the optimiser sees, so one search suits every series' size.
func seriesScale(x []float64) float64 {
	var m float64
	for _, v := range x {
		m = max(m, math.Abs(v))
	}
	if m == 0 {
		return 1
	}
	return m
}

func logistic(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func logit(share float64) float64 { return math.Log(share / (1 - share)) }

// startState is a least-squares line through the first values: its value
// one step before the first and its slope.
func startState(x []float64) (level, trend float64) {
	k := min(len(x), initWindow)
	xs := make([]float64, k)
	for i := range xs {
		xs[i] = float64(i + 1)
	}
	intercept, slope := stat.LinearRegression(xs, x[:k], nil, false)
	return intercept, slope
}

func bounded(v, lo, hi float64) float64 { return lo + (hi-lo)*logistic(v) }
