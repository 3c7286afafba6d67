package engine

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// toAny converts a value to what encoding/json decodes the same text to
// (with UseNumber), so the two parsers can be compared.
func (v value) toAny() any {
	switch v.kind() {
	case kindBool:
		return v.text() == "true"
	case kindNumber:
		return json.Number(v.text())
	case kindString:
		return string([]rune(v.text())) // invalid UTF-8 to U+FFFD, as encoding/json does
	case kindArray:
		out := []any{}
		for _, item := range v.children() {
			out = append(out, item.toAny())
		}
		return out
	case kindObject:
		out := map[string]any{}
		for key, child := range v.children() {
			out[string([]rune(key))] = child.toAny()
		}
		return out
	}
	return nil
}

// canonical re-encodes JSON text so equal values compare equal as strings.
func canonical(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// decodeStd decodes s with encoding/json, numbers kept as literals.
func decodeStd(s string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

func TestParseJSON(t *testing.T) {
	tests := []struct {
		name, in string
		want     string // canonical JSON of the result; empty when an error is expected
		trunc    bool   // the error is errTruncated
	}{
		{"object", `{"a": 1, "b": [true, false, null], "c": {"d": "e"}}`, `{"a":1,"b":[true,false,null],"c":{"d":"e"}}`, false},
		{"numbers", `[0, -0, 12, -3.5, 1e3, 2E-2, 0.5e+1]`, `[0,-0,12,-3.5,1e3,2E-2,0.5e+1]`, false},
		{"escapes", `["a\"b\\c\/d\b\f\n\r\t", "\u00e9\u65e5", "\ud83d\ude00"]`, `["a\"b\\c/d\u0008\u000c\n\r\t","é日","😀"]`, false},
		{"lone surrogates", `["\ud800", "\udc00x", "\ud800\u0041"]`, `["\ufffd","\ufffdx","\ufffdA"]`, false},
		{"trailing commas", `{"a": [1, 2,], }`, `{"a":[1,2]}`, false},
		{"raw newline in string", "[\"a\nb\"]", `["a\nb"]`, false},
		{"empty containers", `{"a": {}, "b": []}`, `{"a":{},"b":[]}`, false},
		{"leading zero", `[01]`, "", false},
		{"bare minus", `[-]`, "", false},
		{"missing exponent digits", `[1e]`, "", false},
		{"NaN", `{"a": NaN}`, "", false},
		{"single quotes", `{'a': 1}`, "", false},
		{"unquoted key", `{a: 1}`, "", false},
		{"missing colon", `{"a" 1}`, "", false},
		{"missing comma", `[1 2]`, "", false},
		{"bad escape", `["\x"]`, "", false},
		{"bad unicode escape", `["\u12G4"]`, "", false},
		{"bad unicode escape at the end", `["\u1G`, "", false},
		{"bad literal", `[nul!]`, "", false},
		{"double comma", `[1,,2]`, "", false},
		{"deepest allowed", strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth), strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth), false},
		{"too deep", strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1), "", false},
		{"cut in object", `{"a": 1`, "", true},
		{"cut in key", `{"ab`, "", true},
		{"cut after colon", `{"a":`, "", true},
		{"cut in string", `["abc`, "", true},
		{"cut in escape", `["a\`, "", true},
		{"cut in unicode escape", `["\u00`, "", true},
		{"cut in literal", `[tr`, "", true},
		{"cut in number", `[1.`, "", true},
		{"cut in exponent", `[1e+`, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, end, err := parseJSON(tt.in, 0)
			switch {
			case tt.want != "":
				if err != nil {
					t.Fatalf("parseJSON() error = %v", err)
				}
				if got := canonical(t, n.toAny()); got != canonical(t, mustDecode(t, tt.want)) {
					t.Errorf("parseJSON() = %s, want %s", got, tt.want)
				}
				if end != len(tt.in) {
					t.Errorf("end = %d, want %d", end, len(tt.in))
				}
			case tt.trunc:
				if !errors.Is(err, errTruncated) {
					t.Errorf("error = %v, want truncation", err)
				}
			default:
				if err == nil || errors.Is(err, errTruncated) {
					t.Errorf("error = %v, want a syntax error", err)
				}
			}
		})
	}
}

func mustDecode(t *testing.T, s string) any {
	t.Helper()
	v, err := decodeStd(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// FuzzParseJSON checks the parser against encoding/json: it never panics,
// it accepts every valid document with the same content, and every proper
// prefix of a valid object is reported as truncated, never as malformed.
func FuzzParseJSON(f *testing.F) {
	for _, seed := range seedAnswers(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, end, err := parseJSON(s, 0)
		if end < 0 || end > len(s) {
			t.Fatalf("end %d outside the input", end)
		}
		if !json.Valid([]byte(s)) {
			return
		}
		if errors.Is(err, errTooDeep) {
			return // deliberately stricter than encoding/json
		}
		want, stdErr := decodeStd(s)
		if err != nil || stdErr != nil {
			t.Fatalf("valid JSON refused: %v (encoding/json: %v)", err, stdErr)
		}
		if got, want := canonical(t, v.toAny()), canonical(t, want); got != want {
			t.Fatalf("parsed %s, encoding/json %s", got, want)
		}
		trimmed := strings.TrimSpace(s)
		if !strings.HasPrefix(trimmed, "{") || len(trimmed) > 512 {
			return
		}
		for i := 1; i < len(trimmed); i++ {
			if _, _, err := parseJSON(trimmed[:i], 0); !errors.Is(err, errTruncated) {
				t.Fatalf("prefix %q: error %v, want truncation", trimmed[:i], err)
			}
		}
	})
}
