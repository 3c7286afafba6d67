package baseline

import (
	"math"
	"testing"
)

func TestMinimize(t *testing.T) {
	tests := map[string]struct {
		f    func([]float64) float64
		x0   []float64
		want []float64
		tol  float64
	}{
		"quadratic": {func(x []float64) float64 { return (x[0]-3)*(x[0]-3) + 10*(x[1]+1)*(x[1]+1) },
			[]float64{0, 0}, []float64{3, -1}, 1e-3},
		"rosenbrock": {func(x []float64) float64 { return 100*math.Pow(x[1]-x[0]*x[0], 2) + math.Pow(1-x[0], 2) },
			[]float64{-1.2, 1}, []float64{1, 1}, 1e-2},
		"one dimension": {func(x []float64) float64 { return math.Abs(x[0] - 0.25) }, []float64{2}, []float64{0.25}, 1e-3},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := minimize(tt.f, tt.x0, 2000)
			for i := range got {
				if math.Abs(got[i]-tt.want[i]) > tt.tol {
					t.Errorf("minimum at %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestMinimizeKeepsToItsBudget(t *testing.T) {
	evals := 0
	minimize(func(x []float64) float64 { evals++; return x[0]*x[0] + x[1]*x[1] }, []float64{5, 5}, 40)
	// The last iteration may finish a shrink: at most d evaluations over.
	if evals > 42 {
		t.Errorf("%d evaluations, budget 40", evals)
	}
}
