package engine

import "testing"

// preds builds predictions with the given values, each with an interval of
// ±spread.
func preds(spread float64, values ...float64) []Prediction {
	out := make([]Prediction, len(values))
	for i, v := range values {
		out[i] = Prediction{Period: monthLabel(2025, 7+i), Value: v, Lower: v - spread, Upper: v + spread}
	}
	return out
}

func TestAssessRisk(t *testing.T) {
	tests := []struct {
		name     string
		capacity *float64
		last     float64
		preds    []Prediction
		hint     RiskLevel // empty: no hint
		want     riskAssessment
	}{
		{"documented example", ptr(100), 90, preds(5, 92, 95, 98, 101, 104, 107), "", riskAssessment{RiskHigh, 59}},
		{"ample headroom", ptr(100), 60, preds(5, 60, 60, 60), "", riskAssessment{RiskLow, 0}},
		{"flat at 90% of capacity", ptr(100), 90, preds(2, 90, 90, 90), "", riskAssessment{RiskLow, 24}},
		{"flat at capacity, uppers over", ptr(100), 100, preds(5, 100, 100), "", riskAssessment{RiskModerate, 46}},
		{"far over and rising", ptr(100), 110, preds(5, 125, 140, 155), "", riskAssessment{RiskCritical, 90}},
		{"falling load earns level points only", ptr(100), 90, preds(0, 80, 70), "", riskAssessment{RiskLow, 12}},
		{"zero capacity measured against the last value", ptr(0), 10, preds(0, 11), "", riskAssessment{RiskCritical, 90}},
		{"no capacity, flat and narrow", nil, 100, preds(1, 100, 100, 100), "", riskAssessment{RiskLow, 1}},
		{"no capacity, 5% growth, ±10%", nil, 100, preds(10, 105, 110.25), "", riskAssessment{RiskModerate, 47}},
		{"no capacity, steep fall", nil, 100, preds(0, 80, 60), "", riskAssessment{RiskHigh, 70}},
		{"no capacity, zero values", nil, 0, preds(0, 0, 0), "", riskAssessment{RiskLow, 0}},
		{"hint one level up", ptr(100), 90, preds(2, 90, 90, 90), RiskModerate, riskAssessment{RiskModerate, 25}},
		{"hint far up moves one level", ptr(100), 60, preds(5, 60, 60, 60), RiskCritical, riskAssessment{RiskModerate, 25}},
		{"hint far down moves one level", ptr(100), 110, preds(5, 125, 140, 155), RiskLow, riskAssessment{RiskHigh, 74}},
		{"hint agreeing changes nothing", ptr(100), 90, preds(5, 92, 95, 98, 101, 104, 107), RiskHigh, riskAssessment{RiskHigh, 59}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Data{Capacity: tt.capacity}
			got := assessRisk(d, []float64{tt.last - 1, tt.last}, tt.preds, tt.hint, tt.hint != "")
			if got != tt.want {
				t.Errorf("assessRisk() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestLevelForScore(t *testing.T) {
	tests := []struct {
		score int
		want  RiskLevel
	}{
		{0, RiskLow}, {24, RiskLow}, {25, RiskModerate}, {49, RiskModerate},
		{50, RiskHigh}, {74, RiskHigh}, {75, RiskCritical}, {100, RiskCritical},
	}
	for _, tt := range tests {
		if got := levelForScore(tt.score); got != tt.want {
			t.Errorf("levelForScore(%d) = %s, want %s", tt.score, got, tt.want)
		}
		if got := clampToBand(tt.score, tt.want); got != tt.score {
			t.Errorf("clampToBand(%d, %s) = %d, want unchanged", tt.score, tt.want, got)
		}
	}
}
