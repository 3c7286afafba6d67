// Package baseline is an offline statistical forecaster: damped-trend
// exponential smoothing, ETS(A,Ad,N), with prediction intervals derived from
// the one-step residuals.
//
// It needs no network and no key, so the operator can always produce a
// forecast, and the engine uses it as a reference to judge and repair what an
// LLM provider answers. Everything here is deterministic: the same input gives
// the same Model and the same Forecast, bit for bit.
package baseline

import (
	"fmt"
	"math"
)

// DefaultCoverage is the interval coverage the operator uses (0.8).
const DefaultCoverage = 0.8

// minValues is the shortest series Fit accepts: one value to initialise the
// state and at least two to measure one-step errors on.
const minValues = 3

// Point is a forecast for one future step.
type Point struct{ Value, Lower, Upper float64 }

// Model is a fitted damped-trend model.
type Model struct {
	Alpha, Beta, Phi float64 // smoothing parameters
	Level, Trend     float64 // state after the last observation
	Sigma            float64 // standard deviation of one-step residuals
	N                int     // observations fitted
}

// InputError reports a series that cannot be fitted. Its message says what
// to fix, so callers can show it to users unchanged.
type InputError struct {
	Message string
}

// Error implements error.
func (e *InputError) Error() string { return "baseline: " + e.Message }

// Fit fits the model. Errors (type *InputError, with a user-readable message)
// for fewer than 3 values or any NaN/Inf.
//
// The smoothing parameters minimise the one-step-ahead sum of squared errors:
// a coarse grid finds the basin and gonum's Nelder–Mead refines it within the
// bounds alpha in [0.01, 0.99], beta in [0.01, alpha], phi in [0.8, 0.98].
func Fit(values []float64) (Model, error) {
	return fit(values, true)
}

// FitCoarse fits like Fit but keeps the best point of the coarse grid (54
// parameter sets), skipping the Nelder–Mead refinement. It is several times
// cheaper, and suits callers that use the model as a reference on a hot path
// (the engine checks every provider answer against it) rather than as the
// forecast itself.
func FitCoarse(values []float64) (Model, error) {
	return fit(values, false)
}

func fit(values []float64, refine bool) (Model, error) {
	if err := checkValues(values); err != nil {
		return Model{}, err
	}
	start, scale := initialState(values), seriesScale(values)
	p, sse := searchGrid(values, start, scale)
	if refine {
		p = refineNelderMead(values, start, scale, p, sse)
	}
	run := smooth(values, p, start, scale)
	return Model{
		Alpha: p.alpha, Beta: p.beta, Phi: p.phi,
		Level: run.level, Trend: run.trend,
		// The root mean square of the one-step errors rather than their
		// spread about their mean: a systematic bias then widens the
		// interval instead of being ignored.
		Sigma: run.rmse(),
		N:     len(values),
	}, nil
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
