package engine

import (
	"fmt"
	"strconv"
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
		reason Reason
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
				if !strings.HasPrefix(b.Name, "Yard x") || len(b.Name) != MaxName || b.Description != "a b" || b.Severity != RiskModerate {
					t.Errorf("bottleneck = %+v", b)
				}
			}},
		{name: "at most 20 bottlenecks, most severe kept", raw: answerWith(sixPredictions(),
			`"bottlenecks":[`+strings.Repeat(`{"name":"minor one","severity":"low"},`, 25)+`{"name":"big","severity":"critical"}]`),
			check: func(t *testing.T, r Result) {
				// The critical one, listed last, is kept, in its place.
				if n := len(r.Bottlenecks); n != MaxBottlenecks || r.Bottlenecks[0].Name != "minor one" || r.Bottlenecks[n-1].Name != "big" {
					t.Errorf("%d bottlenecks, first %+v, last %+v", n, r.Bottlenecks[0], r.Bottlenecks[n-1])
				}
			}},
		{name: "keyed by step number, out of order", raw: `{"predictions":{"3":960,"1":940,"2":{"value":950},"6":990,"5":980,"4":970}}`,
			check: func(t *testing.T, r Result) {
				for i, p := range r.Predictions {
					if want := 940 + 10*float64(i); p.Value != want {
						t.Errorf("prediction %d = %+v, want value %v", i, p, want)
					}
				}
			}},
		{name: "index fields from 0", raw: `{"predictions":[{"index":1,"value":950},{"index":0,"value":940},{"index":2,"value":960},{"index":3,"value":970},{"index":5,"value":990},{"index":4,"value":980}]}`,
			check: func(t *testing.T, r Result) {
				wantPrediction(t, r, 0, Prediction{"2025-07", 940, r.Predictions[0].Lower, r.Predictions[0].Upper})
			}},
		{name: "negative count raised to zero", raw: answerWith(replace(0, `{"period":"2025-07","value":-5,"lower":-20,"upper":10}`), ""),
			check: func(t *testing.T, r Result) { wantPrediction(t, r, 0, Prediction{"2025-07", 0, 0, 10}) }},
		{name: "derived bottlenecks when the provider names none", raw: answerWith(replace(4, `{"period":"2025-11","value":1080,"lower":1050,"upper":1110}`), ""),
			check: func(t *testing.T, r Result) {
				wantBottlenecks(t, r, "capacity exceeded@2025-11")
				if r.Bottlenecks[0].Severity != RiskHigh {
					t.Errorf("severity %s for 8%% over capacity, want High", r.Bottlenecks[0].Severity)
				}
			}},
		{name: "provider's word moves the level one step at most", raw: `{"riskLevel":"catastrophic","predictions":[700,700,700,700,700,700]}`,
			check: func(t *testing.T, r Result) {
				// 30% under capacity and falling: Low by the numbers (score
				// 0), Moderate with the provider's Critical.
				if r.RiskLevel != RiskModerate || r.RiskScore != 25 {
					t.Errorf("risk = %s %d, want Moderate 25", r.RiskLevel, r.RiskScore)
				}
			}},
		{name: "Cloudflare native string response", raw: `{"result":{"response":` + strconv.Quote("```json\n"+answerWith(sixPredictions(), "")+"\n```") + `},"success":true}`,
			check: func(t *testing.T, r Result) { wantPrediction(t, r, 5, Prediction{"2025-12", 990, 960, 1020}) }},
		{name: "several objects: the first complete one counts", raw: "Answer:\n" + answerWith(sixPredictions(), "") + "\nExample of the format: " + `{"predictions":[1,2,3,4,5,6]}`,
			check: func(t *testing.T, r Result) { wantPrediction(t, r, 0, Prediction{"2025-07", 940, 910, 970}) }},
		{name: "too few", raw: answerWith(sixPredictions()[:5], ""), reason: ReasonTooFewPredictions},
		{name: "too few in an object keyed by period", raw: `{"predictions":{"a":1,"b":2}}`, reason: ReasonTooFewPredictions},
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
