package baseline

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// maxCoverage caps the interval coverage: the normal quantile diverges as the
// coverage approaches 1.
const maxCoverage = 0.999

// Forecast returns h points; the interval is the central prediction interval
// at the given coverage (e.g. 0.8), widening with the horizon using the
// ETS(A,Ad,N) forecast-variance formula.
//
// The point forecast h steps ahead is l + (φ + φ² + … + φʰ)·b. Its variance is
//
//	σ²·(1 + Σ_{j=1}^{h-1} c_j²),  c_j = α + β·(φ + φ² + … + φʲ)
//
// (Hyndman, Koehler, Ord & Snyder, Forecasting with Exponential Smoothing,
// 2008, class 1 models; the closed form in their Table 6.1 is this sum
// evaluated). The interval is the value ± z·sd with z the standard normal
// quantile for the coverage. Coverage is clamped to [0, 0.999] and NaN means
// DefaultCoverage. h ≤ 0 gives no points.
func (m Model) Forecast(h int, coverage float64) []Point {
	if h <= 0 {
		return nil
	}
	z := normalQuantile(coverage)
	points := make([]Point, h)
	var (
		damp     float64 // φ + … + φʲ
		varSum   float64 // Σ c_j² for j < h
		phiPower = 1.0
	)
	for i := range points {
		phiPower *= m.Phi
		damp += phiPower
		value := m.Level + damp*m.Trend
		half := z * m.Sigma * math.Sqrt(1+varSum)
		points[i] = Point{Value: value, Lower: value - half, Upper: value + half}
		c := m.Alpha + m.Beta*damp
		varSum += c * c
	}
	return points
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
