package providers

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
)

// probeTemperature makes the completion probe's answer as predictable as the
// model allows.
const probeTemperature = 0

// probeMaxCandidates bounds the opening braces jsonObjectIn tries; a probe's
// answer is a few dozen bytes.
const probeMaxCandidates = 16

// probeRequest is the request of a completion probe: the tiniest answer that
// still goes through structured output, capped at ProbeMaxOutputTokens.
func probeRequest() Request {
	return Request{
		Prompt: engine.Prompt{
			System: `You are a health check. Answer with exactly the JSON object {"ok":true} and nothing else.`,
			User:   `Reply with {"ok":true}.`,
			Schema: map[string]any{
				"type":                 "object",
				"properties":           map[string]any{"ok": map[string]any{"type": "boolean"}},
				"required":             []any{"ok"},
				"additionalProperties": false,
			},
		},
		MaxOutputTokens: ProbeMaxOutputTokens,
	}
}

// probeVerdict judges a completion probe from what reading its answer gave:
// the text, whether the output bound cut it, and the error of an answer
// that had no usable text. An answer cut before any text passes: the model
// was answering (a thinking model spends its bound before it writes).
func probeVerdict(provider string, key APIKey, text string, cut bool, err error) error {
	if pe := (*Error)(nil); errors.As(err, &pe) && pe.Reason == ReasonTruncated {
		return nil
	}
	if err != nil {
		return err
	}
	return probeAnswer(provider, key, text, cut)
}

// probeAnswer judges the text of a completion probe's answer: it passes when
// it holds a complete JSON object, or when the output bound cut it (cut):
// the model was answering, and a thinking model may spend the whole bound
// before it writes a word. An answer that ended on its own without any JSON
// object fails, as prose to every request would.
func probeAnswer(provider string, key APIKey, text string, cut bool) error {
	if cut || jsonObjectIn(text) {
		return nil
	}
	return &Error{Provider: provider, Class: InvalidOutput, Reason: ReasonNoJSON,
		Message: redact(fmt.Sprintf("the answer to the completion probe holds no JSON object: %q", text), key)}
}

// jsonObjectIn reports whether text holds a complete, valid JSON object: from
// an opening brace to the brace that closes it, prose or a fence around it
// allowed. The engine does the same for a forecast, with repairs a probe
// does not want.
func jsonObjectIn(text string) bool {
	start := 0
	for range probeMaxCandidates {
		i := strings.IndexByte(text[start:], '{')
		if i < 0 {
			return false
		}
		i += start
		if end := closingBrace(text, i); end > 0 && json.Valid([]byte(text[i:end])) {
			return true
		}
		start = i + 1
	}
	return false
}

// closingBrace returns the index just past the brace that closes the one at
// s[open], or -1 when s ends first. Braces inside JSON strings do not count.
func closingBrace(s string, open int) int {
	depth, inString, escaped := 0, false, false
	for i := open; i < len(s); i++ {
		c := s[i]
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case inString:
		case c == '{':
			depth++
		case c == '}':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return -1
}
