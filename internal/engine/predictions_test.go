package engine

import (
	"slices"
	"testing"
)

func TestAlignByLabel(t *testing.T) {
	periods := []string{"2025-07", "2025-08", "2025-09"}
	labelled := func(labels ...string) []rawPrediction {
		out := make([]rawPrediction, len(labels))
		for i, l := range labels {
			out[i] = rawPrediction{period: l}
		}
		return out
	}
	tests := []struct {
		name string
		raw  []rawPrediction
		want []int
	}{
		{"in order", labelled("2025-07", "2025-08", "2025-09"), []int{0, 1, 2}},
		{"shuffled", labelled("2025-09", "2025-07", "2025-08"), []int{1, 2, 0}},
		{"history echoed first", labelled("2025-06", "2025-07", "2025-08", "2025-09"), []int{1, 2, 3}},
		{"case and space", labelled(" 2025-07", "2025-08 ", "2025-09"), []int{0, 1, 2}},
		{"duplicate label uses the first", labelled("2025-07", "2025-07", "2025-08", "2025-09"), []int{0, 2, 3}},
		{"one label missing: in order", labelled("2025-09", "2025-07", "2025-10"), []int{0, 1, 2}},
		{"no labels: in order", labelled("", "", "", ""), []int{0, 1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := alignByLabel(tt.raw, periods); !slices.Equal(got, tt.want) {
				t.Errorf("alignByLabel() = %v, want %v", got, tt.want)
			}
		})
	}
}
