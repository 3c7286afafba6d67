package engine

import (
	"strconv"
	"strings"
)

// number is a JSON number read leniently: a number, or a string holding one
// with optional thousands separators ("1,250.5") and an optional percent sign
// ("85%"). null and "" mean absent. Anything else is kept as invalid so the
// caller can say which field was wrong.
type number struct {
	value   float64
	set     bool   // present and readable
	percent bool   // written with a % sign
	invalid string // what was there instead, when present but unreadable
}

// maxInvalidEcho bounds how much of an unreadable value an error message
// repeats.
const maxInvalidEcho = 40

// numberOf reads n as a number.
func numberOf(v value) number {
	switch v.kind() {
	case kindNull:
		return number{}
	case kindNumber:
		f, err := strconv.ParseFloat(v.text(), 64)
		if err != nil { // out of range
			return number{invalid: prefix(v.text(), maxInvalidEcho)}
		}
		return number{value: f, set: true}
	case kindString:
		return parseNumber(v.text())
	}
	return number{invalid: describeKind(v)}
}

// parseNumber reads a number written as text.
func parseNumber(s string) number {
	s = strings.TrimSpace(s)
	if s == "" {
		return number{}
	}
	var n number
	if rest, ok := strings.CutSuffix(s, "%"); ok {
		s, n.percent = strings.TrimSpace(rest), true
	}
	plain, ok := dropThousands(s)
	if !ok {
		return number{invalid: prefix(s, maxInvalidEcho)}
	}
	v, err := strconv.ParseFloat(plain, 64)
	if err != nil {
		return number{invalid: prefix(s, maxInvalidEcho)}
	}
	n.value, n.set = v, true
	return n
}

// dropThousands removes comma thousands separators from s, accepting them
// only in well-formed groups of three digits so that a decimal comma
// ("1,5") is refused rather than misread as fifteen.
func dropThousands(s string) (string, bool) {
	if !strings.Contains(s, ",") {
		return s, true
	}
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i:]
	}
	sign := ""
	if intPart != "" && (intPart[0] == '-' || intPart[0] == '+') {
		sign, intPart = intPart[:1], intPart[1:]
	}
	groups := strings.Split(intPart, ",")
	for i, g := range groups {
		if _, ok := digits(g, len(g)); !ok || g == "" || len(g) > 3 || (i > 0 && len(g) != 3) {
			return "", false
		}
	}
	return sign + strings.Join(groups, "") + frac, true
}

// textOf reads n as text: a string as itself, a number or boolean as its
// literal (a year written as 2026), anything else as empty.
func textOf(v value) string {
	switch v.kind() {
	case kindString, kindNumber, kindBool:
		return v.text()
	}
	return ""
}

// describeKind names the kind of a value for error messages.
func describeKind(v value) string {
	switch v.kind() {
	case kindArray:
		return "a list"
	case kindObject:
		return "an object"
	case kindString:
		return "a string"
	case kindNull:
		return "null"
	}
	return v.text()
}
