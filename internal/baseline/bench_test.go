package baseline

import "testing"

// benchmarkAuto fits n monthly values with model selection and forecasts
// h steps with intervals: what the baseline provider does per request.
func benchmarkFit(b *testing.B, n, h int) {
	values := seasonal(n, 1)
	b.ReportAllocs()
	for b.Loop() {
		a, err := Fit(values, 12)
		if err != nil {
			b.Fatal(err)
		}
		if len(a.Forecast(h, DefaultCoverage)) != h {
			b.Fatal("short forecast")
		}
	}
}

func BenchmarkFit144(b *testing.B) { benchmarkFit(b, 144, 18) }

// BenchmarkFit144NoSeason is the costliest 144-point case: the test finds
// no season, so models with and without one are fitted and compared.
func BenchmarkFit144NoSeason(b *testing.B) {
	values := noisyLinear(144, 1000, 1, 20, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Fit(values, 12); err != nil {
			b.Fatal(err)
		}
	}
}
func BenchmarkFit500(b *testing.B)    { benchmarkFit(b, 500, 18) }
func BenchmarkFit500h36(b *testing.B) { benchmarkFit(b, 500, 36) }
