package baseline

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// noisyLinear returns n values of intercept + slope·t plus Gaussian noise
// with the given standard deviation, reproducible from seed.
func noisyLinear(n int, intercept, slope, noise float64, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	values := make([]float64, n)
	for i := range values {
		values[i] = intercept + slope*float64(i) + noise*rng.NormFloat64()
	}
	return values
}

// seasonal adds a yearly swing of ±50 to a noisy trend from 1000, the
// shape the operator's monthly series tend to have; the swing peaks in the
// fourth month of each cycle.
func seasonal(n int, seed uint64) []float64 {
	values := noisyLinear(n, 1000, 1, 20, seed)
	for i := range values {
		values[i] += 50 * math.Sin(2*math.Pi*float64(i)/12)
	}
	return values
}

func mustFit(t *testing.T, values []float64, season int) *Model {
	t.Helper()
	m, err := Fit(values, season)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestFitRejectsUnusableInput(t *testing.T) {
	tests := []struct {
		name   string
		values []float64
		want   string
	}{
		{"nil", nil, "at least 3 values"},
		{"two values", []float64{1, 2}, "got 2"},
		{"NaN", []float64{1, math.NaN(), 3}, "value 2 is NaN"},
		{"+Inf", []float64{1, 2, math.Inf(1)}, "value 3 is +Inf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Fit(tt.values, 12)
			var inputErr *InputError
			if !errors.As(err, &inputErr) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want an *InputError that mentions %q", err, tt.want)
			}
		})
	}
}

func TestSeasonIsFoundOnlyWhereThereIsOne(t *testing.T) {
	tests := []struct {
		name   string
		values []float64
		season int
		want   string
	}{
		{"monthly swing", seasonal(60, 1), 12, "/multiplicative-season-12"},
		{"swing on a steep trend", steepSeasonal(60), 12, "/multiplicative-season-12"},
		{"swing below zero", shift(seasonal(60, 1), -1000), 12, "/additive-season-12"},
		{"noise only", noisyLinear(60, 100, 0, 5, 2), 12, ""},
		{"trend only", noisyLinear(60, 100, 2, 5, 3), 12, ""},
		{"fewer than three cycles", seasonal(35, 1), 12, ""},
		{"yearly values", seasonal(60, 1), 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mustFit(t, tt.values, tt.season)
			got := m.Name[strings.Index(m.Name+"/", "/"):]
			if got != tt.want || (tt.want == "") != (m.Season == 0) {
				t.Errorf("model %q (season %d), want the suffix %q", m.Name, m.Season, tt.want)
			}
		})
	}
}

// steepSeasonal is a swing of ±50 on a trend of 3 a step, which hides the
// season from the autocorrelations of the series itself.
func steepSeasonal(n int) []float64 {
	values := noisyLinear(n, 1000, 3, 10, 1)
	for i := range values {
		values[i] += 50 * math.Sin(2*math.Pi*float64(i)/12)
	}
	if seasonalAt(values, 12) {
		panic("the trend no longer hides the season: the test case tests nothing")
	}
	return values
}

func shift(values []float64, by float64) []float64 {
	out := slices.Clone(values)
	for i := range out {
		out[i] += by
	}
	return out
}

func TestDecomposeRecoversTheSeason(t *testing.T) {
	want := []float64{0.8, 1.2, 1.0, 1.0}
	values := make([]float64, 40)
	for i := range values {
		values[i] = (100 + float64(i)) * want[i%4]
	}
	s := decompose(values, 4)
	for i, w := range want {
		if math.Abs(s.index[i]-w) > 0.01 {
			t.Errorf("index %d = %.4f, want %.2f", i, s.index[i], w)
		}
	}
}

func TestForecastFollowsASeasonalSeries(t *testing.T) {
	values := seasonal(72, 4)
	m := mustFit(t, values, 12)
	points := m.Forecast(12, DefaultCoverage)
	// The swing peaks at steps 3 (mod 12) of the cycle: the 72 values end a
	// cycle, so the forecast's fourth step is the peak and its tenth the
	// trough (the rising trend may move it a step or two later).
	peak := slices.IndexFunc(points, func(p Point) bool {
		return p.Value == slices.MaxFunc(points, func(a, b Point) int { return compareFloat(a.Value, b.Value) }).Value
	})
	trough := slices.IndexFunc(points, func(p Point) bool {
		return p.Value == slices.MinFunc(points, func(a, b Point) int { return compareFloat(a.Value, b.Value) }).Value
	})
	if peak != 3 || trough < 9 || trough > 11 {
		t.Errorf("peak at step %d and trough at %d, want 4 and 10 to 12: %v", peak+1, trough+1, points)
	}
	for i, p := range points {
		want := 1000 + float64(72+i) + 50*math.Sin(2*math.Pi*float64(72+i)/12)
		if math.Abs(p.Value-want) > 40 {
			t.Errorf("step %d = %.0f, want about %.0f", i+1, p.Value, want)
		}
	}
}

