package fakeprovider

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
)

func TestForecastReadsTheRequest(t *testing.T) {
	d := portData()
	p := engine.BuildPrompt(d)
	f := newForecast("Test", ask{user: p.User, schema: p.Schema})
	if got := periodsOf(f); !slices.Equal(got, d.Periods()) {
		t.Errorf("periods %v, want %v", got, d.Periods())
	}
	// The first value continues the last one, 933.
	if v := f.Predictions[0].Value; math.Abs(v-933) > 933*maxTrend {
		t.Errorf("first value %v does not continue 933", v)
	}

	// The schema's enum wins over the user message's periods; without either
	// the labels are t+1….
	schema := map[string]any{"properties": map[string]any{
		"predictions": map[string]any{"items": map[string]any{"properties": map[string]any{"period": map[string]any{"enum": []any{"a", "b"}}}}},
		"riskLevel":   map[string]any{"enum": []any{"low", "high"}},
	}}
	f = newForecast("Test", ask{user: p.User, schema: schema})
	if got := periodsOf(f); !slices.Equal(got, []string{"a", "b"}) || (f.RiskLevel != "low" && f.RiskLevel != "high") {
		t.Errorf("periods %v, risk %q", got, f.RiskLevel)
	}
	f = newForecast("Test", ask{user: "Here is the data: " + p.User + " Thanks!"})
	if got := periodsOf(f); !slices.Equal(got, d.Periods()) {
		t.Errorf("from a user message with prose around it: %v", got)
	}
	f = newForecast("Test", ask{user: "no data at all"})
	if got := periodsOf(f); !slices.Equal(got, fallbackLabels) || f.Confidence != 40 || !strings.Contains(f.Summary, "the series in the region") {
		t.Errorf("fallback: %v, confidence %v, %q", got, f.Confidence, f.Summary)
	}
}

func TestFitTrendIsMild(t *testing.T) {
	steep := []float64{100, 200, 300, 400}
	if slope, _ := fitTrend(steep); slope != maxTrend*400 {
		t.Errorf("slope %v, want it capped at %v", slope, maxTrend*400)
	}
	flat := []float64{50, 50, 50}
	if slope, spread := fitTrend(flat); slope != 0 || spread != minSpread*50 {
		t.Errorf("flat: slope %v spread %v", slope, spread)
	}
	if slope, spread := fitTrend([]float64{0}); slope != 0 || spread <= 0 {
		t.Errorf("one zero value: slope %v spread %v", slope, spread)
	}
}

func TestRiskRank(t *testing.T) {
	capacity := 100.0
	preds := func(peak float64) []prediction { return []prediction{{Value: peak - 1}, {Value: peak}} }
	for peak, want := range map[float64]int{80: 0, 95: 1, 105: 2, 120: 3} {
		if got := riskRank(&capacity, 90, 1, preds(peak)); got != want {
			t.Errorf("peak %v against 100: rank %d, want %d", peak, got, want)
		}
	}
	for slope, want := range map[float64]int{0.5: 0, -2: 1, 3: 2} {
		if got := riskRank(nil, 100, slope, preds(100)); got != want {
			t.Errorf("slope %v without capacity: rank %d, want %d", slope, got, want)
		}
	}
}

func periodsOf(f forecast) []string {
	out := make([]string, len(f.Predictions))
	for i, p := range f.Predictions {
		out[i] = p.Period
	}
	return out
}
