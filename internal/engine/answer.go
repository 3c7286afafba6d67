package engine

import (
	"strconv"
	"strings"
)

// answer is a provider's JSON after lenient reading: aliases resolved, lists
// in one shape, nothing validated yet.
type answer struct {
	summary     string
	riskLevel   string
	confidence  number
	predictions []rawPrediction
	bottlenecks []rawBottleneck
	// invalidText is the first field where the schema asks for text and
	// the answer has something else (a number, a list, …), or nil.
	invalidText *Error
}

// rawPrediction is one prediction as the provider wrote it.
type rawPrediction struct {
	period              string // label, or the key of an object keyed by period
	step                number // an explicit "index" or "step" field
	value, lower, upper number
}

// rawBottleneck is one bottleneck as the provider wrote it.
type rawBottleneck struct {
	name, severity, period, description string
}

// Bounds on what is read. The JSON itself is bounded by maxAnswerBytes;
// these bound the work done on lists far longer than any valid answer.
const (
	// maxEnvelopes is how deep decodeAnswer looks into envelopes, enough for
	// Cloudflare's {"result": {"response": …}}.
	maxEnvelopes = 2
	// maxRawPredictions is how many predictions are read: a valid answer has
	// at most MaxHorizon, and a provider that repeats the history first adds
	// at most MaxHistory.
	maxRawPredictions = MaxHistory + MaxHorizon
	// maxRawBottlenecks is how many of the provider's bottlenecks are read
	// before the most severe MaxBottlenecks are kept.
	maxRawBottlenecks = 5 * MaxBottlenecks
)

// Field names and their aliases, matched without regard to case.
var (
	predictionsFields = []string{"predictions", "forecast", "forecasts"}
	envelopeFields    = []string{"response", "result", "data", "output"}
	valueFields       = []string{"value", "forecast", "predicted", "prediction", "estimate", "mean"}
	lowerFields       = []string{"lower", "lowerBound", "lower_bound", "low", "min"}
	upperFields       = []string{"upper", "upperBound", "upper_bound", "high", "max"}
)

// decodeAnswer reads the answer schema from obj, accepting the aliases
// providers use instead of its field names (matched ignoring case, as
// encoding/json does) and envelopes around it: an object under "response",
// "result", "data" or "output", or a string there holding the answer text,
// as Cloudflare Workers AI sends it with and without a JSON schema.
func decodeAnswer(obj value) (answer, error) {
	for range maxEnvelopes + 1 {
		if preds, ok := obj.field(predictionsFields...); ok {
			if _, nested := preds.field(predictionsFields...); !nested {
				return answerFrom(obj, preds)
			}
			obj = preds // {"forecast": {"predictions": …}} is an envelope
			continue
		}
		inner, ok := obj.field(envelopeFields...)
		if !ok {
			break
		}
		switch inner.kind() {
		case kindObject:
			obj = inner
			continue
		case kindString:
			var err error
			if obj, err = extractJSON(inner.text()); err != nil {
				return answer{}, err
			}
			continue
		}
		break
	}
	return answer{}, errorf(ReasonSchemaViolation,
		`the answer has no "predictions" (its fields: %s): want a list of {"period", "value", "lower", "upper"} objects`, fieldNames(obj))
}

// maxFieldNames is how many field names an error message lists.
const maxFieldNames = 8

// fieldNames lists the keys of obj for an error message.
func fieldNames(obj value) string {
	var b strings.Builder
	n := 0
	for key := range obj.children() {
		if n == maxFieldNames {
			b.WriteString(", …")
			break
		}
		if n > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(prefix(key, maxInvalidEcho)))
		n++
	}
	if n == 0 {
		return "none"
	}
	return b.String()
}

// answerFrom reads the answer fields of obj, whose predictions are preds.
func answerFrom(obj, preds value) (answer, error) {
	items, err := readPredictions(preds)
	if err != nil {
		return answer{}, err
	}
	var t texts
	a := answer{
		summary:     t.at(obj, fieldName{field: "summary"}, "summary"),
		riskLevel:   t.riskLevel(obj),
		confidence:  obj.numberAt("confidence", "confidenceScore", "confidence_score", "confidenceLevel"),
		predictions: items,
	}
	a.bottlenecks = readBottlenecks(obj, &t)
	a.invalidText = t.problem
	return a, nil
}

// readPredictions reads a list of prediction objects, [period, value,
// lower, upper] tuples or bare numbers, or an object keyed by period label
// or step number, keeping the document order.
func readPredictions(list value) ([]rawPrediction, error) {
	if k := list.kind(); k != kindArray && k != kindObject {
		return nil, errorf(ReasonSchemaViolation, `"predictions" is %s; want a list of {"period", "value", "lower", "upper"} objects`, describeKind(list))
	}
	out := make([]rawPrediction, 0, min(list.len(), maxRawPredictions))
	for key, item := range list.children() { // key is the period of an object keyed by period
		if len(out) == maxRawPredictions {
			break
		}
		switch item.kind() {
		case kindObject:
			out = append(out, predictionFrom(item, key))
		case kindArray:
			out = append(out, predictionFromTuple(item, key))
		default:
			out = append(out, rawPrediction{period: key, value: numberOf(item)})
		}
	}
	return out, nil
}

// predictionFrom reads one prediction object; period, when not empty, is its
// label from an object keyed by period.
func predictionFrom(obj value, period string) rawPrediction {
	if period == "" {
		period = obj.textAt("period", "date", "label")
	}
	return rawPrediction{
		period: period,
		step:   obj.numberAt("index", "step"),
		value:  obj.numberAt(valueFields...),
		lower:  obj.numberAt(lowerFields...),
		upper:  obj.numberAt(upperFields...),
	}
}

// predictionFromTuple reads a prediction written as a list: the value, the
// lower and the upper bound, after a period label when the first item is a
// string or the list has four items.
func predictionFromTuple(list value, period string) rawPrediction {
	var nums [3]number
	n, i, labelled := 0, 0, list.len() > len(nums)
	for _, item := range list.children() {
		switch {
		case i == 0 && (labelled || item.kind() == kindString):
			if period == "" {
				period = textOf(item)
			}
		case n < len(nums):
			nums[n] = numberOf(item)
			n++
		}
		i++
	}
	return rawPrediction{period: period, value: nums[0], lower: nums[1], upper: nums[2]}
}

// readBottlenecks reads a list of bottleneck objects or plain strings; null
// items are skipped, other items and fields that should be text are noted
// in t. Anything but a list is ignored ("bottlenecks": "none").
func readBottlenecks(obj value, t *texts) []rawBottleneck {
	list, ok := obj.field("bottlenecks", "constraints")
	if !ok || list.kind() != kindArray {
		return nil
	}
	out := make([]rawBottleneck, 0, min(list.len(), maxRawBottlenecks))
	n := 0
	for _, item := range list.children() {
		if len(out) == maxRawBottlenecks {
			break
		}
		n++
		switch item.kind() {
		case kindObject:
			out = append(out, rawBottleneck{
				name:        t.at(item, fieldName{n, "name"}, "name", "title"),
				severity:    item.textAt("severity", "level", "risk"),
				period:      t.label(item, fieldName{n, "period"}, "period", "date"),
				description: t.at(item, fieldName{n, "description"}, "description", "details"),
			})
		case kindString:
			out = append(out, rawBottleneck{name: item.text(), description: item.text()})
		case kindNull:
		default:
			t.fail(fieldName{bottleneck: n}, item, `an object with "name" and "description"`)
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
