// Package baseline is the operator's offline statistical forecaster. It
// finds a series' season, removes it by classical decomposition, forecasts
// the adjusted series with a combination of the Theta method and the
// exponential smoothing model that fits it best, puts the season back, and
// sizes 80% prediction intervals from the errors the same combination makes
// on the series' own past.
//
// It needs no network and no key, so the operator can always produce a
// forecast, and the engine uses it as a reference to judge and complete
// what an LLM provider answers. Everything here is deterministic: the same
// input gives the same Model and the same Forecast, bit for bit.
//
// Measured on the M3 competition's series by `make accuracy`
// (docs/accuracy.md).
package baseline

import (
	"fmt"
	"math"
	"slices"
)

// DefaultCoverage is the interval coverage the operator uses (0.8).
const DefaultCoverage = 0.8

// minValues is the shortest series Fit accepts.
const minValues = 3

// thetaWeight is Theta's share of the combined forecast; the exponential
// smoothing model has the rest. Theta is the more accurate of the two on
// every M3 period kind, and giving it two thirds rather than half makes
// the combination more accurate than either on all three.
const thetaWeight = 2.0 / 3

// Point is a forecast for one future step.
type Point struct{ Value, Lower, Upper float64 }

// Model is a fitted forecaster.
type Model struct {
	// Name says which model was chosen, e.g. "theta+ets-AAdN" or
	// "theta+ets-ANN/multiplicative-season-12".
	Name string
	// Trend is the chosen exponential smoothing model's trend: "none",
	// "linear" or "damped".
	Trend string
	// Season is the season length found, 0 when the series has none.
	Season int
	// N is the number of values fitted.
	N int

	season   *season   // nil without a season
	adjusted []float64 // the values with the season removed
	theta    thetaFit
	ets      etsFit
	// The states after each value, for forecasts from inside the history.
	sesTrace, etsTrace []state
}

// InputError reports a series that cannot be fitted. Its message says what
// to fix, so callers can show it to users unchanged.
type InputError struct {
	Message string
}

// Error implements error.
func (e *InputError) Error() string { return "baseline: " + e.Message }

// Fit fits the forecaster to values taken seasonLength times a cycle (12
// for months, 4 for quarters, 7 for days, 52 for weeks; 1 or 0: no season).
// Errors (type *InputError) for fewer than 3 values or any NaN/Inf.
//
// The steps:
//
//  1. Season: with three cycles of data, the series is seasonal when the
//     90% autocorrelation test finds a season (isSeasonal) or, when it does
//     not, when the model with a season has the smaller AICc, its indices
//     counted; classical decomposition (multiplicative, or additive when a
//     value is not positive) removes it.
//  2. Exponential smoothing with additive errors and no trend, a linear
//     trend or a damped trend — ETS(A,N,N), (A,A,N), (A,Ad,N) — is fitted by
//     least squares, and the one with the smallest AICc is chosen.
//  3. Theta: simple exponential smoothing (the ETS(A,N,N) fit) with a drift
//     of half the least-squares slope.
//  4. The forecast is thetaWeight·Theta + (1−thetaWeight)·ETS, with the
//     season put back.
func Fit(values []float64, seasonLength int) (*Model, error) {
	if err := checkValues(values); err != nil {
		return nil, err
	}
	m := &Model{N: len(values)}
	var c candidate
	switch {
	case seasonLength <= 1 || len(values) < 3*seasonLength:
		c = fitCandidate(values, nil)
	case isSeasonal(values, seasonLength):
		s := decompose(values, seasonLength)
		c = fitCandidate(values, &s)
	default: // the test found none: the season stays if it pays for its indices
		s := decompose(values, seasonLength)
		c = fitCandidate(values, nil)
		if sc := fitCandidate(values, &s); sc.aicc < c.aicc {
			c = sc
		}
	}
	m.adjusted, m.theta, m.ets, m.season, m.etsTrace = c.adjusted, c.theta, c.ets, c.season, c.etsTrace
	if c.season != nil {
		m.Season = seasonLength
	}
	m.sesTrace = make([]state, m.N)
	m.theta.ses.trace(m.adjusted, m.sesTrace)
	m.Trend = [...]string{"none", "linear", "damped"}[m.ets.kind]
	m.Name = "theta+ets-A" + m.ets.kind.letter() + "N"
	if m.season != nil {
		m.Name += fmt.Sprintf("/%s-season-%d", m.season.kind(), seasonLength)
	}
	return m, nil
}

// candidate is the models fitted to a series with or without its season.
type candidate struct {
	season   *season
	adjusted []float64
	theta    thetaFit
	ets      etsFit  // the ETS model with the smallest AICc
	etsTrace []state // its state after each value
	aicc     float64 // its AICc for the series itself, the season counted
}

// fitCandidate fits the ETS models and Theta to values with the season s
// removed (s nil: as they are).
func fitCandidate(values []float64, s *season) candidate {
	c := candidate{season: s, adjusted: values}
	if s != nil {
		c.adjusted = s.adjust(values)
	}
	fits := []etsFit{fitETS(c.adjusted, trendNone), fitETS(c.adjusted, trendLinear), fitETS(c.adjusted, trendDamped)}
	c.theta = newTheta(c.adjusted, fits[0])
	c.ets = slices.MinFunc(fits, func(a, b etsFit) int { return compareFloat(a.aicc(), b.aicc()) })
	c.etsTrace = make([]state, len(values))
	c.ets.trace(c.adjusted, c.etsTrace)
	c.aicc = c.ets.aicc()
	if s != nil {
		c.aicc = aicc(c.seasonalSSE(), len(values), c.ets.parameters()+s.m-1)
	}
	return c
}

// seasonalSSE is the sum of the ETS model's squared one-step errors on the
// series itself, the season put back on each forecast: an additive season
// leaves the errors as they are, a multiplicative one scales each by its
// index.
func (c candidate) seasonalSSE() float64 {
	if !c.season.multiplicative {
		return c.ets.sse
	}
	var sse float64
	before := c.ets.start
	for t, y := range c.adjusted {
		e := (y - c.ets.pointFrom(before, 1)) * c.season.at(t)
		sse += e * e
		before = c.etsTrace[t]
	}
	return sse
}

// compareFloat orders a before b when it is smaller; ties, NaN included,
// keep the earlier one first.
func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func checkValues(values []float64) error {
	if len(values) < minValues {
		return &InputError{Message: fmt.Sprintf(
			"need at least %d values to fit a trend, got %d", minValues, len(values))}
	}
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return &InputError{Message: fmt.Sprintf(
				"value %d is %v; every value must be a finite number", i+1, v)}
		}
	}
	return nil
}
