package engine

import (
	"math"
	"slices"

	"github.com/bottleneck-io/bottleneck-operator/internal/baseline"
)

// Confidence model weights; a component that cannot be computed is left out
// and the others keep their proportions.
const (
	weightProvider  = 0.30
	weightQuality   = 0.25
	weightWidth     = 0.20
	weightAgreement = 0.25
)

// Data-quality constants.
const (
	// fullHistory is the history length that earns full length credit: two
	// years of monthly data.
	fullHistory = 24
	// outlierZ is the robust z-score above which a change is an outlier
	// (Iglewicz and Hoaglin's 3.5).
	outlierZ = 3.5
	// madToSigma turns a median absolute deviation into a standard deviation
	// for normal data.
	madToSigma = 1 / 0.6745
)

// assessConfidence blends four components, each in [0, 1], into a score from
// 0 to 100:
//
//	provider   the provider's own confidence (0–1, 0–100 or "85%"), if given
//	quality    length × regularity × completeness of the history:
//	           length is 0.5 at 3 points rising linearly to 1 at 24;
//	           regularity is 1 - 2·(share of period-to-period changes whose
//	           robust z-score |0.6745·(c - median)/MAD| exceeds 3.5);
//	           completeness is 1 - 2·(share of the periods the history spans
//	           that are missing, see gapShare); both floored at 0
//	width      1 - mean of min((u - l) / |v|, 1): an interval as wide as
//	           the value earns nothing
//	agreement  mean over periods of clamp(1 - |v - b| / (2·s)) where b is the
//	           baseline forecast and s its interval half-width (at least 5%
//	           of |b|): inside the baseline's interval earns at least half
//
// with weights 0.30, 0.25, 0.20 and 0.25, divided by the sum of the weights
// of the components present (the provider's figure is optional; agreement
// needs a baseline forecast). For example, a provider at 80%, 24 regular,
// complete history points (quality 1), intervals ±10% (width 0.8) and
// predictions matching the baseline (agreement 1) give
// 0.3·0.8 + 0.25·1 + 0.2·0.8 + 0.25·1 = 0.90, so 90.
func assessConfidence(provider number, d Data, history []float64, preds []Prediction, base []baseline.Point) int {
	var sum, weights float64
	add := func(weight, value float64) {
		sum += weight * clamp01(value)
		weights += weight
	}
	if c, ok := providerConfidence(provider); ok {
		add(weightProvider, c)
	}
	add(weightQuality, dataQuality(d, history))
	add(weightWidth, 1-meanRelativeWidth(preds, 1))
	if a, ok := agreement(preds, base); ok {
		add(weightAgreement, a)
	}
	return int(math.Round(100 * sum / weights))
}

// providerConfidence reads the provider's figure as a fraction: with a
// percent sign or above 1 it is a percentage, otherwise already a fraction.
func providerConfidence(n number) (float64, bool) {
	if !n.set || !finite(n.value) {
		return 0, false
	}
	if n.percent || n.value > 1 {
		return clamp01(n.value / 100), true
	}
	return clamp01(n.value), true
}

// dataQuality scores the history's length, regularity and completeness.
func dataQuality(d Data, history []float64) float64 {
	return lengthCredit(len(history)) * clamp01(1-2*outlierShare(history)) * clamp01(1-2*gapShare(d))
}

// lengthCredit is 0.5 for MinHistory points rising linearly to 1 for
// fullHistory points or more.
func lengthCredit(n int) float64 {
	return 0.5 + 0.5*clamp01(float64(n-MinHistory)/float64(fullHistory-MinHistory))
}

// gapShare is the share of the periods a history spans that it lacks. Each
// pair of consecutive labels that both read as periods of the kind (see
// ordinal) is judged: a step of k > 1 periods misses k - 1, and a step of 0
// or less (a repeated or out-of-order label) counts as one missing. The
// share is missing / (judged pairs + 1 + missing): for a history labelled
// throughout, the missing periods over the periods its span holds. Labels
// that do not read as periods are not judged, so unlabelled history has no
// gaps.
func gapShare(d Data) float64 {
	missing, judged := 0, 0
	prev, prevOK := 0, false
	for _, p := range d.History {
		cur, ok := ordinal(d.Period, p.Period)
		if ok && prevOK {
			judged++
			switch step := cur - prev; {
			case step > 1:
				missing += step - 1
			case step < 1:
				missing++
			}
		}
		prev, prevOK = cur, ok
	}
	if missing == 0 {
		return 0
	}
	return float64(missing) / float64(judged+1+missing)
}

// outlierShare is the share of period-to-period changes that are outliers by
// the robust z-score. The spread is floored at a millionth of the largest
// change, so rounding noise on a perfectly regular series is not an outlier
// while a single jump in it is.
func outlierShare(history []float64) float64 {
	changes := make([]float64, len(history)-1)
	var largest float64
	for i := range changes {
		changes[i] = history[i+1] - history[i]
		largest = max(largest, math.Abs(changes[i]))
	}
	if largest == 0 || !finite(largest) {
		return 0
	}
	center := median(slices.Clone(changes))
	deviations := make([]float64, len(changes))
	for i, c := range changes {
		deviations[i] = math.Abs(c - center)
	}
	spread := max(median(deviations)*madToSigma, 1e-6*largest)
	outliers := 0
	for _, c := range changes {
		if math.Abs(c-center)/spread > outlierZ {
			outliers++
		}
	}
	return float64(outliers) / float64(len(changes))
}

// median sorts values in place and returns their median, the mean of the
// two middle values for an even count. (gonum's stat.Quantile returns the
// lower middle value instead, which makes the MAD of a series alternating
// between two steps zero and every other step an outlier.)
func median(values []float64) float64 {
	slices.Sort(values)
	n := len(values)
	if n%2 == 1 {
		return values[n/2]
	}
	return (values[n/2-1] + values[n/2]) / 2
}

// agreement scores how close the predictions are to the baseline forecast;
// it is unavailable when the baseline is.
func agreement(preds []Prediction, base []baseline.Point) (float64, bool) {
	if len(base) < len(preds) {
		return 0, false
	}
	var sum float64
	for i, p := range preds {
		b := base[i]
		spread := max((b.Upper-b.Lower)/2, 0.05*math.Abs(b.Value))
		diff := math.Abs(p.Value - b.Value)
		switch {
		case !finite(spread) || !finite(diff):
			return 0, false
		case spread == 0 && diff == 0:
			sum++
		case spread > 0:
			sum += clamp01(1 - diff/(2*spread))
		}
	}
	return sum / float64(len(preds)), true
}
