package engine

import (
	"encoding/json"
	"errors"
	"strings"
)

// Extraction limits. Answers are a few kilobytes; the limits only bound the
// work a pathological answer can cause.
const (
	// maxAnswerBytes is how much of an answer is read; an object cut off by
	// the limit is reported as truncated.
	maxAnswerBytes = 1 << 20
	// maxCandidates is how many opening braces are tried before giving up.
	maxCandidates = 64
)

// extractJSON parses the first complete top-level JSON object in raw, which
// may be a plain object, an object inside a ``` or ```json fence, an object
// with prose around it, or a JSON string holding an object (an answer
// encoded twice).
//
// It tries each opening brace that starts like an object (a quote or a
// closing brace follows it) and skips braces in prose. An object that runs to
// the end of the answer ends the search as ReasonTruncated. A malformed
// object is skipped with everything nested in it, and reported as
// ReasonNoJSON if no later object parses.
func extractJSON(raw string) (value, error) {
	if len(raw) > maxAnswerBytes {
		raw = raw[:maxAnswerBytes]
	}
	if inner, ok := unquoteObject(raw); ok {
		raw = inner
	}
	var invalid error // why the first malformed object failed
	start := 0
	for range maxCandidates {
		i := strings.IndexByte(raw[start:], '{')
		if i < 0 {
			break
		}
		i += start
		if !looksLikeObject(raw[i:]) {
			start = i + 1
			continue
		}
		obj, _, err := parseJSON(raw, i)
		if err == nil {
			return obj, nil
		}
		if errors.Is(err, errTruncated) {
			return value{}, errorf(ReasonTruncated, "the answer's JSON object starting at byte %d is cut off; the provider probably hit its output token limit", i)
		}
		if invalid == nil {
			invalid = errorf(ReasonNoJSON, "the object at byte %d is not valid JSON: %v", i, err)
		}
		if start = matchObject(raw, i); start < 0 {
			break // the rest of the answer is inside the malformed object
		}
	}
	if invalid != nil {
		return value{}, invalid
	}
	return value{}, errorf(ReasonNoJSON, "the answer contains no JSON object (%d bytes starting %q)", len(raw), prefix(raw, 40))
}

// looksLikeObject reports whether s, which starts with '{', opens a JSON
// object rather than a brace in prose: the next non-space byte is a quote, a
// closing brace, or nothing at all.
func looksLikeObject(s string) bool {
	rest := strings.TrimLeft(s[1:], " \t\r\n")
	return rest == "" || rest[0] == '"' || rest[0] == '}'
}

// matchObject returns the index just past the bracket that closes the one at
// s[start], or -1 when s ends first. Brackets inside strings do not count.
func matchObject(s string, start int) int {
	depth, inString, escaped := 0, false, false
	for i := start; i < len(s); i++ {
		c := s[i]
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
		case '}', ']':
			if depth--; depth == 0 {
				return i + 1
			}
		}
	}
	return -1
}

// unquoteObject decodes an answer that is a JSON string whose content is an
// object, as happens when a gateway encodes the model's JSON twice.
func unquoteObject(raw string) (string, bool) {
	trimmed := strings.TrimSpace(raw)
	if len(trimmed) < 2 || trimmed[0] != '"' {
		return "", false
	}
	var inner string
	if json.Unmarshal([]byte(trimmed), &inner) != nil {
		return "", false
	}
	inner = strings.TrimSpace(inner)
	return inner, strings.HasPrefix(inner, "{")
}

// HasObject reports whether text holds a complete, strictly valid JSON
// object, plain or among prose, with none of the repairs Normalize makes.
// The completion probe judges an answer by it.
func HasObject(text string) bool {
	start := 0
	for range maxCandidates {
		i := strings.IndexByte(text[start:], '{')
		if i < 0 {
			return false
		}
		i += start
		if end := matchObject(text, i); end > 0 && json.Valid([]byte(text[i:end])) {
			return true
		}
		start = i + 1
	}
	return false
}
