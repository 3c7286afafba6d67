package engine

import (
	"testing"

	"github.com/bottleneck-io/bottleneck-operator/internal/baseline"
)

// line returns n values rising by one from 100.
func line(n int) []float64 {
	values := make([]float64, n)
	for i := range values {
		values[i] = 100 + float64(i)
	}
	return values
}

// baseAt is a baseline forecast with the given values and half-width.
func baseAt(half float64, values ...float64) []baseline.Point {
	out := make([]baseline.Point, len(values))
	for i, v := range values {
		out[i] = baseline.Point{Value: v, Lower: v - half, Upper: v + half}
	}
	return out
}

func TestAssessConfidence(t *testing.T) {
	withSpike := line(24)
	withSpike[12] += 50 // one jump up and one back down: 2 of 23 changes
	tests := []struct {
		name     string
		provider number
		history  []float64
		preds    []Prediction
		base     []baseline.Point
		want     int
	}{
		{"documented example", number{value: 0.8, set: true}, line(24), preds(10, 100, 100), baseAt(10, 100, 100), 90},
		{"percent figure", number{value: 80, set: true, percent: true}, line(24), preds(10, 100, 100), baseAt(10, 100, 100), 90},
		{"0-100 figure", number{value: 80, set: true}, line(24), preds(10, 100, 100), baseAt(10, 100, 100), 90},
		// "0.8%" is a percentage, not the fraction 0.8: 0.3·0.008 + 0.66.
		{"small percent figure", number{value: 0.8, set: true, percent: true}, line(24), preds(10, 100, 100), baseAt(10, 100, 100), 66},
		// Without the provider: (0.25 + 0.16 + 0.25) / 0.7.
		{"no provider figure", number{}, line(24), preds(10, 100, 100), baseAt(10, 100, 100), 94},
		{"provider above 100 is capped", number{value: 250, set: true}, line(24), preds(10, 100, 100), baseAt(10, 100, 100), 96},
		// Length credit 0.5 at three points: 0.24 + 0.125 + 0.16 + 0.25.
		{"short history", number{value: 0.8, set: true}, line(3), preds(10, 100, 100), baseAt(10, 100, 100), 78},
		// Outliers 2/23: quality 1 - 2·0.087 = 0.826.
		{"outliers", number{value: 0.8, set: true}, withSpike, preds(10, 100, 100), baseAt(10, 100, 100), 86},
		// Predictions one baseline half-width away: agreement 0.5.
		{"disagrees with baseline", number{value: 0.8, set: true}, line(24), preds(10, 110, 110), baseAt(10, 100, 100), 78},
		// Intervals as wide as the value: width earns nothing.
		{"very wide intervals", number{value: 0.8, set: true}, line(24), preds(60, 100, 100), baseAt(10, 100, 100), 74},
		// No baseline: (0.24 + 0.25 + 0.16) / 0.75.
		{"no baseline", number{value: 0.8, set: true}, line(24), preds(10, 100, 100), nil, 87},
		// (0.25·0.5 + 0.2 + 0.25) / 0.7, agreement judged on 5% of the value.
		{"constant everything", number{}, []float64{5, 5, 5}, preds(0, 5), baseAt(0, 5), 82},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := assessConfidence(tt.provider, Data{}, tt.history, tt.preds, tt.base); got != tt.want {
				t.Errorf("assessConfidence() = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestOutlierShare(t *testing.T) {
	regularWithNoise := line(10)
	regularWithNoise[4] += 1e-12
	tests := []struct {
		name    string
		history []float64
		want    float64
	}{
		{"constant", []float64{3, 3, 3, 3}, 0},
		{"regular", line(10), 0},
		{"rounding noise is not an outlier", regularWithNoise, 0},
		{"one jump in a regular series", []float64{1, 2, 3, 4, 5, 100}, 0.2},
		{"alternating steps are no outliers", []float64{10, 12, 11, 13, 12, 14, 13}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := outlierShare(tt.history); got != tt.want {
				t.Errorf("outlierShare() = %v, want %v", got, tt.want)
			}
		})
	}
}
