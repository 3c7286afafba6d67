package providers

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/bottleneck-io/bottleneck-operator/internal/baseline"
)

// BaselineModel is the baseline's model in the lock: it chooses one per
// series, and each answer names the one it chose ("baseline/theta+ets-AAdN",
// see baseline.Fit), which the Forecast's status.model shows.
const BaselineModel = "auto"

// baselineProvider is the operator's own offline forecaster (package
// baseline): seasonal decomposition, Theta combined with the best-fitting
// exponential smoothing model, and 80% prediction intervals. It needs no
// network and no key, so the operator always produces a forecast. It answers
// in the same JSON shape it asks the LLMs for, and goes through the same
// engine.
type baselineProvider struct{}

func newBaseline(Config) (Provider, error) { return baselineProvider{}, nil }

func (baselineProvider) Name() string { return "baseline" }

func (baselineProvider) Probe(context.Context) error { return nil }

// ProbeCompletion passes: baseline needs no network and always answers.
func (baselineProvider) ProbeCompletion(context.Context) error { return nil }

// baselineAnswer is the subset of the answer schema baseline fills; risk and
// confidence are left to the engine, which computes them from the numbers.
type baselineAnswer struct {
	Summary     string               `json:"summary"`
	Predictions []baselinePrediction `json:"predictions"`
}

type baselinePrediction struct {
	Period string  `json:"period"`
	Value  float64 `json:"value"`
	Lower  float64 `json:"lower"`
	Upper  float64 `json:"upper"`
}

func (baselineProvider) Forecast(ctx context.Context, req Request) (Response, error) {
	start := time.Now()
	if err := ctx.Err(); err != nil {
		return Response{}, Classify("baseline", err)
	}
	values := make([]float64, len(req.Data.History))
	for i, p := range req.Data.History {
		values[i] = p.Value
	}
	model, err := baseline.Fit(values, req.Data.SeasonLength())
	if err != nil {
		return Response{}, &Error{Provider: "baseline", Class: InvalidInput, Reason: "UnusableHistory", Message: err.Error(), Err: err}
	}
	points := model.Forecast(req.Data.Horizon, baseline.DefaultCoverage)
	labels := req.Data.Periods()
	answer := baselineAnswer{Predictions: make([]baselinePrediction, len(points))}
	for i, p := range points {
		answer.Predictions[i] = baselinePrediction{Period: labels[i], Value: p.Value, Lower: p.Lower, Upper: p.Upper}
	}
	last := answer.Predictions[len(answer.Predictions)-1]
	answer.Summary = fmt.Sprintf("%s, fitted to %d %s points %s, projects %s by %s (%.0f%% interval %s to %s).",
		describeModel(model), model.N, adjectives[req.Data.Period], seasonNote(model),
		formatValue(last.Value, req.Data.Unit), last.Period,
		baseline.DefaultCoverage*100, formatValue(last.Lower, ""), formatValue(last.Upper, req.Data.Unit))
	text, err := json.Marshal(answer)
	if err != nil {
		return Response{}, Classify("baseline", err)
	}
	return Response{Text: string(text), Model: "baseline/" + model.Name, Latency: time.Since(start)}, nil
}

// describeModel names the combination in words.
func describeModel(m *baseline.Model) string {
	trend := map[string]string{"none": "no trend", "linear": "a linear trend", "damped": "a damped trend"}
	return "Theta combined with exponential smoothing (" + trend[m.Trend] + ")"
}

// seasonNote says which season was removed, if any.
func seasonNote(m *baseline.Model) string {
	if m.Season == 0 {
		return "with no season found"
	}
	return fmt.Sprintf("after removing a season of %d", m.Season)
}

// formatValue writes v rounded to three significant digits, without an
// exponent, and its unit.
func formatValue(v float64, unit string) string {
	if v != 0 {
		scale := math.Pow(10, 2-math.Floor(math.Log10(math.Abs(v))))
		v = math.Round(v*scale) / scale
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if unit != "" {
		s += " " + unit
	}
	return s
}

// adjectives name a series by its period.
var adjectives = map[string]string{"day": "daily", "week": "weekly", "month": "monthly", "quarter": "quarterly", "year": "yearly"}
