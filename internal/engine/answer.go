package engine

import "strings"

// answer is a provider's JSON after lenient reading: aliases resolved, lists
// in one shape, nothing validated yet.
type answer struct {
	summary     string
	riskLevel   string
	confidence  number
	predictions []rawPrediction
	bottlenecks []rawBottleneck
}

// rawPrediction is one prediction as the provider wrote it.
type rawPrediction struct {
	period              string
	value, lower, upper number
}

// rawBottleneck is one bottleneck as the provider wrote it.
type rawBottleneck struct {
	name, severity, period, description string
}

// maxEnvelopes is how deep decodeAnswer looks into envelopes, enough for
// Cloudflare's {"result": {"response": {…}}}.
const maxEnvelopes = 2

// decodeAnswer reads the answer schema from obj, accepting the aliases
// providers use instead of its field names (matched ignoring case, as
// encoding/json does) and envelopes around it.
func decodeAnswer(obj value) (answer, error) {
	for range maxEnvelopes + 1 {
		if preds, ok := obj.field("predictions", "forecast"); ok {
			items, err := readPredictions(preds)
			if err != nil {
				return answer{}, err
			}
			return answer{
				summary:     obj.textAt("summary"),
				riskLevel:   obj.textAt("riskLevel", "risk_level", "risk"),
				confidence:  obj.numberAt("confidence", "confidenceScore", "confidence_score"),
				predictions: items,
				bottlenecks: readBottlenecks(obj),
			}, nil
		}
		inner, ok := obj.field("response", "result", "data")
		if !ok || inner.kind() != kindObject {
			break
		}
		obj = inner
	}
	return answer{}, errorf(ReasonSchemaViolation,
		`the answer has no "predictions": want a list of {"period", "value", "lower", "upper"} objects`)
}

// readPredictions reads a list of prediction objects or bare numbers, or an
// object keyed by period label, keeping the document order.
func readPredictions(list value) ([]rawPrediction, error) {
	if k := list.kind(); k != kindArray && k != kindObject {
		return nil, errorf(ReasonSchemaViolation, `"predictions" is %s; want a list of {"period", "value", "lower", "upper"} objects`, describeKind(list))
	}
	out := make([]rawPrediction, 0, list.len())
	for key, item := range list.children() { // key is the period of an object keyed by period
		if item.kind() == kindObject {
			out = append(out, predictionFrom(item, key))
		} else {
			out = append(out, rawPrediction{period: key, value: numberOf(item)})
		}
	}
	return out, nil
}

// predictionFrom reads one prediction object; period, when not empty, is its
// label from an object keyed by period.
func predictionFrom(obj value, period string) rawPrediction {
	if period == "" {
		period = obj.textAt("period", "date")
	}
	return rawPrediction{
		period: period,
		value:  obj.numberAt("value", "forecast", "predicted"),
		lower:  obj.numberAt("lower", "lowerBound", "lower_bound"),
		upper:  obj.numberAt("upper", "upperBound", "upper_bound"),
	}
}

// readBottlenecks reads a list of bottleneck objects or plain strings.
// Anything else is dropped rather than failing the answer: bottlenecks are
// commentary, the predictions are the result.
func readBottlenecks(obj value) []rawBottleneck {
	list, ok := obj.field("bottlenecks")
	if !ok || list.kind() != kindArray {
		return nil
	}
	out := make([]rawBottleneck, 0, list.len())
	for _, item := range list.children() {
		switch item.kind() {
		case kindObject:
			out = append(out, rawBottleneck{
				name:        item.textAt("name", "title"),
				severity:    item.textAt("severity", "level"),
				period:      item.textAt("period"),
				description: item.textAt("description", "details"),
			})
		case kindString:
			out = append(out, rawBottleneck{name: item.text(), description: item.text()})
		}
	}
	return out
}

// field returns the value of the first of names that obj has with a
// non-null value, matching keys without regard to case. Of duplicate keys the
// last counts, as in encoding/json and JavaScript.
func (obj value) field(names ...string) (value, bool) {
	for _, name := range names {
		found, ok := value{}, false
		for key, v := range obj.children() {
			if v.kind() != kindNull && strings.EqualFold(key, name) {
				found, ok = v, true
			}
		}
		if ok {
			return found, true
		}
	}
	return value{}, false
}

// textAt reads the first of names as text.
func (obj value) textAt(names ...string) string {
	v, _ := obj.field(names...)
	return textOf(v)
}

// numberAt reads the first of names as a number.
func (obj value) numberAt(names ...string) number {
	v, _ := obj.field(names...)
	return numberOf(v)
}
