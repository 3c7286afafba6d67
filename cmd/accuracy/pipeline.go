package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
	"github.com/bottleneck-io/bottleneck-operator/internal/history"
	"github.com/bottleneck-io/bottleneck-operator/internal/m3"
	"github.com/bottleneck-io/bottleneck-operator/internal/providers"
)

// provider is the name of the forecaster measured, as a ProviderLock lists it.
const provider = "baseline"

// outcome is what the operator would write for one series: the normalized
// predictions as an m3.Forecast, the model that answered, and how the
// engine's bottleneck list compares with the scorer's rule.
type outcome struct {
	Forecast m3.Forecast
	Model    string
	// Above counts the steps predicted above capacity (the scorer's rule);
	// Disagree the steps where the engine's bottleneck list says otherwise
	// (a period listed that is not above capacity, or one above it that is
	// not listed).
	Above, Disagree int
	// Time spent in the provider's Forecast and in engine.Normalize.
	ForecastTime, NormalizeTime time.Duration
}

// seriesData builds the engine.Data the operator would build for a Forecast
// of s, as controllers.resolveData does: the history read by the operator's
// history parser from a ConfigMap-style `period,value` CSV labelled with the
// series' dates, the period kind, a horizon of the series' future, and
// capacity = max(history), so that the engine's bottleneck detection has a
// line to cross.
func seriesData(s m3.Series) (engine.Data, error) {
	labels := s.Labels()
	var csv strings.Builder
	csv.WriteString("period,value\n")
	for i, v := range s.History {
		csv.WriteString(labels[i])
		csv.WriteByte(',')
		csv.WriteString(strconv.FormatFloat(v, 'f', -1, 64)) // exact: parses back to v
		csv.WriteByte('\n')
	}
	points, err := history.Parse(csv.String())
	if err != nil {
		return engine.Data{}, fmt.Errorf("history: %w", err)
	}
	capacity := slices.Max(s.History)
	d := engine.Data{
		Region:   "M3",
		Subject:  s.Description,
		Period:   s.Kind(),
		Horizon:  len(s.Future),
		Capacity: &capacity,
		History:  points,
	}
	if err := d.Validate(); err != nil {
		return engine.Data{}, err
	}
	return d, nil
}

// forecastSeries asks p for a forecast of s through the operator's request
// and normalizes the answer with the engine, as the Forecast controller does.
func forecastSeries(ctx context.Context, p providers.Provider, s m3.Series) (outcome, error) {
	d, err := seriesData(s)
	if err != nil {
		return outcome{}, err
	}
	start := time.Now()
	resp, err := p.Forecast(ctx, providers.NewRequest(d))
	forecastTime := time.Since(start)
	if err != nil {
		return outcome{}, providers.Classify(p.Name(), err)
	}
	start = time.Now()
	r, err := engine.Normalize(resp.Text, d)
	normalizeTime := time.Since(start)
	if err != nil {
		return outcome{}, fmt.Errorf("normalizing the answer: %w", err)
	}
	if len(r.Predictions) != len(s.Future) {
		return outcome{}, fmt.Errorf("the engine returned %d predictions for a horizon of %d", len(r.Predictions), len(s.Future))
	}
	future := s.Labels()[len(s.History):]
	o := outcome{
		Forecast: m3.Forecast{
			Values: make([]float64, len(future)),
			Lower:  make([]float64, len(future)),
			Upper:  make([]float64, len(future)),
		},
		Model:         resp.Model,
		ForecastTime:  forecastTime,
		NormalizeTime: normalizeTime,
	}
	listed := map[string]bool{}
	for _, b := range r.Bottlenecks {
		listed[strings.ToLower(b.Period)] = true
	}
	for i, p := range r.Predictions {
		if p.Period != future[i] {
			return outcome{}, fmt.Errorf("prediction %d is labelled %s, but the step it scores against is %s", i+1, p.Period, future[i])
		}
		o.Forecast.Values[i], o.Forecast.Lower[i], o.Forecast.Upper[i] = p.Value, p.Lower, p.Upper
		above := p.Value > *d.Capacity
		if above {
			o.Above++
		}
		if above != listed[strings.ToLower(p.Period)] {
			o.Disagree++
		}
	}
	return o, nil
}

// seriesError is a series the pipeline could not forecast.
type seriesError struct {
	ID  string
	Err error
}

// forecastAll runs forecastSeries on every series with up to workers at a
// time. The outcomes are in the order of series whatever the scheduling, so
// everything computed from them is deterministic. Every failure is
// returned, in the order of series.
func forecastAll(ctx context.Context, p providers.Provider, series []m3.Series, workers int) ([]outcome, []seriesError) {
	out := make([]outcome, len(series))
	errs := make([]error, len(series))
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, min(workers, len(series))) {
		wg.Go(func() {
			for i := range next {
				out[i], errs[i] = forecastSeries(ctx, p, series[i])
			}
		})
	}
	for i := range series {
		next <- i
	}
	close(next)
	wg.Wait()
	var failed []seriesError
	for i, err := range errs {
		if err != nil {
			failed = append(failed, seriesError{ID: series[i].ID, Err: err})
		}
	}
	return out, failed
}
