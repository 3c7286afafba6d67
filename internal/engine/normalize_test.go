package engine

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestNormalizeStoredAnswers runs Normalize on realistic answers in the
// shapes each provider produces, all for portData.
func TestNormalizeStoredAnswers(t *testing.T) {
	tests := []struct {
		file   string
		data   func() Data // the request; nil means portData
		reason Reason      // expected error reason; empty for success
		check  func(t *testing.T, r Result)
	}{
		{file: "openai-plain.json", check: func(t *testing.T, r Result) {
			wantPrediction(t, r, 2, Prediction{"2025-09", 1012.9, 968.3, 1057.4})
			wantRisk(t, r, RiskHigh)
			// The provider named 2025-09; the engine adds 2025-10, the other
			// period over capacity.
			wantBottlenecks(t, r, "Terminal yard capacity@2025-09", "capacity exceeded@2025-10")
		}},
		{file: "gemini.json", check: func(t *testing.T, r Result) {
			wantPrediction(t, r, 0, Prediction{"2025-07", 946.1, 912.4, 979.8})
			wantRisk(t, r, RiskHigh)
			wantBottlenecks(t, r, "Berth availability@2025-10", "capacity exceeded@2025-09")
			if r.Bottlenecks[0].Severity != RiskHigh {
				t.Errorf("severity %q for %q, want High", r.Bottlenecks[0].Severity, "significant")
			}
		}},
		{file: "fenced-prose.md", check: func(t *testing.T, r Result) {
			wantPrediction(t, r, 5, Prediction{"2025-12", 962.3, 902.5, 1022.1})
			wantBottlenecks(t, r, "Terminal yard capacity@2025-09", "Chassis availability@2025-10", "Rail intermodal ramp@2025-10")
			if !strings.HasPrefix(r.Summary, "Throughput keeps rising") {
				t.Errorf("summary = %q", r.Summary)
			}
		}},
		{file: "cloudflare-object.json", check: func(t *testing.T, r Result) {
			// Workers AI in JSON mode returns the answer as an object, which
			// the provider re-encodes: keys sorted, no whitespace.
			wantPrediction(t, r, 3, Prediction{"2025-10", 1003.8, 951.6, 1056})
			wantBottlenecks(t, r, "Gate congestion@2025-10")
		}},
		{file: "cloudflare-envelope.json", check: func(t *testing.T, r Result) {
			wantPrediction(t, r, 3, Prediction{"2025-10", 975, 924, 1026})
			wantRisk(t, r, RiskModerate)
			wantBottlenecks(t, r)
		}},
		{file: "strings-numbers.json", check: func(t *testing.T, r Result) {
			wantPrediction(t, r, 0, Prediction{"2025-07", 1012.5, 980, 1045.25})
			// Computed High (score 71); the provider's "Severe" lifts it one
			// level, and the score to the bottom of Critical's band.
			if r.RiskLevel != RiskCritical || r.RiskScore != 75 {
				t.Errorf("risk = %s %d, want Critical 75", r.RiskLevel, r.RiskScore)
			}
			wantBottlenecks(t, r, "Gate throughput@2025-12", "capacity exceeded@2025-07", "capacity exceeded@2025-08",
				"capacity exceeded@2025-09", "capacity exceeded@2025-10", "capacity exceeded@2025-11")
			if b := r.Bottlenecks[1]; b.Severity != RiskModerate || b.Description != "Forecast 1012.5 kTEU exceeds capacity 1000 kTEU by 1.2%." {
				t.Errorf("derived bottleneck = %+v", b)
			}
		}},
		{file: "missing-intervals.json", check: func(t *testing.T, r Result) {
			for i, p := range r.Predictions {
				if !(p.Lower < p.Value && p.Value < p.Upper) {
					t.Errorf("prediction %d = %+v, want an interval filled around the value", i, p)
				}
			}
			if p := r.Predictions[2]; p.Upper != 990 {
				t.Errorf("given upper replaced: %+v", p)
			}
			if p := r.Predictions[3]; p.Lower != 940 {
				t.Errorf("given lower replaced: %+v", p)
			}
		}},
		{file: "keyed-predictions.json", check: func(t *testing.T, r Result) {
			wantPrediction(t, r, 0, Prediction{"2025-07", 950, 915, 985})
			wantPrediction(t, r, 3, Prediction{"2025-10", 1005, 960, 1050})
			if p := r.Predictions[5]; p.Value != 960 || !(p.Lower < 960 && p.Upper > 960) {
				t.Errorf("bare number prediction = %+v, want 960 with a baseline interval", p)
			}
			wantBottlenecks(t, r, "Yard congestion in October@", "capacity exceeded@2025-10")
		}},
		{file: "llama-fence-trailing-comma.md", check: func(t *testing.T, r Result) {
			// "Month 1" … match no label, so predictions are taken in order.
			wantPrediction(t, r, 0, Prediction{"2025-07", 941, 905, 977})
			wantPrediction(t, r, 5, Prediction{"2025-12", 958, 896, 1020})
		}},
		// What the fake provider server (internal/fakeprovider) sends in each
		// mode; testdata/genfake rewrites these files.
		{file: "fake-openai-ok.json", check: func(t *testing.T, r Result) {
			wantPrediction(t, r, 0, Prediction{"2025-07", 938.59, 914.68, 962.51})
			wantRisk(t, r, RiskModerate)
			wantBottlenecks(t, r, "container port throughput nearing capacity@2025-10", "Sustained growth@2025-12")
		}},
		{file: "fake-gemini-ok.json", check: func(t *testing.T, r Result) {
			wantPrediction(t, r, 5, Prediction{"2025-12", 966.57, 907.99, 1025.15})
		}},
		{file: "fake-groq-weekly.json", data: weeklyData, check: func(t *testing.T, r Result) {
			wantPrediction(t, r, 11, Prediction{"2025-W42", 3536.43, 3184.19, 3888.66})
			wantRisk(t, r, RiskLow)
			wantBottlenecks(t, r, "Sustained decline@2025-W42")
		}},
		{file: "fake-huggingface-fenced.md", check: func(t *testing.T, r Result) {
			wantPrediction(t, r, 3, Prediction{"2025-10", 955.38, 907.55, 1003.21})
			if !strings.HasPrefix(r.Summary, "Hugging Face forecast") {
				t.Errorf("summary = %q", r.Summary)
			}
		}},
		{file: "fake-cloudflare-native-object.json", check: func(t *testing.T, r Result) {
			// The whole native envelope, its response an object (JSON mode).
			wantPrediction(t, r, 0, Prediction{"2025-07", 938.59, 914.68, 962.51})
		}},
		{file: "fake-cloudflare-native-string.json", check: func(t *testing.T, r Result) {
			// The native envelope without a schema: the response is a string
			// holding a fenced answer.
			wantPrediction(t, r, 0, Prediction{"2025-07", 938.59, 914.68, 962.51})
		}},
		{file: "fake-cloudflare-native-cut.json", reason: ReasonTruncated}, // the default 256-token cut, in the envelope
		{file: "fake-cloudflare-blocked.json", reason: ReasonNoJSON},       // a refusal in prose, in the envelope
		{file: "fake-openai-prose.txt", reason: ReasonNoJSON},
		{file: "fake-gemini-truncated.txt", reason: ReasonTruncated},
		{file: "fake-openai-schema.json", reason: ReasonSchemaViolation},
		{file: "too-few.json", reason: ReasonTooFewPredictions},
		{file: "truncated.txt", reason: ReasonTruncated},
		{file: "none.txt", reason: ReasonNoJSON},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			d := portData()
			if tt.data != nil {
				d = tt.data()
			}
			r, err := Normalize(readAnswer(t, tt.file), d)
			if tt.reason != "" {
				wantReason(t, err, tt.reason)
				if !reflect.DeepEqual(r, Result{}) {
					t.Errorf("a refused answer returned a result: %+v", r)
				}
				return
			}
			if err != nil {
				t.Fatalf("Normalize() error = %v", err)
			}
			checkInvariants(t, r, d)
			tt.check(t, r)
		})
	}
}

func wantReason(t *testing.T, err error, reason Reason) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Reason != reason {
		t.Fatalf("error = %v, want reason %s", err, reason)
	}
	if e.Message == "" {
		t.Errorf("error %s has no message", reason)
	}
}

func wantPrediction(t *testing.T, r Result, i int, want Prediction) {
	t.Helper()
	if got := r.Predictions[i]; got != want {
		t.Errorf("prediction %d = %+v, want %+v", i, got, want)
	}
}

func wantRisk(t *testing.T, r Result, level RiskLevel) {
	t.Helper()
	if r.RiskLevel != level || levelForScore(r.RiskScore) != level {
		t.Errorf("risk = %s (score %d), want %s", r.RiskLevel, r.RiskScore, level)
	}
}

// wantBottlenecks compares "name@period" of each bottleneck, in order.
func wantBottlenecks(t *testing.T, r Result, want ...string) {
	t.Helper()
	got := make([]string, len(r.Bottlenecks))
	for i, b := range r.Bottlenecks {
		got[i] = b.Name + "@" + b.Period
	}
	if !slices.Equal(got, want) {
		t.Errorf("bottlenecks = %q, want %q", got, want)
	}
}
