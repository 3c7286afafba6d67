package engine

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/bottleneck-io/bottleneck-operator/internal/baseline"
)

// buildPredictions turns the provider's predictions into exactly one
// prediction per requested period, labelled with periods:
//
//   - alignment: see align. Extra predictions are dropped; fewer than the
//     periods is an error.
//   - numbers: a value must be present; every number must be finite.
//   - intervals: a missing bound is the baseline's interval half-width for
//     that step applied around the provider's value; bounds given the wrong
//     way round are swapped; a bound on the wrong side of the value is
//     widened to the value.
//
// The values are the provider's: checkPlausible judges them as written, and
// floorCounts raises a count's negatives to zero afterwards. base holds the
// baseline forecast for the same periods; it may be nil, in which case
// missing bounds collapse to the value.
func buildPredictions(raw []rawPrediction, kind string, periods []string, base []baseline.Point) ([]Prediction, error) {
	if len(raw) < len(periods) {
		return nil, errorf(ReasonTooFewPredictions, "the answer has %d predictions but %d periods were asked for (%s to %s); the provider must forecast every period",
			len(raw), len(periods), periods[0], periods[len(periods)-1])
	}
	order, err := align(raw, kind, periods)
	if err != nil {
		return nil, err
	}
	out := make([]Prediction, len(periods))
	for i, period := range periods {
		below, above := baseHalfWidths(base, i)
		p, err := readPrediction(raw[order[i]], period, below, above)
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}

// floorCounts raises every value and bound below zero to zero, for a count
// (a count cannot fall below nothing). checkPlausible has already refused
// the negatives that are not a trend run past zero.
func floorCounts(preds []Prediction) {
	for i, p := range preds {
		preds[i].Value, preds[i].Lower, preds[i].Upper = max(p.Value, 0), max(p.Lower, 0), max(p.Upper, 0)
	}
}

// align returns for each period the index of its prediction in raw, which
// has at least len(periods) entries. The first rule that finds a prediction
// for every period wins:
//
//  1. by label: the prediction whose period label is the period's (any
//     case, spaces trimmed), or names the same period of the kind in
//     another form ("2025-07-31" for the month "2025-07").
//  2. by step: the prediction whose step number is the period's position,
//     counting from 1, or from 0 when some prediction has step 0. A step
//     number is an "index" or "step" field, or a label or key that is a
//     bare number ("3") or the prompt's fallback form ("t+3");
//  3. by order: the first len(periods) predictions as they come, unless one
//     of them is labelled with another period than the one it would be
//     taken for: then the answer is refused, since its values belong to
//     other periods (a forecast that starts at the last known period, say)
//     and relabelling them would shift the forecast.
//
// Within a rule, of two predictions for the same period the first counts.
func align(raw []rawPrediction, kind string, periods []string) ([]int, error) {
	order := make([]int, len(periods))
	byLabel := func(j, i int) bool { return strings.EqualFold(strings.TrimSpace(raw[j].period), periods[i]) }
	if matchEach(order, len(raw), byLabel) {
		return order, nil
	}
	labels, labelled := calendar(kind, raw, func(r rawPrediction) string { return r.period })
	wanted, _ := calendar(kind, periods, func(p string) string { return p })
	sameCalendarPeriod := func(j, i int) bool { return labels[j] != noPeriod && labels[j] == wanted[i] }
	if labelled && matchEach(order, len(raw), sameCalendarPeriod) {
		return order, nil
	}
	if steps, first := stepNumbers(raw); steps != nil {
		byStep := func(j, i int) bool { return steps[j] == first+i }
		if matchEach(order, len(raw), byStep) {
			return order, nil
		}
	}
	for i := range order {
		if labels[i] != noPeriod && wanted[i] != noPeriod && labels[i] != wanted[i] {
			return nil, errorf(ReasonTooFewPredictions, "the answer's prediction %d is labelled %s but would stand for %s: its periods are not the ones asked for; the provider must forecast %s to %s",
				i+1, strings.TrimSpace(raw[i].period), periods[i], periods[0], periods[len(periods)-1])
		}
		order[i] = i
	}
	return order, nil
}

// noPeriod marks a label that names no period of the kind.
const noPeriod = math.MinInt

// calendar numbers each item's label with ordinal (noPeriod when it names no
// period of the kind), and reports whether any does.
func calendar[T any](kind string, items []T, label func(T) string) ([]int, bool) {
	out := make([]int, len(items))
	some := false
	for j, item := range items {
		out[j] = noPeriod
		if n, ok := ordinal(kind, label(item)); ok {
			out[j], some = n, true
		}
	}
	return out, some
}

// matchEach sets order[i], for every i, to the first j < n not already
// taken for which match(j, i) holds, and reports whether every i found one.
func matchEach(order []int, n int, match func(j, i int) bool) bool {
	for i := range order {
		order[i] = -1
		for j := range n {
			if match(j, i) && !slices.Contains(order[:i], j) {
				order[i] = j
				break
			}
		}
		if order[i] < 0 {
			return false
		}
	}
	return true
}

// maxStep bounds the step numbers read; no answer has more predictions.
const maxStep = maxRawPredictions

// stepNumbers returns the step number of each prediction (-1 for none) and
// the number of the first step: 0 when some prediction has step 0, else 1.
// It returns nil when no prediction has a step number.
func stepNumbers(raw []rawPrediction) ([]int, int) {
	var steps []int
	first := 1
	for j, r := range raw {
		step, ok := stepOf(r)
		if !ok {
			continue
		}
		if steps == nil {
			steps = make([]int, len(raw))
			for k := range steps {
				steps[k] = -1
			}
		}
		steps[j] = step
		if step == 0 {
			first = 0
		}
	}
	return steps, first
}

// stepOf reads a prediction's step number from its "index" or "step" field,
// else from its label: "3" or "t+3".
func stepOf(r rawPrediction) (int, bool) {
	if n := r.step; n.set && !n.percent && n.value >= 0 && n.value <= maxStep && n.value == math.Trunc(n.value) {
		return int(n.value), true
	}
	label := strings.TrimSpace(r.period)
	if len(label) > 2 && (label[0] == 't' || label[0] == 'T') && label[1] == '+' {
		label = label[2:]
	}
	if label == "" || len(label) > len(strconv.Itoa(maxStep)) {
		return 0, false
	}
	step, ok := digits(label, len(label))
	return step, ok
}

// readPrediction validates and repairs one prediction. below and above are
// the baseline's distances from its value to its lower and upper bound.
func readPrediction(r rawPrediction, period string, below, above float64) (Prediction, error) {
	value, err := requireNumber(r.value, period, "value")
	if err != nil {
		return Prediction{}, err
	}
	lower, err := optionalNumber(r.lower, period, "lower", value-below)
	if err != nil {
		return Prediction{}, err
	}
	upper, err := optionalNumber(r.upper, period, "upper", value+above)
	if err != nil {
		return Prediction{}, err
	}
	if lower > upper {
		lower, upper = upper, lower
	}
	return Prediction{Period: period, Value: value, Lower: min(lower, value), Upper: max(upper, value)}, nil
}

func requireNumber(n number, period, field string) (float64, error) {
	if !n.set && n.invalid == "" {
		return 0, errorf(ReasonSchemaViolation, "the prediction for %s has no %s", period, field)
	}
	return optionalNumber(n, period, field, 0)
}

// optionalNumber returns n's value, or fallback when n is absent.
func optionalNumber(n number, period, field string, fallback float64) (float64, error) {
	switch {
	case n.invalid != "":
		return 0, errorf(ReasonInvalidNumber, "the %s of the prediction for %s is %q, not a number", field, period, n.invalid)
	case !n.set:
		return fallback, nil
	case !finite(n.value):
		return 0, errorf(ReasonInvalidNumber, "the %s of the prediction for %s is %v; it must be finite", field, period, n.value)
	}
	return n.value, nil
}

// baseHalfWidths returns how far the baseline's interval at step i reaches
// below and above its value, or zeros when there is no usable baseline.
func baseHalfWidths(base []baseline.Point, i int) (below, above float64) {
	if i >= len(base) {
		return 0, 0
	}
	p := base[i]
	below, above = p.Value-p.Lower, p.Upper-p.Value
	if !finite(below) || !finite(above) {
		return 0, 0
	}
	return below, above
}
