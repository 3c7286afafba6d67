package baseline

import (
	"math"
	"testing"
)

func TestForecastIntervalsWidenWithHorizon(t *testing.T) {
	m, err := Fit(seasonal(60, 3))
	if err != nil {
		t.Fatal(err)
	}
	points := m.Forecast(12, DefaultCoverage)
	for i := 1; i < len(points); i++ {
		prev, cur := points[i-1].Upper-points[i-1].Lower, points[i].Upper-points[i].Lower
		if !(cur > prev) {
			t.Errorf("width at step %d = %v, not wider than %v at step %d", i+1, cur, prev, i)
		}
	}
	for i, p := range points {
		if !(p.Lower < p.Value && p.Value < p.Upper) {
			t.Errorf("step %d: %+v is not a proper interval", i+1, p)
		}
		if math.Abs((p.Value-p.Lower)-(p.Upper-p.Value)) > 1e-9*math.Abs(p.Value) {
			t.Errorf("step %d: %+v is not centred", i+1, p)
		}
	}
}

func TestForecastCoversHeldOutPoints(t *testing.T) {
	const (
		fitted  = 120
		heldOut = 6
		seeds   = 40
	)
	inside, total := 0, 0
	for seed := range uint64(seeds) {
		values := noisyLinear(fitted+heldOut, 500, 2, 15, seed)
		m, err := Fit(values[:fitted])
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range m.Forecast(heldOut, DefaultCoverage) {
			if y := values[fitted+i]; p.Lower <= y && y <= p.Upper {
				inside++
			}
			total++
		}
	}
	// 80% intervals: allow for sampling error over 240 points, but a model
	// whose intervals were too narrow (or missing) would land well below.
	if share := float64(inside) / float64(total); share < 0.7 || share > 0.95 {
		t.Errorf("%d of %d held-out points inside the 80%% interval (%.0f%%), want 70–95%%",
			inside, total, 100*share)
	}
}

// TestForecastVarianceMatchesClosedForm checks the summed variance against
// the closed form of Hyndman et al. (2008), Table 6.1, ETS(A,Ad,N).
func TestForecastVarianceMatchesClosedForm(t *testing.T) {
	m := Model{Alpha: 0.6, Beta: 0.2, Phi: 0.9, Level: 100, Trend: 3, Sigma: 2, N: 30}
	z := normalQuantile(DefaultCoverage)
	a, b, phi := m.Alpha, m.Beta, m.Phi
	for h, p := range m.Forecast(10, DefaultCoverage) {
		hf := float64(h + 1)
		phiH := math.Pow(phi, hf)
		closed := m.Sigma * m.Sigma * (1 + a*a*(hf-1) +
			b*phi*hf/((1-phi)*(1-phi))*(2*a*(1-phi)+b*phi) -
			b*phi*(1-phiH)/((1-phi)*(1-phi)*(1-phi*phi))*(2*a*(1-phi*phi)+b*phi*(1+2*phi-phiH)))
		got := (p.Upper - p.Value) / z
		if math.Abs(got*got-closed) > 1e-9*closed {
			t.Errorf("step %d: variance %v, closed form %v", h+1, got*got, closed)
		}
		wantValue := m.Level + m.Trend*phi*(1-phiH)/(1-phi)
		if math.Abs(p.Value-wantValue) > 1e-9 {
			t.Errorf("step %d: value %v, want %v", h+1, p.Value, wantValue)
		}
	}
}

func TestForecastCoverage(t *testing.T) {
	m := Model{Alpha: 0.5, Beta: 0.1, Phi: 0.9, Level: 10, Sigma: 1}
	width := func(coverage float64) float64 {
		p := m.Forecast(1, coverage)[0]
		return p.Upper - p.Lower
	}
	tests := []struct {
		name     string
		coverage float64
		want     float64
	}{
		{"80%", 0.8, 2 * 1.2815515655446004},
		{"95%", 0.95, 2 * 1.959963984540054},
		{"zero collapses", 0, 0},
		{"negative collapses", -1, 0},
		{"NaN is the default", math.NaN(), 2 * 1.2815515655446004},
		{"one is capped", 1, 2 * 3.2905267314919255},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := width(tt.coverage); math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("width = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestForecastNonPositiveHorizon(t *testing.T) {
	m := Model{Level: 1}
	for _, h := range []int{0, -3} {
		if got := m.Forecast(h, DefaultCoverage); len(got) != 0 {
			t.Errorf("Forecast(%d) = %v, want none", h, got)
		}
	}
}
