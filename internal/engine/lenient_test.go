package engine

import "testing"

func TestNumberOf(t *testing.T) {
	tests := []struct {
		json string
		want number
	}{
		{`12.5`, number{value: 12.5, set: true}},
		{`-3e2`, number{value: -300, set: true}},
		{`"12.5"`, number{value: 12.5, set: true}},
		{`" 1,250.5 "`, number{value: 1250.5, set: true}},
		{`"-1,000,000"`, number{value: -1e6, set: true}},
		{`"85%"`, number{value: 85, set: true, percent: true}},
		{`"0.85 %"`, number{value: 0.85, set: true, percent: true}},
		{`"\u0031\u0032"`, number{value: 12, set: true}},
		{`null`, number{}},
		{`""`, number{}},
		{`"1,5"`, number{invalid: "1,5"}},
		{`"12,34,567"`, number{invalid: "12,34,567"}},
		{`",100"`, number{invalid: ",100"}},
		{`"ten"`, number{invalid: "ten"}},
		{`true`, number{invalid: "true"}},
		{`{"v":1}`, number{invalid: "an object"}},
		{`[1]`, number{invalid: "a list"}},
		{`"NaN"`, number{value: nan(), set: true}},
		{`1e999`, number{invalid: "1e999"}},
	}
	for _, tt := range tests {
		t.Run(tt.json, func(t *testing.T) {
			n, _, err := parseJSON(tt.json, 0)
			if err != nil {
				t.Fatalf("parseJSON() error = %v", err)
			}
			if got := numberOf(n); !sameNumber(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func nan() float64 {
	var zero float64
	return zero / zero
}

func sameNumber(a, b number) bool {
	sameValue := a.value == b.value || (a.value != a.value && b.value != b.value)
	return sameValue && a.set == b.set && a.percent == b.percent && a.invalid == b.invalid
}

func TestTextOf(t *testing.T) {
	tests := []struct{ json, want string }{
		{`"2025-07"`, "2025-07"},
		{`"a\"b"`, `a"b`},
		{`2026`, "2026"},
		{`-1.5`, "-1.5"},
		{`true`, "true"},
		{`null`, ""},
		{`["x"]`, ""},
		{`{"x":1}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.json, func(t *testing.T) {
			n, _, err := parseJSON(tt.json, 0)
			if err != nil {
				t.Fatalf("parseJSON() error = %v", err)
			}
			if got := textOf(n); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
