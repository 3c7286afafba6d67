package engine

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestExtractJSON(t *testing.T) {
	tests := []struct {
		name   string
		raw    string
		want   string // the extracted object; empty when an error is expected
		reason Reason
	}{
		{"plain", `{"a":1}`, `{"a":1}`, ""},
		{"surrounding space", "\n  {\"a\":1}\n", `{"a":1}`, ""},
		{"json fence", "```json\n{\"a\":1}\n```", `{"a":1}`, ""},
		{"plain fence", "```\n{\"a\":1}\n```", `{"a":1}`, ""},
		{"prose around", "Here you go: {\"a\":1} Hope it helps!", `{"a":1}`, ""},
		{"first of several", `{"a":1} and also {"b":2}`, `{"a":1}`, ""},
		{"nested", `x {"a":{"b":[1,{"c":2}]}} y`, `{"a":{"b":[1,{"c":2}]}}`, ""},
		{"braces in strings", `{"a":"}{\"}"}`, `{"a":"}{\"}"}`, ""},
		{"brace in prose first", "Use the {period: value} form.\n{\"a\":1}", `{"a":1}`, ""},
		{"unclosed prose brace first", "a { b\n{\"a\":1}", `{"a":1}`, ""},
		{"trailing commas", "{\"a\":[1,2,],\n}", `{"a":[1,2]}`, ""},
		{"comma in string kept", `{"a":"x,}",}`, `{"a":"x,}"}`, ""},
		{"double-encoded", `"{\"a\":1}"`, `{"a":1}`, ""},
		{"inside an array", `[{"a":1}]`, `{"a":1}`, ""},
		{"empty", "", "", ReasonNoJSON},
		{"prose only", "I cannot help with that.", "", ReasonNoJSON},
		{"array only", "[1, 2, 3]", "", ReasonNoJSON},
		{"invalid object", `{"a": NaN}`, "", ReasonNoJSON},
		{"broken object hides its nested ones", `{"a": x, "p": [{"b":1}]}`, "", ReasonNoJSON},
		{"truncated", `{"a": [1, 2`, "", ReasonTruncated},
		{"truncated in a string", "```json\n{\"summary\": \"The forecast sh", "", ReasonTruncated},
		{"truncated after the brace", "Sure:\n{", "", ReasonTruncated},
		{"truncated with complete inner objects", `{"p": [{"v": 1}, {"v": 2}, {"v"`, "", ReasonTruncated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := extractJSON(tt.raw)
			if tt.reason != "" {
				wantReason(t, err, tt.reason)
				return
			}
			if err != nil {
				t.Fatalf("extractJSON() error = %v", err)
			}
			if got, want := canonical(t, got.toAny()), canonical(t, mustDecode(t, tt.want)); got != want {
				t.Errorf("extractJSON() = %s, want %s", got, want)
			}
		})
	}
}

func TestExtractJSONBoundsWork(t *testing.T) {
	tests := []struct {
		name   string
		raw    string
		reason Reason
	}{
		{"many prose braces", strings.Repeat("{ ", 100_000), ReasonNoJSON},
		{"object beyond the read limit is cut", `{"a":"` + strings.Repeat("x", maxAnswerBytes) + `"}`, ReasonTruncated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := extractJSON(tt.raw)
			wantReason(t, err, tt.reason)
		})
	}
}

// FuzzExtract checks that extraction never panics, that whatever it returns
// is an object, and that on an answer that is one valid JSON object it agrees
// with encoding/json.
func FuzzExtract(f *testing.F) {
	for _, seed := range seedAnswers(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		obj, err := extractJSON(raw)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %T is not *Error", err)
			}
		} else if obj.kind() != kindObject {
			t.Fatalf("extracted a %v, not an object", obj.kind())
		}
		trimmed := strings.TrimSpace(raw)
		if !strings.HasPrefix(trimmed, "{") || !json.Valid([]byte(trimmed)) || len(raw) > maxAnswerBytes {
			return
		}
		want, stdErr := decodeStd(trimmed)
		if err != nil || stdErr != nil {
			t.Fatalf("valid object refused: %v (encoding/json: %v)", err, stdErr)
		}
		if got, want := canonical(t, obj.toAny()), canonical(t, want); got != want {
			t.Fatalf("parsed %s, encoding/json %s", got, want)
		}
	})
}
