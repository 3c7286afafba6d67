package engine

import "strings"

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

// riskWords maps the words providers use for risk, lower-cased, to a level.
var riskWords = map[string]RiskLevel{
	"low": RiskLow, "minor": RiskLow, "minimal": RiskLow,
	"medium": RiskModerate, "moderate": RiskModerate, "elevated": RiskModerate,
	"high": RiskHigh, "significant": RiskHigh, "major": RiskHigh,
	"critical": RiskCritical, "severe": RiskCritical, "extreme": RiskCritical,
}

// parseRiskLevel reads a risk word in any case, with surrounding spaces and
// an optional trailing "risk" ("High risk"), or reports that it is none.
func parseRiskLevel(word string) (RiskLevel, bool) {
	word = strings.ToLower(strings.TrimSpace(word))
	word = strings.TrimSpace(strings.TrimSuffix(word, "risk"))
	level, ok := riskWords[word]
	return level, ok
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
