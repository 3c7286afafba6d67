package baseline

import (
	"math"
	"testing"
)

// TestSmoothByHand checks the recursion against values worked out by hand.
func TestSmoothByHand(t *testing.T) {
	tests := []struct {
		name   string
		values []float64
		p      params
		start  state
		scale  float64
		want   run
	}{
		{
			// y=12: ŷ=10+0.9·2=11.8, e=0.2, l=11.9, b=1.8+0.02=1.82
			// y=13: ŷ=11.9+1.638=13.538, e=-0.538, l=13.269, b=1.638-0.0538=1.5842
			name: "two steps", values: []float64{10, 12, 13},
			p: params{alpha: 0.5, beta: 0.1, phi: 0.9}, start: state{10, 2}, scale: 1,
			want: run{level: 13.269, trend: 1.5842, sse: 0.04 + 0.538*0.538, scale: 1, errors: 2},
		},
		{
			// The same errors measured in units of 10 sum to a hundredth.
			name: "scaled", values: []float64{10, 12, 13},
			p: params{alpha: 0.5, beta: 0.1, phi: 0.9}, start: state{10, 2}, scale: 10,
			want: run{level: 13.269, trend: 1.5842, sse: (0.04 + 0.538*0.538) / 100, scale: 10, errors: 2},
		},
		{
			name: "perfect fit", values: []float64{5, 5, 5, 5},
			p: params{alpha: 0.3, beta: 0.1, phi: 0.8}, start: state{5, 0}, scale: 5,
			want: run{level: 5, trend: 0, sse: 0, scale: 5, errors: 3},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := smooth(tt.values, tt.p, tt.start, tt.scale)
			if !near(got.level, tt.want.level) || !near(got.trend, tt.want.trend) || !near(got.sse, tt.want.sse) ||
				got.scale != tt.want.scale || got.errors != tt.want.errors {
				t.Errorf("smooth() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestInitialState(t *testing.T) {
	tests := []struct {
		name   string
		values []float64
		want   state
	}{
		{"line", []float64{3, 5, 7, 9}, state{3, 2}},
		{"only the first ten count", []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1000}, state{0, 1}},
		{"noise averages out", []float64{1, 3, 1, 3}, state{1.4, 0.4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := initialState(tt.values); !near(got.level, tt.want.level) || !near(got.trend, tt.want.trend) {
				t.Errorf("initialState() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestRMSE(t *testing.T) {
	r := run{sse: 0.08, scale: 10, errors: 2}
	if got := r.rmse(); !near(got, 2) {
		t.Errorf("rmse() = %v, want 2", got)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*max(1, math.Abs(b)) }

// TestSmoothLanesMatchesSmooth checks that the interleaved runs sum exactly
// what one run at a time does, so the grid search picks the same point.
func TestSmoothLanesMatchesSmooth(t *testing.T) {
	values := seasonal(120, 5)
	s, scale := initialState(values), seriesScale(values)
	for i := 0; i+lanes <= len(grid); i += lanes {
		batch := [lanes]params(grid[i : i+lanes])
		for k, sse := range smoothLanes(values, &batch, s, scale) {
			if want := smooth(values, batch[k], s, scale).sse; sse != want {
				t.Errorf("%+v: SSE %v side by side, %v alone", batch[k], sse, want)
			}
		}
	}
}

// TestSearchGridTakesTheBestPoint compares the grid search with smoothing
// every point alone.
func TestSearchGridTakesTheBestPoint(t *testing.T) {
	for _, values := range [][]float64{seasonal(60, 2), noisyLinear(40, 5, 1, 0.5, 3), {3, 1, 4, 1, 5}} {
		s, scale := initialState(values), seriesScale(values)
		want, wantSSE := grid[0], math.Inf(1)
		for _, p := range grid {
			if sse := smooth(values, p, s, scale).sse; sse < wantSSE {
				want, wantSSE = p, sse
			}
		}
		if got, sse := searchGrid(values, s, scale); got != want || sse != wantSSE {
			t.Errorf("searchGrid() = %+v (SSE %v), want %+v (SSE %v)", got, sse, want, wantSSE)
		}
	}
	if len(grid) != len(gridAlpha)*len(gridBetaShare)*len(gridPhi) {
		t.Errorf("grid has %d points", len(grid))
	}
}
