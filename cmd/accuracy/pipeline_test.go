package main

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
	"github.com/bottleneck-io/bottleneck-operator/internal/m3"
	"github.com/bottleneck-io/bottleneck-operator/internal/providers"
)

// dataDir is the repository's copy of the data.
const dataDir = "../../testdata/m3"

var loaded = sync.OnceValues(func() (*m3.Dataset, error) { return m3.Load(dataDir) })

func dataset(t *testing.T) *m3.Dataset {
	t.Helper()
	d, err := loaded()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// sample picks real series of every kind: per kind, the first three whose
// future goes above the history's maximum (so that bottleneck F1 has
// something to find) and the first two whose future does not.
func sample(t *testing.T, d *m3.Dataset) []m3.Series {
	t.Helper()
	var out []m3.Series
	for _, k := range kinds {
		var above, below int
		for _, s := range d.Series {
			if s.Kind() != k.Kind {
				continue
			}
			if slices.Max(s.Future) > slices.Max(s.History) {
				if above < 3 {
					out, above = append(out, s), above+1
				}
			} else if below < 2 {
				out, below = append(out, s), below+1
			}
		}
		if above < 3 || below < 2 {
			t.Fatalf("%s: found %d series going above capacity and %d not", k.Kind, above, below)
		}
	}
	return out
}

func baselineProvider(t *testing.T) providers.Provider {
	t.Helper()
	p, err := providers.New(providers.Config{Name: "baseline"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPipelineScores runs the pipeline on real series and checks it against
// a direct run of the baseline provider and the engine, scored by m3.Tally:
// the predictions are the normalized ones, with capacity = max(history),
// and every row of the report is the Tally of its forecasts.
func TestPipelineScores(t *testing.T) {
	d := dataset(t)
	series := sample(t, d)
	p := baselineProvider(t)
	outcomes, failed := forecastAll(context.Background(), p, series, 3)
	if len(failed) > 0 {
		t.Fatalf("failures: %v", failed)
	}
	reports, err := buildReports(d, series, outcomes)
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != len(kinds) {
		t.Fatalf("%d reports, want one per kind", len(reports))
	}
	for _, rep := range reports {
		t.Run(rep.Kind, func(t *testing.T) {
			base := m3.Tally{}
			others := make([]m3.Tally, len(competitors))
			models := map[string]int{}
			for i, s := range series {
				if s.Kind() != rep.Kind {
					continue
				}
				want, model := direct(t, p, s)
				if got := outcomes[i].Forecast; !equalForecasts(got, want) {
					t.Errorf("%s: pipeline forecast %v, the provider and engine give %v", s.ID, got, want)
				}
				if outcomes[i].Model != model || model == "" {
					t.Errorf("%s: model %q, the provider answered %q", s.ID, outcomes[i].Model, model)
				}
				models[model]++
				base.Add(s, want)
				for j, method := range competitors {
					others[j].Add(s, m3.Forecast{Values: d.Forecasts[method][s.ID]})
				}
			}
			wantRows := []row{{"baseline", base.Score()}}
			for j, method := range competitors {
				wantRows = append(wantRows, row{method, others[j].Score()})
			}
			if fmt.Sprint(rep.Rows) != fmt.Sprint(wantRows) {
				t.Errorf("rows\n%v\nwant\n%v", rep.Rows, wantRows)
			}
			sc := rep.Rows[0].Score
			if sc.Series != 5 || math.IsNaN(sc.Coverage) || math.IsNaN(sc.F1) || rep.Actual == 0 {
				t.Errorf("baseline: %+v with %d real bottleneck steps; want 5 series, a coverage and an F1", sc, rep.Actual)
			}
			var counted int
			for _, m := range rep.Models {
				counted += m.N
				if models[m.Model] != m.N {
					t.Errorf("model %s counted %d times, answered %d", m.Model, m.N, models[m.Model])
				}
			}
			if counted != sc.Series {
				t.Errorf("models counted for %d series of %d", counted, sc.Series)
			}
			if rep.Disagree != 0 {
				t.Errorf("the engine's bottleneck list differs from value > capacity on %d steps", rep.Disagree)
			}
			table := markdown([]kindReport{rep}, "x")
			line := fmt.Sprintf("| baseline | 5 | %.2f | %.3f | %.1f%% | %.3f |", sc.SMAPE, sc.MASE, 100*sc.Coverage, sc.F1)
			if !strings.Contains(table, line) {
				t.Errorf("the table has no line %q:\n%s", line, table)
			}
			if !strings.Contains(table, "| THETA | 5 | ") || !strings.Contains(table, " | — | ") {
				t.Errorf("the table has no THETA row without coverage:\n%s", table)
			}
		})
	}
}

// direct is what the operator writes for s, computed here without the
// pipeline: the history points labelled with the series' dates, capacity =
// max(history), the provider's answer normalized by the engine.
func direct(t *testing.T, p providers.Provider, s m3.Series) (m3.Forecast, string) {
	t.Helper()
	labels := s.Labels()
	points := make([]engine.Point, len(s.History))
	for i, v := range s.History {
		points[i] = engine.Point{Period: labels[i], Value: v}
	}
	capacity := slices.Max(s.History)
	data := engine.Data{Region: "M3", Subject: s.Description, Period: s.Kind(), Horizon: len(s.Future), Capacity: &capacity, History: points}
	resp, err := p.Forecast(context.Background(), providers.NewRequest(data))
	if err != nil {
		t.Fatalf("%s: %v", s.ID, err)
	}
	r, err := engine.Normalize(resp.Text, data)
	if err != nil {
		t.Fatalf("%s: %v", s.ID, err)
	}
	var f m3.Forecast
	for i, pr := range r.Predictions {
		if pr.Period != labels[len(s.History)+i] {
			t.Fatalf("%s: prediction %d is for %s, want %s", s.ID, i, pr.Period, labels[len(s.History)+i])
		}
		f.Values = append(f.Values, pr.Value)
		f.Lower = append(f.Lower, pr.Lower)
		f.Upper = append(f.Upper, pr.Upper)
	}
	return f, resp.Model
}

func equalForecasts(a, b m3.Forecast) bool {
	return slices.Equal(a.Values, b.Values) && slices.Equal(a.Lower, b.Lower) && slices.Equal(a.Upper, b.Upper)
}

// TestCapacityIsTheHistoryMaximum checks the data the provider is asked
// about: the dates as labels, the kind, the horizon and the capacity.
func TestCapacityIsTheHistoryMaximum(t *testing.T) {
	for _, s := range sample(t, dataset(t)) {
		data, err := seriesData(s)
		if err != nil {
			t.Fatalf("%s: %v", s.ID, err)
		}
		labels := s.Labels()
		if data.Capacity == nil || *data.Capacity != slices.Max(s.History) {
			t.Errorf("%s: capacity %v, want %v", s.ID, data.Capacity, slices.Max(s.History))
		}
		if data.Period != s.Kind() || data.Horizon != len(s.Future) || len(data.History) != len(s.History) {
			t.Errorf("%s: period %s horizon %d, %d points", s.ID, data.Period, data.Horizon, len(data.History))
		}
		for i, pt := range data.History {
			if pt.Period != labels[i] || pt.Value != s.History[i] {
				t.Errorf("%s: point %d is %+v, want %s %v", s.ID, i, pt, labels[i], s.History[i])
				break
			}
		}
		if got, want := data.Periods(), labels[len(s.History):]; !slices.Equal(got, want) {
			t.Errorf("%s: the engine continues with %v, the future is dated %v", s.ID, got, want)
		}
	}
}

// TestDeterministic checks that the number of workers does not change the
// output.
func TestDeterministic(t *testing.T) {
	d := dataset(t)
	series := sample(t, d)
	p := baselineProvider(t)
	var texts []string
	for _, workers := range []int{1, 4, 16} {
		outcomes, failed := forecastAll(context.Background(), p, series, workers)
		if len(failed) > 0 {
			t.Fatalf("failures: %v", failed)
		}
		reports, err := buildReports(d, series, outcomes)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, markdown(reports, dataDir))
	}
	if texts[0] != texts[1] || texts[0] != texts[2] {
		t.Errorf("the output depends on the workers:\n%s\n---\n%s\n---\n%s", texts[0], texts[1], texts[2])
	}
}
