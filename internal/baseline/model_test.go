package baseline

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestFitRejectsUnusableInput(t *testing.T) {
	tests := []struct {
		name   string
		values []float64
		want   string
	}{
		{"nil", nil, "at least 3 values"},
		{"one value", []float64{1}, "got 1"},
		{"two values", []float64{1, 2}, "got 2"},
		{"NaN", []float64{1, math.NaN(), 3}, "value 2 is NaN"},
		{"+Inf", []float64{1, 2, math.Inf(1)}, "value 3 is +Inf"},
		{"-Inf", []float64{math.Inf(-1), 2, 3}, "value 1 is -Inf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, fit := range []func([]float64) (Model, error){Fit, FitCoarse} {
				_, err := fit(tt.values)
				var inputErr *InputError
				if !errors.As(err, &inputErr) {
					t.Fatalf("error = %v, want *InputError", err)
				}
				if !strings.Contains(err.Error(), tt.want) {
					t.Errorf("error = %q, want it to mention %q", err, tt.want)
				}
			}
		})
	}
}

func TestFitRecoversLinearTrend(t *testing.T) {
	values := make([]float64, 40)
	for i := range values {
		values[i] = 10 + 2*float64(i)
	}
	m, err := Fit(values)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(m.Trend-2) > 0.05 {
		t.Errorf("trend = %v, want about 2", m.Trend)
	}
	if math.Abs(m.Level-values[len(values)-1]) > 0.5 {
		t.Errorf("level = %v, want about %v", m.Level, values[len(values)-1])
	}
	// Damping bends the line down a little; three steps ahead it must still
	// be within 1% of the true continuation.
	for h, p := range m.Forecast(3, DefaultCoverage) {
		want := 10 + 2*float64(len(values)+h)
		if math.Abs(p.Value-want) > 0.01*want {
			t.Errorf("step %d = %v, want about %v", h+1, p.Value, want)
		}
	}
}

func TestFitConstantSeries(t *testing.T) {
	values := []float64{42, 42, 42, 42, 42}
	for name, fit := range map[string]func([]float64) (Model, error){"Fit": Fit, "FitCoarse": FitCoarse} {
		m, err := fit(values)
		if err != nil {
			t.Fatal(err)
		}
		if m.Sigma != 0 || m.Trend != 0 || m.Level != 42 || m.N != len(values) {
			t.Errorf("%s: model = %+v, want level 42, trend 0, sigma 0, N 5", name, m)
		}
		for h, p := range m.Forecast(4, DefaultCoverage) {
			if p != (Point{42, 42, 42}) {
				t.Errorf("%s: step %d = %+v, want a collapsed interval at 42", name, h+1, p)
			}
		}
	}
}

func TestFitZeroSeries(t *testing.T) {
	m, err := Fit([]float64{0, 0, 0})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range m.Forecast(3, DefaultCoverage) {
		if p != (Point{}) {
			t.Errorf("point = %+v, want zeros", p)
		}
	}
}

func TestFitKeepsParametersInBounds(t *testing.T) {
	series := map[string][]float64{
		"short":        {1, 5, 2},
		"seasonal":     seasonal(60, 7),
		"steep":        noisyLinear(50, 0, 100, 1, 3),
		"random walk":  randomWalk(80, 5),
		"huge numbers": {1e300, 1.2e300, 0.9e300, 1.1e300, 1.3e300},
		"tiny numbers": {1e-300, 2e-300, 3e-300, 5e-300},
	}
	for name, values := range series {
		m, err := Fit(values)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if m.Alpha < alphaMin || m.Alpha > alphaMax ||
			m.Beta < betaMin || m.Beta > m.Alpha ||
			m.Phi < phiMin || m.Phi > phiMax {
			t.Errorf("%s: parameters out of bounds: %+v", name, m)
		}
		for _, v := range []float64{m.Level, m.Trend, m.Sigma} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("%s: non-finite state: %+v", name, m)
			}
		}
	}
}

func TestFitIsDeterministic(t *testing.T) {
	values := seasonal(120, 11)
	first, err := Fit(values)
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		again, _ := Fit(values)
		if again != first {
			t.Fatalf("fit changed between runs: %+v then %+v", first, again)
		}
	}
}

func TestRefinementImprovesOnGrid(t *testing.T) {
	values := seasonal(120, 13)
	coarse, _ := FitCoarse(values)
	fine, _ := Fit(values)
	s, scale := initialState(values), seriesScale(values)
	sse := func(m Model) float64 {
		return smooth(values, params{m.Alpha, m.Beta, m.Phi}, s, scale).sse
	}
	// The grid cannot hit the optimum of a real series exactly, so the
	// refinement must find a strictly smaller error.
	if !(sse(fine) < sse(coarse)) {
		t.Errorf("refined SSE %v not below grid SSE %v", sse(fine), sse(coarse))
	}
	if !(fine.Sigma < coarse.Sigma) {
		t.Errorf("refined sigma %v not below grid sigma %v", fine.Sigma, coarse.Sigma)
	}
}

func randomWalk(n int, seed uint64) []float64 {
	steps := noisyLinear(n, 0, 0, 1, seed)
	for i := 1; i < n; i++ {
		steps[i] += steps[i-1]
	}
	return steps
}