func TestModelChoice(t *testing.T) {
	trend := make([]float64, 40)
	for i := range trend {
		trend[i] = 10 + 2*float64(i)
	}
	m := mustFit(t, trend, 1)
	if m.ets.kind == trendNone {
		t.Errorf("a straight line was fitted without a trend: %s", m.Name)
	}
	// Theta extrapolates half the slope, so the combination runs a little
	// below the line.
	for h, p := range m.Forecast(3, DefaultCoverage) {
		if want := 10 + 2*float64(40+h); math.Abs(p.Value-want) > 0.03*want {
			t.Errorf("step %d = %v, want about %v", h+1, p.Value, want)
		}
	}
	if m := mustFit(t, noisyLinear(60, 100, 0, 5, 9), 1); m.Name != "theta+ets-ANN" {
		t.Errorf("noise about a level chose %s, want theta+ets-ANN", m.Name)
	}
}

func TestIntervals(t *testing.T) {
	m := mustFit(t, noisyLinear(80, 100, 0.5, 4, 5), 1)
	points := m.Forecast(24, DefaultCoverage)
	prev := 0.0
	for i, p := range points {
		if !(p.Lower <= p.Value && p.Value <= p.Upper) {
			t.Fatalf("step %d: %v is outside its interval", i+1, p)
		}
		if w := p.Upper - p.Lower; w < prev {
			t.Errorf("step %d: width %v narrower than the step before (%v)", i+1, w, prev)
		} else {
			prev = w
		}
	}
	// With unit noise sd 4, the 80% one-step interval is about ±1.28·4.
	if w := (points[0].Upper - points[0].Lower) / 2; w < 4 || w > 7.5 {
		t.Errorf("one-step half-width %v, want about 5.1", w)
	}
	wide := m.Forecast(1, 0.95)[0]
	if wide.Upper-wide.Lower <= points[0].Upper-points[0].Lower {
		t.Errorf("a 95%% interval %v is not wider than the 80%% one %v", wide, points[0])
	}
}

// TestIntervalsCoverWhatTheyClaim forecasts 400 simulated random walks with
// drift 12 steps ahead and counts the outcomes inside the 80% interval.
func TestIntervalsCoverWhatTheyClaim(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	var inside, all int
	for range 400 {
		values := make([]float64, 72)
		v := 1000.0
		for i := range values {
			v += 1 + 10*rng.NormFloat64()
			values[i] = v
		}
		m := mustFit(t, values[:60], 1)
		for i, p := range m.Forecast(12, DefaultCoverage) {
			all++
			if y := values[60+i]; p.Lower <= y && y <= p.Upper {
				inside++
			}
		}
	}
	if c := float64(inside) / float64(all); c < 0.75 || c > 0.85 {
		t.Errorf("the 80%% intervals covered %.1f%% of the outcomes", 100*c)
	}
}

func TestShortAndFlatSeries(t *testing.T) {
	for _, values := range [][]float64{{5, 5, 5}, {0, 0, 0, 0}, {1, 2, 4}, make([]float64, 48)} {
		m := mustFit(t, values, 12)
		for _, p := range m.Forecast(6, DefaultCoverage) {
			if !finite(p.Value) || !finite(p.Lower) || !finite(p.Upper) || p.Lower > p.Value || p.Upper < p.Value {
				t.Errorf("%v: point %v", values, p)
			}
		}
	}
	if p := mustFit(t, []float64{5, 5, 5, 5, 5}, 1).Forecast(1, DefaultCoverage)[0]; p != (Point{5, 5, 5}) {
		t.Errorf("a constant series forecast %v, want exactly 5 with no spread", p)
	}
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func TestFitIsDeterministic(t *testing.T) {
	values := seasonal(144, 3)
	a, b := mustFit(t, values, 12).Forecast(18, DefaultCoverage), mustFit(t, values, 12).Forecast(18, DefaultCoverage)
	if !slices.Equal(a, b) {
		t.Error("two fits of the same series differ")
	}
}

func TestForecastNonPositiveHorizon(t *testing.T) {
	m := mustFit(t, seasonal(24, 1), 12)
	if m.Forecast(0, DefaultCoverage) != nil || m.Forecast(-1, DefaultCoverage) != nil {
		t.Error("h ≤ 0 gave points")
	}
}
