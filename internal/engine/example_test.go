package engine

import (
	"math"
	"slices"
	"testing"

	"github.com/bottleneck-io/bottleneck-operator/internal/baseline"
)

// The worked example of the README's "How risk is scored" and "How
// confidence is computed": every number the README shows is asserted here,
// so the documentation cannot drift from the code.

// exampleData is a port that handled a steady 80 kTEU a month from 2024-07
// to 2025-06, with the January 2025 figure missing, and a capacity of 90.
func exampleData() Data {
	d := Data{Region: "NLD", Subject: "container port throughput", Unit: "kTEU", Period: PeriodMonth, Horizon: 3, Capacity: ptr(90)}
	for m := 7; m <= 18; m++ {
		if label := monthLabel(2024, m); label != "2025-01" {
			d.History = append(d.History, Point{Period: label, Value: 80})
		}
	}
	return d
}

const exampleAnswer = `{
  "riskLevel": "moderate",
  "confidence": "85%",
  "predictions": [
    {"period": "2025-07", "value": 84, "lower": 80, "upper": 88},
    {"period": "2025-08", "value": 88, "lower": 82, "upper": 94},
    {"period": "2025-09", "value": 93, "lower": 86, "upper": 100}
  ]
}`

func TestReadmeExample(t *testing.T) {
	d := exampleData()
	r, err := Normalize(exampleAnswer, d)
	if err != nil {
		t.Fatal(err)
	}
	history, preds := d.values(), r.Predictions
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 5e-4 {
			t.Errorf("%s = %.4f, want %.4f", what, got, want)
		}
	}

	// The baseline of a constant series is that constant, interval zero.
	base := baselineForecast(history, 12, 3)
	flat := baseline.Point{Value: 80, Lower: 80, Upper: 80}
	if !slices.Equal(base, []baseline.Point{flat, flat, flat}) {
		t.Errorf("baseline = %+v, want 80 with a zero-width interval", base)
	}

	// Risk.
	g := relativeTrend(80, preds)
	near("slope", g*80, 4.3)
	near("g", g, 0.05375)
	// level 40 + persistence 6.67 + exposure 3.33 + trend 5.375
	near("capacity score", capacityScore(90, 80, g, preds), 40+20.0/3+10.0/3+5.375)
	if got := levelForScore(55); got != RiskHigh {
		t.Errorf("55 is %s, want High", got)
	}
	if r.RiskLevel != RiskModerate || r.RiskScore != 49 {
		t.Errorf("risk = %s %d, want Moderate 49 (High 55 moved one level to the provider's moderate)", r.RiskLevel, r.RiskScore)
	}
	wantBottlenecks(t, r, "capacity exceeded@2025-09")
	if b := r.Bottlenecks[0]; b.Severity != RiskModerate || b.Description != "Forecast 93 kTEU exceeds capacity 90 kTEU by 3.3%." {
		t.Errorf("bottleneck = %+v", b)
	}

	// Confidence.
	near("length", lengthCredit(len(history)), 0.6905)
	near("gap share", gapShare(d), 1.0/12)
	near("quality", dataQuality(d, history), 0.5754)
	near("width", 1-meanRelativeWidth(preds, 1), 0.8726)
	a, ok := agreement(preds, base)
	if !ok {
		t.Fatal("no agreement")
	}
	near("agreement", a, 1.0/6)
	near("blend", 0.3*0.85+0.25*0.5754+0.2*0.8726+0.25*a, 0.6150) // the README's sum
	if r.Confidence != 62 {
		t.Errorf("confidence = %d, want 62", r.Confidence)
	}

	if want := "Moderate risk (score 49) for container port throughput in NLD: forecast 84 kTEU in 2025-07 and 93 kTEU in 2025-09, above capacity 90 kTEU in 1 of 3 periods."; r.Summary != want {
		t.Errorf("summary = %q\nwant      %q", r.Summary, want)
	}
}
