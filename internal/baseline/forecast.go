package baseline

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// maxCoverage caps the interval coverage: the normal quantile diverges as the
// coverage approaches 1.
const maxCoverage = 0.999

// minErrors is how many in-sample errors a horizon needs to size its own
// interval (all there are, for a history shorter than that); further
// horizons grow from the last one that had them.
const minErrors = 4

// fittedParameters is how many values the combination estimates from the
// series, the count in the interval's small-sample correction: SES's
// smoothing and initial level, Theta's drift, and the ETS model's smoothing,
// damping and initial trend.
const fittedParameters = 6

// Forecast returns h points (none for h ≤ 0) with the central prediction
// interval of the given coverage (clamped to [0, 0.999]; NaN means
// DefaultCoverage).
//
// The interval is empirical. Forecasting k steps ahead from every earlier
// value of the history, with the fitted model, gives the errors the
// combination makes at that horizon; the half-width is the normal quantile
// times their root mean square, in seasonally adjusted units, then
// seasonalised like the forecast. The errors are in-sample — the parameters
// were fitted to the same values — so they understate what happens beyond
// the data, the more so the shorter the series: the width is scaled by
// n/(n−p) with p = fittedParameters. Horizons with fewer than minErrors
// errors grow from the last one that had them by the square root of the
// step, as a random walk's would; no width shrinks with the horizon.
//
// On the M3 competition's series the 80% interval covers 78.4% of monthly,
// 78.0% of quarterly and 79.7% of yearly outcomes (docs/accuracy.md).
func (m *Model) Forecast(h int, coverage float64) []Point {
	if h <= 0 {
		return nil
	}
	widths := m.widths(h, normalQuantile(coverage))
	points := make([]Point, h)
	for i := range points {
		t := m.N + i
		v := m.pointFrom(m.N-1, i+1)
		lo, hi := v-widths[i], v+widths[i]
		if m.season != nil {
			v, lo, hi = m.season.restore(v, t), m.season.restore(lo, t), m.season.restore(hi, t)
		}
		points[i] = Point{Value: v, Lower: min(lo, hi), Upper: max(lo, hi)}
	}
	return points
}

// pointFrom is the combined forecast k steps after value t (from 0), in
// seasonally adjusted units.
func (m *Model) pointFrom(t, k int) float64 {
	theta := m.theta.pointFrom(m.sesTrace[t].level, t+1, k)
	return thetaWeight*theta + (1-thetaWeight)*m.ets.pointFrom(m.etsTrace[t], k)
}

// widths are the interval half-widths of steps 1..h for the quantile z.
func (m *Model) widths(h int, z float64) []float64 {
	n := m.N
	correction := float64(n) / max(float64(n-fittedParameters), 1)
	out := make([]float64, h)
	enough := min(minErrors, n-1)
	var last float64 // the widest width measured so far
	lastStep := 0
	for k := 1; k <= h; k++ {
		if n-k >= enough {
			var sum float64
			for t := 0; t+k < n; t++ {
				e := m.adjusted[t+k] - m.pointFrom(t, k)
				sum += e * e
			}
			last, lastStep = max(last, z*math.Sqrt(sum/float64(n-k))*correction), k
		}
		if lastStep > 0 {
			out[k-1] = last * math.Sqrt(float64(k)/float64(lastStep))
		}
	}
	return out
}

// normalQuantile is the two-sided standard normal quantile for a central
// interval with the given coverage.
func normalQuantile(coverage float64) float64 {
	if math.IsNaN(coverage) {
		coverage = DefaultCoverage
	}
	coverage = min(max(coverage, 0), maxCoverage)
	return distuv.UnitNormal.Quantile(0.5 + coverage/2)
}
