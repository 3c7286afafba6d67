package baseline

import (
	"math"
	"math/rand/v2"
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

// seasonal adds a yearly-looking swing to a noisy trend, the shape the
// operator's monthly series tend to have.
func seasonal(n int, seed uint64) []float64 {
	values := noisyLinear(n, 1000, 3, 20, seed)
	for i := range values {
		values[i] += 50 * math.Sin(2*math.Pi*float64(i)/12)
	}
	return values
}

func BenchmarkBaselineFit500(b *testing.B) {
	values := seasonal(500, 1)
	b.ReportAllocs()
	for b.Loop() {
		m, err := Fit(values)
		if err != nil {
			b.Fatal(err)
		}
		if len(m.Forecast(6, DefaultCoverage)) != 6 {
			b.Fatal("short forecast")
		}
	}
}

func BenchmarkBaselineFitCoarse24(b *testing.B) {
	values := seasonal(24, 1)
	b.ReportAllocs()
	for b.Loop() {
		m, err := FitCoarse(values)
		if err != nil {
			b.Fatal(err)
		}
		if len(m.Forecast(6, DefaultCoverage)) != 6 {
			b.Fatal("short forecast")
		}
	}
}
