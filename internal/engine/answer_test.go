package engine

import (
	"slices"
	"testing"
)

func TestDecodeAnswer(t *testing.T) {
	tests := []struct {
		name    string
		json    string
		periods []string // period of each prediction
		values  []float64
		summary string
		risk    string
		names   []string // bottleneck names
		reason  Reason
	}{
		{name: "schema", json: `{"summary":"s","riskLevel":"High","predictions":[{"period":"a","value":1}],"bottlenecks":[{"name":"b"}]}`,
			periods: []string{"a"}, values: []float64{1}, summary: "s", risk: "High", names: []string{"b"}},
		{name: "keys in any case", json: `{"Summary":"s","RISKLEVEL":"low","Predictions":[{"PERIOD":"a","Value":2}]}`,
			periods: []string{"a"}, values: []float64{2}, summary: "s", risk: "low"},
		{name: "snake case and aliases", json: `{"risk_level":"x","forecast":[{"date":"a","predicted":3}],"bottlenecks":[{"title":"t"}]}`,
			periods: []string{"a"}, values: []float64{3}, risk: "x", names: []string{"t"}},
		{name: "last duplicate key wins", json: `{"predictions":[{"value":1}],"predictions":[{"value":2}]}`,
			periods: []string{""}, values: []float64{2}},
		{name: "null falls back to the alias", json: `{"predictions":null,"forecast":[4]}`,
			periods: []string{""}, values: []float64{4}},
		{name: "bare numbers", json: `{"predictions":[5,"6"]}`, periods: []string{"", ""}, values: []float64{5, 6}},
		{name: "keyed by period", json: `{"predictions":{"b":{"value":7},"a":8}}`, periods: []string{"b", "a"}, values: []float64{7, 8}},
		{name: "year as a number", json: `{"predictions":[{"period":2026,"value":9}]}`, periods: []string{"2026"}, values: []float64{9}},
		{name: "envelope", json: `{"result":{"response":{"predictions":[10]}},"success":true}`, periods: []string{""}, values: []float64{10}},
		{name: "bottleneck strings and junk", json: `{"predictions":[],"bottlenecks":["jam",3,null,{"name":"n"}]}`,
			names: []string{"jam", "n"}},
		{name: "bottlenecks not a list", json: `{"predictions":[],"bottlenecks":"none"}`},
		{name: "Cloudflare response as a string", json: `{"result":{"response":"Sure:\n` + "```json" + `\n{\"predictions\":[11]}\n` + "```" + `"},"success":true}`,
			periods: []string{""}, values: []float64{11}},
		{name: "Cloudflare response string cut off", json: `{"result":{"response":"{\"predictions\":[1"},"success":true}`, reason: ReasonTruncated},
		{name: "Cloudflare response string refusing", json: `{"result":{"response":"I can't help with that."},"success":true}`, reason: ReasonNoJSON},
		{name: "forecast object around predictions", json: `{"forecast":{"summary":"s","predictions":[12]}}`,
			periods: []string{""}, values: []float64{12}, summary: "s"},
		{name: "tuples", json: `{"predictions":[["a",13,12,14],[14],[2026,15,14,16]]}`,
			periods: []string{"a", "", "2026"}, values: []float64{13, 14, 15}},
		{name: "keyed by step", json: `{"predictions":{"2":{"value":17},"1":16}}`, periods: []string{"2", "1"}, values: []float64{17, 16}},
		{name: "value aliases", json: `{"predictions":[{"label":"a","estimate":18},{"mean":19}]}`, periods: []string{"a", ""}, values: []float64{18, 19}},
		{name: "no predictions", json: `{"summary":"s"}`, reason: ReasonSchemaViolation},
		{name: "predictions a string", json: `{"predictions":"soon"}`, reason: ReasonSchemaViolation},
		{name: "envelope too deep", json: `{"data":{"data":{"data":{"predictions":[1]}}}}`, reason: ReasonSchemaViolation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj, _, err := parseJSON(tt.json, 0)
			if err != nil {
				t.Fatal(err)
			}
			a, err := decodeAnswer(obj)
			if tt.reason != "" {
				wantReason(t, err, tt.reason)
				return
			}
			if err != nil {
				t.Fatalf("decodeAnswer() error = %v", err)
			}
			var periods []string
			var values []float64
			for _, p := range a.predictions {
				periods, values = append(periods, p.period), append(values, p.value.value)
			}
			var names []string
			for _, b := range a.bottlenecks {
				names = append(names, b.name)
			}
			if !slices.Equal(periods, tt.periods) || !slices.Equal(values, tt.values) || !slices.Equal(names, tt.names) ||
				a.summary != tt.summary || a.riskLevel != tt.risk {
				t.Errorf("decodeAnswer() = periods %q values %v names %q summary %q risk %q",
					periods, values, names, a.summary, a.riskLevel)
			}
		})
	}
}
