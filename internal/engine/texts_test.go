package engine

import (
	"strings"
	"testing"
)

// TestNormalizeTextFields checks the fields the schema types as text: a
// number, boolean, list or object there is refused with
// ReasonSchemaViolation, absent and null fields stay optional, and the risk
// word must be one.
func TestNormalizeTextFields(t *testing.T) {
	plausible := floats(125, 124, 123, 122, 121, 120)
	tests := []struct {
		name    string
		extra   string
		message string // empty: accepted
		check   func(t *testing.T, r Result)
	}{
		{name: "summary a number", extra: `"summary":12345`, message: `SchemaViolation: "summary" is the number 12345; want text`},
		{name: "summary a boolean", extra: `"summary":true`, message: `"summary" is the boolean true; want text`},
		{name: "summary a list", extra: `"summary":["rising"]`, message: `"summary" is a list; want text`},
		{name: "summary an object", extra: `"summary":{"text":"rising"}`, message: `"summary" is an object; want text`},
		{name: "summary null is written by the engine", extra: `"summary":null`, check: func(t *testing.T, r Result) {
			if !strings.HasPrefix(r.Summary, "Low risk") {
				t.Errorf("summary = %q", r.Summary)
			}
		}},
		{name: "riskLevel a number", extra: `"riskLevel":3`, message: `"riskLevel" is the number 3; want text`},
		{name: "risk_level a boolean", extra: `"risk_level":false`, message: `"riskLevel" is the boolean false; want text`},
		{name: "riskLevel not a risk word", extra: `"riskLevel":"banana"`,
			message: `SchemaViolation: riskLevel "banana" is not a risk level; want Low, Moderate, High or Critical, or a synonym such as minor, medium, elevated, major or severe`},
		{name: "riskLevel a number as a string", extra: `"riskLevel":"3"`, message: `riskLevel "3" is not a risk level`},
		{name: "riskLevel blank", extra: `"riskLevel":"  "`, check: wantLevel(RiskLow)},
		{name: "riskLevel null", extra: `"riskLevel":null`, check: wantLevel(RiskLow)},
		{name: "riskLevel ungraded", extra: `"riskLevel":"Unknown"`, check: wantLevel(RiskLow)},
		{name: "riskLevel n/a", extra: `"riskLevel":"N/A"`, check: wantLevel(RiskLow)},
		{name: "riskLevel a synonym moves the level one step", extra: `"riskLevel":"severe"`, check: wantLevel(RiskModerate)},
		{name: "riskLevel a pair", extra: `"riskLevel":"Moderate-High"`, check: wantLevel(RiskModerate)},
		{name: "risk as an object", extra: `"risk":{"level":"High","score":70}`, check: wantLevel(RiskModerate)},
		{name: "risk as an object with a number", extra: `"risk":{"level":2}`, message: `"risk.level" is the number 2; want text`},
		{name: "risk as a score is no level", extra: `"risk":72`, check: wantLevel(RiskLow)},
		{name: "risk as a word", extra: `"risk":"banana"`, message: `riskLevel "banana" is not a risk level`},
		{name: "bottleneck name a number", extra: `"bottlenecks":[{"name":"yard"},{"name":12345}]`,
			message: `SchemaViolation: bottleneck 2's "name" is the number 12345; want text`},
		{name: "bottleneck title a list", extra: `"bottlenecks":[{"title":["yard"]}]`, message: `bottleneck 1's "name" is a list; want text`},
		{name: "bottleneck description a boolean", extra: `"bottlenecks":[{"name":"yard","description":true}]`,
			message: `bottleneck 1's "description" is the boolean true; want text`},
		{name: "bottleneck period a boolean", extra: `"bottlenecks":[{"name":"yard","period":true}]`,
			message: `bottleneck 1's "period" is the boolean true; want text`},
		{name: "bottleneck period a year", extra: `"bottlenecks":[{"name":"yard","period":2026}]`, check: func(t *testing.T, r Result) {
			wantBottlenecks(t, r, "yard@2026")
		}},
		{name: "bottleneck a number", extra: `"bottlenecks":["yard",3]`, message: `bottleneck 2 is the number 3; want an object with "name" and "description"`},
		{name: "bottleneck fields null and items null", extra: `"bottlenecks":[{"name":"yard","period":null,"description":null},null,"rail"]`,
			check: func(t *testing.T, r Result) { wantBottlenecks(t, r, "yard@", "rail@") }},
		{name: "bottlenecks not a list", extra: `"bottlenecks":"none expected"`, check: func(t *testing.T, r Result) { wantBottlenecks(t, r) }},
		{name: "severity stays lenient", extra: `"bottlenecks":[{"name":"yard","severity":4}]`, check: func(t *testing.T, r Result) {
			if r.Bottlenecks[0].Severity != RiskModerate {
				t.Errorf("severity %s, want Moderate", r.Bottlenecks[0].Severity)
			}
		}},
		{name: "the first problem is named", extra: `"summary":1,"riskLevel":2,"bottlenecks":[{"name":3}]`, message: `"summary" is the number 1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := throughputData()
			r, err := Normalize(valuesAnswer(tt.extra, plausible...), d)
			if tt.message != "" {
				wantReason(t, err, ReasonSchemaViolation)
				if !strings.Contains(err.Error(), tt.message) {
					t.Errorf("message\n%s\nwant it to contain\n%s", err, tt.message)
				}
				return
			}
			if err != nil {
				t.Fatalf("Normalize() error = %v", err)
			}
			checkInvariants(t, r, d)
			tt.check(t, r)
		})
	}
}

// wantLevel checks the risk level; the plausible answer is Low by the
// numbers (score 9), so a hint shows as Moderate.
func wantLevel(level RiskLevel) func(t *testing.T, r Result) {
	return func(t *testing.T, r Result) {
		t.Helper()
		wantRisk(t, r, level)
	}
}
