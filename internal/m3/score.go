package m3

import "math"

// Forecast is one method's forecast for one series: a value per step of the
// future and, when the method gives them, the bounds of its 80% interval.
type Forecast struct {
	Values       []float64
	Lower, Upper []float64 // nil when the method gives no interval
}

// Tally accumulates the competition's scores over series of one period.
type Tally struct {
	series           int
	smape, mase      float64
	covered, bounded int
	tp, fp, fn       int
}

// Add scores f against s.Future. For one series with future y and forecast
// f over h steps:
//
//   - sMAPE is the mean of 200·|y−f| / (|y|+|f|) (0 where both are 0);
//   - MASE is the mean of |y−f| divided by the history's mean absolute
//     seasonal difference, mean |x[t] − x[t−m]| with m the frequency;
//   - an interval covers a step when lower ≤ y ≤ upper;
//   - a step is a bottleneck when its value is above capacity = max(history);
//     the forecast's bottleneck steps are scored against the true ones with
//     F1 over all the (series, step) pairs added.
func (t *Tally) Add(s Series, f Forecast) {
	h := len(s.Future)
	capacity := s.History[0]
	for _, x := range s.History {
		capacity = max(capacity, x)
	}
	scale := seasonalScale(s.History, s.Frequency)
	var smape, abs float64
	for i, y := range s.Future {
		v := f.Values[i]
		if d := math.Abs(y) + math.Abs(v); d > 0 {
			smape += 200 * math.Abs(y-v) / d
		}
		abs += math.Abs(y - v)
		if f.Lower != nil {
			t.bounded++
			if f.Lower[i] <= y && y <= f.Upper[i] {
				t.covered++
			}
		}
		switch actual, predicted := y > capacity, v > capacity; {
		case actual && predicted:
			t.tp++
		case predicted:
			t.fp++
		case actual:
			t.fn++
		}
	}
	t.series++
	t.smape += smape / float64(h)
	t.mase += abs / float64(h) / scale
}

// seasonalScale is the mean absolute difference of x at lag m (lag 1 when
// the series is shorter than m+1).
func seasonalScale(x []float64, m int) float64 {
	if len(x) <= m {
		m = 1
	}
	var sum float64
	for t := m; t < len(x); t++ {
		sum += math.Abs(x[t] - x[t-m])
	}
	return sum / float64(len(x)-m)
}

// Score is a Tally's result.
type Score struct {
	Series int
	// SMAPE and MASE are averaged over the series.
	SMAPE, MASE float64
	// Coverage is the share of steps inside the interval, NaN when no
	// forecast had one.
	Coverage float64
	// F1 of the bottleneck steps; NaN when there were none, predicted or
	// real.
	F1 float64
}

// Score returns the averages of what was added.
func (t *Tally) Score() Score {
	s := Score{Series: t.series, Coverage: math.NaN(), F1: math.NaN()}
	if t.series > 0 {
		s.SMAPE, s.MASE = t.smape/float64(t.series), t.mase/float64(t.series)
	}
	if t.bounded > 0 {
		s.Coverage = float64(t.covered) / float64(t.bounded)
	}
	if d := 2*t.tp + t.fp + t.fn; d > 0 {
		s.F1 = float64(2*t.tp) / float64(d)
	}
	return s
}
