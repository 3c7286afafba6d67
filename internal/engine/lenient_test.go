package engine

import (
	"strconv"
	"strings"
	"testing"
)

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

// FuzzParseNumber checks the lenient reading of numbers written as text: it
// never panics; what it reads is what strconv reads once the thousands
// separators and the percent sign are gone; what it refuses it says; and any
// float written with thousands separators, or as a percentage, reads back
// exactly.
func FuzzParseNumber(f *testing.F) {
	for _, seed := range []string{"1,250.5", "-1,000,000", "85%", " 0.85 % ", "1,5", "12,34,567", ",100", "1,000,", "NaN", "-Inf", "1e999", "+3", "0x1p4", "1_000", "", "%", "1,000.5e3"} {
		f.Add(seed, 1234567.25)
	}
	f.Fuzz(func(t *testing.T, s string, v float64) {
		n := parseNumber(s)
		switch {
		case n.set && n.invalid != "":
			t.Fatalf("parseNumber(%q) = %+v: both read and refused", s, n)
		case n.set:
			plain := strings.ReplaceAll(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%")), ",", "")
			want, err := strconv.ParseFloat(plain, 64)
			if err != nil || !(want == n.value || (want != want && n.value != n.value)) {
				t.Fatalf("parseNumber(%q) = %v; strconv reads %q as %v (%v)", s, n.value, plain, want, err)
			}
		case strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%")) != "" && n.invalid == "":
			t.Fatalf("parseNumber(%q) = %+v: neither read nor refused", s, n)
		}

		if !finite(v) {
			return
		}
		for _, text := range []string{withThousands(v), withThousands(v) + "%"} {
			if got := parseNumber(text); !got.set || got.value != v || got.percent != strings.HasSuffix(text, "%") {
				t.Fatalf("parseNumber(%q) = %+v, want %v", text, got, v)
			}
		}
	})
}

// withThousands writes v in full with a comma between groups of three
// digits, as "1,234,567.25".
func withThousands(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	sign, intPart, frac := "", s, ""
	if strings.HasPrefix(intPart, "-") {
		sign, intPart = "-", intPart[1:]
	}
	if i := strings.IndexByte(intPart, '.'); i >= 0 {
		intPart, frac = intPart[:i], intPart[i:]
	}
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return sign + b.String() + frac
}
