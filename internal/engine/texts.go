package engine

import (
	"strconv"
	"strings"
)

// texts reads the fields the answer schema types as strings — the summary,
// the risk level, a bottleneck's name, period and description — and keeps
// the first one that holds something else. A number there (a summary of
// 12345) is not a lenient variant of text but a sign the answer is broken,
// so Normalize refuses it with ReasonSchemaViolation: the JSON does not have
// the requested shape. Absent and null fields stay optional.
type texts struct {
	problem *Error
}

// fieldName names a field in messages: "summary", or bottleneck 2's "name";
// a bottleneck itself when field is empty. It is formatted only on failure,
// so reading an answer costs no allocation for it.
type fieldName struct {
	bottleneck int // from 1; 0 for a field of the answer itself
	field      string
}

func (f fieldName) String() string {
	switch {
	case f.bottleneck == 0:
		return strconv.Quote(f.field)
	case f.field == "":
		return "bottleneck " + strconv.Itoa(f.bottleneck)
	}
	return "bottleneck " + strconv.Itoa(f.bottleneck) + "'s " + strconv.Quote(f.field)
}

// at reads the first of names as text (see text).
func (t *texts) at(obj value, what fieldName, names ...string) string {
	v, _ := obj.field(names...)
	return t.text(v, what)
}

// text reads v as text: a string, or "" when absent or null. Anything else
// is noted.
func (t *texts) text(v value, what fieldName) string {
	switch v.kind() {
	case kindString:
		return v.text()
	case kindNull:
		return ""
	}
	t.fail(what, v, "text")
	return ""
}

// label reads a period label: text, or a number as its literal (a year
// written as 2026), or "" when absent or null. Anything else is noted.
func (t *texts) label(obj value, what fieldName, names ...string) string {
	v, _ := obj.field(names...)
	if v.kind() == kindNumber {
		return v.text()
	}
	return t.text(v, what)
}

// riskLevel reads the answer's risk word from "riskLevel" or "risk_level",
// else from "risk", where an object is read for its "level" ({"risk":
// {"level": "High", "score": 70}}) and a number is a score, not a level,
// and is ignored.
func (t *texts) riskLevel(obj value) string {
	if v, ok := obj.field("riskLevel", "risk_level"); ok {
		return t.text(v, fieldName{field: "riskLevel"})
	}
	v, _ := obj.field("risk")
	switch v.kind() {
	case kindObject:
		return t.at(v, fieldName{field: "risk.level"}, "level", "riskLevel")
	case kindNumber:
		return ""
	}
	return t.text(v, fieldName{field: "risk"})
}

// fail notes that what holds v where want was asked for, unless an earlier
// field already failed.
func (t *texts) fail(what fieldName, v value, want string) {
	if t.problem == nil {
		t.problem = errorf(ReasonSchemaViolation, "%s is %s; want %s", what, describeValue(v), want)
	}
}

// describeValue names a JSON value for an error message: "the number 12345",
// "the boolean true", "a list", "an object", "a string".
func describeValue(v value) string {
	switch v.kind() {
	case kindNumber:
		return "the number " + prefix(v.text(), maxInvalidEcho)
	case kindBool:
		return "the boolean " + v.text()
	}
	return describeKind(v)
}

// noGradeWords are what a provider writes for a risk level it does not
// grade; they mean the same as no riskLevel at all.
var noGradeWords = map[string]bool{
	"unknown": true, "unclear": true, "uncertain": true, "undetermined": true, "indeterminate": true,
	"n/a": true, "na": true, "not applicable": true, "not available": true, "tbd": true,
}

// readRiskLevel reads the provider's risk word (see parseRiskLevel) as a
// hint, or reports no hint for a blank word or one of noGradeWords. Any
// other word is refused with ReasonSchemaViolation: the schema's riskLevel
// is an enum, and a provider that answers "banana" there is not answering
// the question.
func readRiskLevel(word string) (RiskLevel, bool, error) {
	if strings.TrimSpace(word) == "" {
		return "", false, nil
	}
	if level, ok := parseRiskLevel(word); ok {
		return level, true, nil
	}
	var buf [maxRiskWord]byte
	if key, ok := foldRiskWord(buf[:0], word); ok && noGradeWords[string(trimRisk(key))] {
		return "", false, nil
	}
	return "", false, errorf(ReasonSchemaViolation,
		"riskLevel %s is not a risk level; want Low, Moderate, High or Critical, or a synonym such as minor, medium, elevated, major or severe",
		strconv.Quote(prefix(strings.TrimSpace(word), maxInvalidEcho)))
}
