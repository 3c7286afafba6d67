package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// Prompt is what an LLM provider is sent.
type Prompt struct {
	System string         // instructions: role, the task, answer only with JSON matching the schema
	User   string         // the Data as JSON plus the requested period labels
	Schema map[string]any // the JSON schema of the expected answer (OpenAI strict-mode compatible)
}

// userMessage is the User text of a Prompt: the request data and the labels
// the predictions must carry, as one JSON document so a model cannot mistake
// where the data ends.
type userMessage struct {
	Data    Data     `json:"data"`
	Periods []string `json:"periods"`
}

const systemPrompt = `You are a capacity-planning analyst who forecasts bottlenecks for a region from its statistics.
The user message is a JSON document: "data" holds the region, the subject and unit, the period kind, the horizon, an optional capacity (the level above which a period is a bottleneck), the history (oldest first) and current statistics ("actual"); "periods" lists the labels of the periods to forecast.
Forecast the value for every label in "periods", in that order, with a central 80%% prediction interval (lower <= value <= upper). Name the bottlenecks you expect, with the period they bind in and a severity. Grade the overall risk and say how confident you are, from 0 to 100.
Answer with a single JSON object that matches the schema exactly: exactly %d predictions, at most %d bottlenecks, plain numbers without units or thousands separators. Write no prose and no code fences.`

// BuildPrompt renders the request for d: the instructions, the data with the
// period labels to forecast, and the answer schema. It does not validate d;
// call Validate first.
func BuildPrompt(d Data) Prompt {
	periods := d.Periods()
	var user bytes.Buffer
	enc := json.NewEncoder(&user)
	enc.SetEscapeHTML(false) // keep "<" and "&" in subjects readable to the model
	if err := enc.Encode(userMessage{Data: d, Periods: periods}); err != nil {
		// Only non-finite numbers can fail to encode, and Validate refuses
		// them; say so plainly rather than send a broken prompt.
		user.Reset()
		fmt.Fprintf(&user, `{"error": %q}`, err.Error())
	}
	return Prompt{
		System: fmt.Sprintf(systemPrompt, len(periods), MaxBottlenecks),
		User:   string(bytes.TrimSpace(user.Bytes())),
		Schema: answerSchema(periods),
	}
}

// answerSchema is the JSON schema of the answer. It keeps to the subset that
// OpenAI's strict structured outputs, Gemini's responseJsonSchema and
// Cloudflare's json_schema all accept: every object lists all its properties
// as required and forbids others; counts and ranges are stated in
// descriptions rather than minItems or minimum, which some models reject.
func answerSchema(periods []string) map[string]any {
	levels := []any{string(RiskLow), string(RiskModerate), string(RiskHigh), string(RiskCritical)}
	labels := make([]any, len(periods))
	for i, p := range periods {
		labels[i] = p
	}
	prediction := strictObject(map[string]any{
		"period": map[string]any{"type": "string", "enum": labels, "description": "One of the requested period labels."},
		"value":  map[string]any{"type": "number", "description": "The forecast value."},
		"lower":  map[string]any{"type": "number", "description": "Lower bound of the 80% interval, at most value."},
		"upper":  map[string]any{"type": "number", "description": "Upper bound of the 80% interval, at least value."},
	})
	bottleneck := strictObject(map[string]any{
		"name":        map[string]any{"type": "string", "description": "Short name, at most 128 characters."},
		"severity":    map[string]any{"type": "string", "enum": levels},
		"period":      map[string]any{"type": "string", "description": "The period label it binds in."},
		"description": map[string]any{"type": "string", "description": "Why, at most 1024 characters."},
	})
	return strictObject(map[string]any{
		"summary":    map[string]any{"type": "string", "description": "Two or three sentences, at most 2048 characters."},
		"riskLevel":  map[string]any{"type": "string", "enum": levels},
		"confidence": map[string]any{"type": "number", "description": "Confidence in the forecast, 0 to 100."},
		"predictions": map[string]any{
			"type":        "array",
			"items":       prediction,
			"description": fmt.Sprintf("Exactly %d items, one per requested period, in order.", len(periods)),
		},
		"bottlenecks": map[string]any{
			"type":        "array",
			"items":       bottleneck,
			"description": fmt.Sprintf("At most %d items; empty when none is expected.", MaxBottlenecks),
		},
	})
}

// strictObject is an object schema that requires every property and allows
// no others, as strict mode demands.
func strictObject(properties map[string]any) map[string]any {
	required := make([]any, 0, len(properties))
	for _, name := range slices.Sorted(maps.Keys(properties)) {
		required = append(required, name)
	}
	return map[string]any{
		"type":                 "object",
		"properties":           properties,
		"required":             required,
		"additionalProperties": false,
	}
}
