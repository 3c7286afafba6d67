package baseline

import (
	"math"

	"gonum.org/v1/gonum/stat"
)

// seasonalityZ is the one-sided 90% normal quantile of the seasonality
// test, the threshold the M4 competition's benchmarks use.
const seasonalityZ = 1.645

// isSeasonal reports whether x has a season of length m: at least three
// full seasons, and the autocorrelation test (seasonalAt) passing on x's
// residuals about its least-squares line. The M4 benchmarks test the series
// itself, but a trend raises every autocorrelation of a series, so on
// trending data that test passes a straight line as seasonal and can miss a
// season that rides on a steep trend; removing the line first avoids both
// (and scores a little better on M3, monthly and quarterly).
func isSeasonal(x []float64, m int) bool {
	if m <= 1 || len(x) < 3*m {
		return false
	}
	return seasonalAt(detrended(x), m)
}

// detrended is x minus its least-squares line.
func detrended(x []float64) []float64 {
	ts := make([]float64, len(x))
	for i := range ts {
		ts[i] = float64(i)
	}
	a, b := stat.LinearRegression(ts, x, nil, false)
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = v - a - b*float64(i)
	}
	return out
}

// seasonalAt is the 90% autocorrelation test of the M4 competition's
// benchmarks: the autocorrelation at lag m is above Bartlett's limit
// 1.645·√((1 + 2·Σ_{k<m} r_k²)/n).
func seasonalAt(x []float64, m int) bool {
	n := len(x)
	r := autocorrelations(x, m)
	var sum float64
	for k := 1; k < m; k++ {
		sum += r[k] * r[k]
	}
	return math.Abs(r[m]) > seasonalityZ*math.Sqrt((1+2*sum)/float64(n))
}

// autocorrelations returns r_0..r_maxLag of x (r_0 = 1; all 0 for a
// constant series).
func autocorrelations(x []float64, maxLag int) []float64 {
	n := len(x)
	var mean float64
	for _, v := range x {
		mean += v
	}
	mean /= float64(n)
	var c0 float64
	for _, v := range x {
		c0 += (v - mean) * (v - mean)
	}
	r := make([]float64, maxLag+1)
	if c0 == 0 {
		return r
	}
	for k := range r {
		var c float64
		for t := k; t < n; t++ {
			c += (x[t] - mean) * (x[t-k] - mean)
		}
		r[k] = c / c0
	}
	return r
}

// season is a classical decomposition's seasonal component: one index per
// position in the season, for the series' first value at position 0.
type season struct {
	m              int
	index          []float64
	multiplicative bool
}

// decompose estimates the seasonal indices of x by classical decomposition:
// a centred moving average of order m (2×m when m is even) is the trend,
// each position's index is the mean of the values' ratios to it
// (differences, when some value is not positive), normalised to average 1
// (0).
func decompose(x []float64, m int) season {
	s := season{m: m, index: make([]float64, m), multiplicative: true}
	for _, v := range x {
		if v <= 0 {
			s.multiplicative = false
			break
		}
	}
	sums, counts := make([]float64, m), make([]int, m)
	half := m / 2
	for t := half; t+half < len(x); t++ {
		var trend float64
		if m%2 == 0 {
			trend = (x[t-half] + x[t+half]) / 2
			for j := t - half + 1; j < t+half; j++ {
				trend += x[j]
			}
		} else {
			for j := t - half; j <= t+half; j++ {
				trend += x[j]
			}
		}
		trend /= float64(m)
		if s.multiplicative {
			sums[t%m] += x[t] / trend
		} else {
			sums[t%m] += x[t] - trend
		}
		counts[t%m]++
	}
	var mean float64
	for i := range s.index {
		s.index[i] = sums[i] / float64(counts[i])
		mean += s.index[i]
	}
	mean /= float64(m)
	for i := range s.index {
		if s.multiplicative {
			s.index[i] /= mean
		} else {
			s.index[i] -= mean
		}
	}
	return s
}

// kind names the decomposition: multiplicative or additive.
func (s season) kind() string {
	if s.multiplicative {
		return "multiplicative"
	}
	return "additive"
}

// at is the index for the t-th value of the series (t from 0, and beyond
// the history for forecasts).
func (s season) at(t int) float64 { return s.index[t%s.m] }

// adjust removes the season from x.
func (s season) adjust(x []float64) []float64 {
	out := make([]float64, len(x))
	for t, v := range x {
		if s.multiplicative {
			out[t] = v / s.at(t)
		} else {
			out[t] = v - s.at(t)
		}
	}
	return out
}

// restore puts the season back on the value of the t-th step.
func (s season) restore(v float64, t int) float64 {
	if s.multiplicative {
		return v * s.at(t)
	}
	return v + s.at(t)
}
