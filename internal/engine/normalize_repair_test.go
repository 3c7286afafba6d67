package engine

import (
	"fmt"
	"strings"
	"testing"
)

// answerWith builds an answer for portData from prediction JSON fragments
// and extra top-level fields.
func answerWith(predictions []string, extra string) string {
	if extra != "" {
		extra = "," + extra
	}
	return `{"summary":"s","riskLevel":"High","confidence":70,"predictions":[` +
		strings.Join(predictions, ",") + `],"bottlenecks":[]` + extra + `}`
}

// sixPredictions are valid predictions for portData's periods.
func sixPredictions() []string {
	var out []string
	for i := range 6 {
		v := 940 + 10*i
		out = append(out, fmt.Sprintf(`{"period":"2025-%02d","value":%d,"lower":%d,"upper":%d}`, 7+i, v, v-30, v+30))
	}
	return out
}

func TestNormalizeRepairsAndRefuses(t *testing.T) {
	replace := func(i int, p string) []string {
		ps := sixPredictions()
		ps[i] = p
		return ps
	}
	tests := []struct {
		name   string
		raw    string
		reason string
		check  func(t *testing.T, r Result)
	}{
		{name: "swapped bounds", raw: answerWith(replace(0, `{"period":"2025-07","value":950,"lower":990,"upper":910}`), ""),
			check: func(t *testing.T, r Result) { wantPrediction(t, r, 0, Prediction{"2025-07", 950, 910, 990}) }},
		{name: "value outside bounds widens them", raw: answerWith(replace(0, `{"period":"2025-07","value":1000,"lower":900,"upper":950}`), ""),
			check: func(t *testing.T, r Result) { wantPrediction(t, r, 0, Prediction{"2025-07", 1000, 900, 1000}) }},
		{name: "more than the horizon is trimmed", raw: answerWith(append(sixPredictions(), `{"period":"2026-01","value":1}`), ""),
			check: func(t *testing.T, r Result) { wantPrediction(t, r, 5, Prediction{"2025-12", 990, 960, 1020}) }},
		{name: "labels re-aligned", raw: answerWith(append(sixPredictions()[3:], sixPredictions()[:3]...), ""),
			check: func(t *testing.T, r Result) { wantPrediction(t, r, 0, Prediction{"2025-07", 940, 910, 970}) }},
		{name: "bare numbers", raw: `{"predictions":[940,950,960,970,980,990]}`,
			check: func(t *testing.T, r Result) {
				if p := r.Predictions[4]; p.Value != 980 || p.Period != "2025-11" {
					t.Errorf("prediction = %+v", p)
				}
			}},
		{name: "alias field names", raw: `{"forecast":[` + strings.Repeat(`{"date":"x","predicted":"1,000","lower_bound":900,"upperBound":1100},`, 5) +
			`{"forecast":1000,"low":1,"high":2}]}`,
			check: func(t *testing.T, r Result) { wantPrediction(t, r, 0, Prediction{"2025-07", 1000, 900, 1100}) }},
		{name: "double-encoded answer", raw: fmt.Sprintf("%q", answerWith(sixPredictions(), "")),
			check: func(t *testing.T, r Result) { wantPrediction(t, r, 1, Prediction{"2025-08", 950, 920, 980}) }},
		{name: "missing summary is written", raw: `{"predictions":[` + strings.Join(sixPredictions(), ",") + `]}`,
			check: func(t *testing.T, r Result) {
				if !strings.Contains(r.Summary, "container port throughput in USA") || !strings.Contains(r.Summary, "capacity 1000 kTEU") {
					t.Errorf("summary = %q", r.Summary)
				}
			}},
		{name: "control characters and long text", raw: answerWith(sixPredictions(),
			`"bottlenecks":[{"name":"Yard\u0000 `+strings.Repeat("x", 300)+`","severity":"nonsense","period":"2025-08","description":"a\nb"}]`),
			check: func(t *testing.T, r Result) {
				b := r.Bottlenecks[0]
				if !strings.HasPrefix(b.Name, "Yard x") || len(b.Name) != maxName || b.Description != "a b" || b.Severity != RiskModerate {
					t.Errorf("bottleneck = %+v", b)
				}
			}},
		{name: "at most 20 bottlenecks, most severe kept", raw: answerWith(sixPredictions(),
			`"bottlenecks":[`+strings.Repeat(`{"name":"minor one","severity":"low"},`, 25)+`{"name":"big","severity":"critical"}]`),
			check: func(t *testing.T, r Result) {
				if len(r.Bottlenecks) != maxBottlenecks || r.Bottlenecks[0].Name != "minor one" {
					t.Errorf("%d bottlenecks, first %+v", len(r.Bottlenecks), r.Bottlenecks[0])
				}
			}},
		{name: "too few", raw: answerWith(sixPredictions()[:5], ""), reason: ReasonTooFewPredictions},
		{name: "empty list", raw: `{"predictions":[]}`, reason: ReasonTooFewPredictions},
		{name: "no predictions", raw: `{"summary":"nothing"}`, reason: ReasonSchemaViolation},
		{name: "predictions null", raw: `{"predictions":null}`, reason: ReasonSchemaViolation},
		{name: "predictions not a list", raw: `{"predictions":"soon"}`, reason: ReasonSchemaViolation},
		{name: "missing value", raw: answerWith(replace(2, `{"period":"2025-09","lower":1}`), ""), reason: ReasonSchemaViolation},
		{name: "value not a number", raw: answerWith(replace(2, `{"period":"2025-09","value":"about 960"}`), ""), reason: ReasonInvalidNumber},
		{name: "decimal comma refused", raw: answerWith(replace(2, `{"period":"2025-09","value":"960,5"}`), ""), reason: ReasonInvalidNumber},
		{name: "NaN refused", raw: answerWith(replace(2, `{"period":"2025-09","value":"NaN"}`), ""), reason: ReasonInvalidNumber},
		{name: "overflow refused", raw: answerWith(replace(2, `{"period":"2025-09","value":1e999}`), ""), reason: ReasonInvalidNumber},
		{name: "bound not a number", raw: answerWith(replace(2, `{"period":"2025-09","value":960,"upper":true}`), ""), reason: ReasonInvalidNumber},
		{name: "empty answer", raw: "", reason: ReasonNoJSON},
		{name: "broken JSON", raw: `{"predictions": [1, 2,, 3]}`, reason: ReasonNoJSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Normalize(tt.raw, portData())
			if tt.reason != "" {
				wantReason(t, err, tt.reason)
				return
			}
			if err != nil {
				t.Fatalf("Normalize() error = %v", err)
			}
			checkInvariants(t, r, portData())
			tt.check(t, r)
		})
	}
}

func TestNormalizeRefusesInvalidInput(t *testing.T) {
	d := portData()
	d.Horizon = 0
	_, err := Normalize(readAnswer(t, "openai-plain.json"), d)
	if !IsInvalidInput(err) {
		t.Fatalf("error = %v, want invalid input", err)
	}
}
