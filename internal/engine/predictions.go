package engine

import (
	"strings"

	"github.com/bottleneck-io/bottleneck-operator/internal/baseline"
)

// buildPredictions turns the provider's predictions into exactly one
// prediction per requested period, labelled with periods:
//
//   - alignment: when every requested label appears among the provider's
//     labels (any case, spaces trimmed), each period takes the prediction
//     with its label; otherwise the first len(periods) predictions are taken
//     in order. Extra predictions are dropped; too few is an error.
//   - numbers: a value must be present; every number must be finite.
//   - intervals: a missing bound is the baseline's interval half-width for
//     that step applied around the provider's value; bounds given the wrong
//     way round are swapped; a bound on the wrong side of the value is
//     widened to the value.
//
// base holds the baseline forecast for the same periods; it may be nil, in
// which case missing bounds collapse to the value.
func buildPredictions(raw []rawPrediction, periods []string, base []baseline.Point) ([]Prediction, error) {
	if len(raw) < len(periods) {
		return nil, errorf(ReasonTooFewPredictions, "the answer has %d predictions but %d periods were asked for (%s to %s)",
			len(raw), len(periods), periods[0], periods[len(periods)-1])
	}
	order := alignByLabel(raw, periods)
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

// alignByLabel returns for each period the index of its prediction in raw.
func alignByLabel(raw []rawPrediction, periods []string) []int {
	order := make([]int, len(periods))
	used := make([]bool, len(raw))
	for i, period := range periods {
		order[i] = -1
		for j, r := range raw {
			if !used[j] && strings.EqualFold(strings.TrimSpace(r.period), period) {
				order[i], used[j] = j, true
				break
			}
		}
		if order[i] < 0 {
			for k := range order {
				order[k] = k
			}
			return order
		}
	}
	return order
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
