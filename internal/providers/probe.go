package providers

import (
	"errors"
	"fmt"

	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
)

// probeTemperature makes the completion probe's answer as predictable as the
// model allows.
const probeTemperature = 0

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
	if cut || engine.HasObject(text) {
		return nil
	}
	return &Error{Provider: provider, Class: InvalidOutput, Reason: ReasonNoJSON,
		Message: redact(fmt.Sprintf("the answer to the completion probe holds no JSON object: %q", text), key)}
}
