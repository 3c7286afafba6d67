package engine

import (
	"strings"
	"testing"
)

func TestParseRiskLevel(t *testing.T) {
	tests := []struct {
		word string
		want RiskLevel
		ok   bool
	}{
		{"Low", RiskLow, true}, {"minor", RiskLow, true}, {"MINIMAL", RiskLow, true},
		{"medium", RiskModerate, true}, {"Moderate", RiskModerate, true}, {" elevated ", RiskModerate, true},
		{"high", RiskHigh, true}, {"Significant", RiskHigh, true}, {"major", RiskHigh, true},
		{"CRITICAL", RiskCritical, true}, {"severe", RiskCritical, true}, {"Extreme", RiskCritical, true},
		{"High risk", RiskHigh, true}, {"high-risk", RiskHigh, true}, {"Risk: HIGH", RiskHigh, true},
		{"very high", RiskCritical, true}, {"Very_Low", RiskLow, true}, {"  MEDIUM\n", RiskModerate, true},
		{"Serious", RiskHigh, true}, {"negligible", RiskLow, true}, {"catastrophic", RiskCritical, true},
		{"", "", false}, {"unknown", "", false}, {"risk", "", false}, {"high and rising", "", false},
		{"highrisk", "", false}, {strings.Repeat("high ", 10), "", false},
		// Pairs read as the more severe; a word before an explanation as
		// itself.
		{"Moderate-High", RiskHigh, true}, {"low to moderate", RiskModerate, true}, {"medium/high", RiskHigh, true},
		{"high or critical risk", RiskCritical, true}, {"Low-Medium", RiskModerate, true}, {"very low to low", RiskLow, true},
		{"High (utilization 97%)", RiskHigh, true}, {"High - the yard fills up in October", RiskHigh, true},
		{"severe, as capacity is exceeded", RiskCritical, true}, {"Moderate-High (rising)", RiskHigh, true},
		{"banana", "", false}, {"moderate banana", "", false}, {"banana (high)", "", false}, {"to high", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			got, ok := parseRiskLevel(tt.word)
			if got != tt.want || ok != tt.ok {
				t.Errorf("parseRiskLevel(%q) = %q, %v; want %q, %v", tt.word, got, ok, tt.want, tt.ok)
			}
		})
	}
}
