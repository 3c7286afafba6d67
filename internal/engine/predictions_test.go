package engine

import (
	"slices"
	"testing"
)

func TestAlign(t *testing.T) {
	periods := []string{"2025-07", "2025-08", "2025-09"}
	labelled := func(labels ...string) []rawPrediction {
		out := make([]rawPrediction, len(labels))
		for i, l := range labels {
			out[i] = rawPrediction{period: l}
		}
		return out
	}
	stepped := func(steps ...float64) []rawPrediction {
		out := make([]rawPrediction, len(steps))
		for i, s := range steps {
			out[i] = rawPrediction{period: "Month", step: number{value: s, set: true}}
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
		{"another form of the same months", labelled("2025-09-30", "2025-07-01", "2025-08-15"), []int{1, 2, 0}},
		{"labelled with other periods: refused", labelled("2025-06", "2025-07", "2025-08"), nil},
		{"one period missing: refused", labelled("2025-09", "2025-07", "2025-10"), nil},
		{"partly labelled, in order", labelled("2025-07", "", "2025-09"), []int{0, 1, 2}},
		{"partly labelled, shifted: refused", labelled("", "2025-07", ""), nil},
		{"no labels: in order", labelled("", "", "", ""), []int{0, 1, 2}},
		{"keyed by index from 1", labelled("3", "1", "2"), []int{1, 2, 0}},
		{"keyed by index from 0", labelled("2", "0", "1"), []int{1, 2, 0}},
		{"fallback labels", labelled("t+2", "T+1", "t+3"), []int{1, 0, 2}},
		{"index fields", stepped(2, 3, 1), []int{2, 0, 1}},
		{"index fields from 0, extra ignored", stepped(5, 2, 1, 0), []int{3, 2, 1}},
		{"labels beat steps", []rawPrediction{{period: "2025-08", step: number{value: 1, set: true}}, {period: "2025-07"}, {period: "2025-09"}}, []int{1, 0, 2}},
		{"steps not covering the horizon: in order", labelled("7", "8", "9"), []int{0, 1, 2}},
		{"calendar words are not steps", labelled("Month 3", "Month 1", "Month 2"), []int{0, 1, 2}},
		{"fractional and percent steps ignored", []rawPrediction{{step: number{value: 1.5, set: true}}, {step: number{value: 1, set: true, percent: true}}, {}}, []int{0, 1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := align(tt.raw, PeriodMonth, periods)
			if tt.want == nil {
				wantReason(t, err, ReasonTooFewPredictions)
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("align() = %v, %v, want %v", got, err, tt.want)
			}
		})
	}
}

func TestFloorCounts(t *testing.T) {
	raw := []rawPrediction{
		{value: number{value: 3, set: true}, lower: number{value: -2, set: true}, upper: number{value: 8, set: true}},
		{value: number{value: -1, set: true}, upper: number{value: 1, set: true}},
	}
	periods := []string{"2025-07", "2025-08"}
	got, err := buildPredictions(raw, PeriodMonth, periods, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []Prediction{{"2025-07", 3, -2, 8}, {"2025-08", -1, -1, 1}}
	if !slices.Equal(got, want) {
		t.Errorf("as written: %+v, want %+v", got, want)
	}
	floorCounts(got)
	want = []Prediction{{"2025-07", 3, 0, 8}, {"2025-08", 0, 0, 1}}
	if !slices.Equal(got, want) {
		t.Errorf("floored: %+v, want %+v", got, want)
	}
}
