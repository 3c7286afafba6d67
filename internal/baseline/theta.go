package baseline

import (
	"math"

	"gonum.org/v1/gonum/stat"
)

// thetaFit is the Theta method (Assimakopoulos & Nikolopoulos, 2000) in the
// form of Hyndman & Billah (2003): simple exponential smoothing with a drift
// of half the slope of the series' least-squares line.
type thetaFit struct {
	ses   etsFit
	drift float64
}

// newTheta is the Theta method for x, given simple exponential smoothing
// fitted to it.
func newTheta(x []float64, ses etsFit) thetaFit {
	ts := make([]float64, len(x))
	for i := range ts {
		ts[i] = float64(i)
	}
	_, slope := stat.LinearRegression(ts, x, nil, false)
	return thetaFit{ses: ses, drift: slope / 2}
}

// pointFrom is the forecast h steps after the first n values, when the
// smoothed level after them is level.
func (f thetaFit) pointFrom(level float64, n, h int) float64 {
	a := f.ses.alpha
	return level + f.drift*(float64(h-1)+1/a-math.Pow(1-a, float64(n))/a)
}
