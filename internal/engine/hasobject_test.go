package engine

import "testing"

// HasObject is how the completion probe judges an answer.
func TestHasObject(t *testing.T) {
	tests := map[string]bool{
		`{"ok":true}`:              true,
		`{"a":"}"}`:                true,
		`{"a":"\"}"}`:              true,
		`{"a":{"b":[1,{}]}} tail`:  true,
		"```json\n{}\n```":         true,
		`{ not json } {"ok":true}`: true,
		`{"a":"}`:                  false,
		`}{`:                       false,
		``:                         false,
		`["x"]`:                    false,
		"I cannot help with that.": false,
	}
	for text, want := range tests {
		if got := HasObject(text); got != want {
			t.Errorf("HasObject(%q) = %v, want %v", text, got, want)
		}
	}
}
