package engine

import "testing"

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
		{"High risk", RiskHigh, true},
		{"", "", false}, {"unknown", "", false}, {"very high", "", false},
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
