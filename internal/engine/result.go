package engine

import (
	"bytes"
	"strings"
)

// RiskLevel grades risk.
type RiskLevel string

// Risk levels, from least to most severe.
const (
	RiskLow      RiskLevel = "Low"
	RiskModerate RiskLevel = "Moderate"
	RiskHigh     RiskLevel = "High"
	RiskCritical RiskLevel = "Critical"
)

// riskLevels is every level in order of severity; a level's index is its
// rank.
var riskLevels = [...]RiskLevel{RiskLow, RiskModerate, RiskHigh, RiskCritical}

// Prediction is the forecast for one period with its interval.
type Prediction struct {
	Period              string
	Value, Lower, Upper float64
}

// Bottleneck is a constraint expected to bind in a period.
type Bottleneck struct {
	Name        string
	Severity    RiskLevel
	Period      string
	Description string
}

// Result is a complete, valid, normalized forecast. Never half-filled.
type Result struct {
	Summary     string
	RiskLevel   RiskLevel
	RiskScore   int          // 0..100
	Confidence  int          // 0..100
	Predictions []Prediction // exactly d.Horizon, labelled with d.Periods()
	Bottlenecks []Bottleneck // at most 20
}

// riskWords maps the words providers use for risk and severity, lower-cased
// with single spaces, to a level: the four levels themselves and their
// common synonyms, including the five-step scales' "very low" and "very high".
var riskWords = map[string]RiskLevel{
	"low": RiskLow, "very low": RiskLow, "minor": RiskLow, "minimal": RiskLow,
	"negligible": RiskLow, "none": RiskLow, "limited": RiskLow,

	"moderate": RiskModerate, "medium": RiskModerate, "med": RiskModerate, "mid": RiskModerate,
	"elevated": RiskModerate, "modest": RiskModerate, "guarded": RiskModerate,

	"high": RiskHigh, "significant": RiskHigh, "major": RiskHigh, "serious": RiskHigh,
	"considerable": RiskHigh, "substantial": RiskHigh,

	"critical": RiskCritical, "very high": RiskCritical, "severe": RiskCritical,
	"extreme": RiskCritical, "catastrophic": RiskCritical, "urgent": RiskCritical,
}

// parseRiskLevel reads a risk word in any case, with hyphens, underscores,
// colons and runs of spaces taken as one space, and an optional "risk"
// before or after it ("High risk", "high-risk", "Risk: high"), or reports
// that it is none. Two risk words joined by a space, "to", "or" or "/"
// ("Moderate-High", "low to moderate", "medium/high") read as the more
// severe, and a risk word followed by an explanation after punctuation
// ("High (utilization 97%)", "High - the yard fills up") as itself.
func parseRiskLevel(word string) (RiskLevel, bool) {
	if level, ok := lookupRiskWord(word); ok {
		return level, true
	}
	if i := strings.IndexAny(word, ",;(.!"); i > 0 {
		return lookupRiskWord(word[:i])
	}
	for _, dash := range [...]string{" - ", " – ", " — "} {
		if i := strings.Index(word, dash); i > 0 {
			return lookupRiskWord(word[:i])
		}
	}
	return "", false
}

// lookupRiskWord reads one risk word or a pair of them.
func lookupRiskWord(word string) (RiskLevel, bool) {
	var buf [maxRiskWord]byte
	key, ok := foldRiskWord(buf[:0], word)
	if !ok {
		return "", false
	}
	key = trimRisk(key)
	if level, ok := riskWords[string(key)]; ok { // no allocation: the compiler looks up bytes directly
		return level, true
	}
	return riskPair(key)
}

// trimRisk drops a "risk" before or after a folded risk word.
func trimRisk(key []byte) []byte {
	if rest, found := bytes.CutSuffix(key, []byte(" risk")); found {
		return rest
	}
	if rest, found := bytes.CutPrefix(key, []byte("risk ")); found {
		return rest
	}
	return key
}

// riskPair reads a folded key that is two risk words joined by a space,
// "to", "or" or "/" as the more severe of them.
func riskPair(key []byte) (RiskLevel, bool) {
	for i, c := range key {
		if c != ' ' && c != '/' {
			continue
		}
		left, right := bytes.TrimSpace(key[:i]), bytes.TrimSpace(key[i+1:])
		if rest, found := bytes.CutPrefix(right, []byte("to ")); found {
			right = rest
		} else if rest, found := bytes.CutPrefix(right, []byte("or ")); found {
			right = rest
		}
		l, lok := riskWords[string(left)]
		r, rok := riskWords[string(right)]
		if lok && rok {
			return riskLevels[max(l.rank(), r.rank())], true
		}
	}
	return "", false
}

// maxRiskWord bounds the text parseRiskLevel looks at: no risk word is
// longer, and a sentence is not a risk word.
const maxRiskWord = 32

// foldRiskWord appends word to dst lower-cased, with every run of
// separators (space, tab, newline, '-', '_', ':') as one space and none at
// either end. It fails when the result would not fit in dst's capacity, so a
// caller's stack buffer is never outgrown.
func foldRiskWord(dst []byte, word string) ([]byte, bool) {
	limit, space := cap(dst), false
	for i := range len(word) {
		c := word[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '-' || c == '_' || c == ':':
			space = len(dst) > 0
			continue
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		if space {
			dst = append(dst, ' ')
			space = false
		}
		dst = append(dst, c)
		if len(dst) > limit {
			return nil, false
		}
	}
	return dst, true
}

// rank is a level's position in riskLevels, or 0 for an unknown level.
func (l RiskLevel) rank() int {
	for i, level := range riskLevels {
		if level == l {
			return i
		}
	}
	return 0
}
