package providers

import (
	"fmt"
	"strings"

	"github.com/openai/openai-go/v3"
)

// params is the chat-completion request for req at temperature: the prompt
// as a system and a user message, and the answer schema as a strict
// json_schema response format (Groq honours strict on some models only and
// ignores it on the others, which is harmless).
func (c *openaiClient) params(req Request, temperature float64) openai.ChatCompletionNewParams {
	p := openai.ChatCompletionNewParams{
		Model: c.model,
		Messages: []openai.ChatCompletionMessageParamUnion{
			openai.SystemMessage(req.Prompt.System),
			openai.UserMessage(req.Prompt.User),
		},
		Temperature: openai.Float(temperature),
		ResponseFormat: openai.ChatCompletionNewParamsResponseFormatUnion{
			OfJSONSchema: &openai.ResponseFormatJSONSchemaParam{
				JSONSchema: openai.ResponseFormatJSONSchemaJSONSchemaParam{
					Name:   "forecast",
					Schema: req.Prompt.Schema,
					Strict: openai.Bool(true),
				},
			},
		},
	}
	limit := int64(req.MaxOutputTokens)
	if limit <= 0 {
		limit = DefaultMaxOutputTokens
	}
	if c.completionTokens {
		p.MaxCompletionTokens = openai.Int(limit)
	} else {
		p.MaxTokens = openai.Int(limit)
	}
	return p
}

// openaiAnswer takes the answer out of a completion, or says why there is
// none usable. A truncated answer is refused here rather than left to the
// engine: cut JSON sometimes still parses (a shorter array), and would then
// pass for a complete forecast.
func openaiAnswer(provider string, key APIKey, c *openai.ChatCompletion) (Response, error) {
	text, cut, err := openaiChoiceText(provider, key, c)
	if err != nil {
		return Response{}, err
	}
	if cut {
		return Response{}, &Error{Provider: provider, Class: InvalidOutput, Reason: ReasonTruncated,
			Message: "the answer was cut at the output token limit"}
	}
	return Response{
		Text:  text,
		Model: c.Model,
		Usage: Usage{
			PromptTokens:     int(c.Usage.PromptTokens),
			CompletionTokens: int(c.Usage.CompletionTokens),
			TotalTokens:      int(c.Usage.TotalTokens),
		},
	}, nil
}

// openaiChoiceText is the text of a completion's first choice, and whether
// it was cut at the output token limit; or why there is none. A refusal or
// a content filter stops this request, not the provider: request-caused.
func openaiChoiceText(provider string, key APIKey, c *openai.ChatCompletion) (text string, cut bool, err error) {
	fail := func(class Class, reason, msg string) (string, bool, error) {
		return "", false, &Error{Provider: provider, Class: class, Reason: reason, Message: redact(msg, key)}
	}
	if c == nil || len(c.Choices) == 0 {
		return fail(InvalidOutput, ReasonEmptyAnswer, "the answer has no choices")
	}
	choice := c.Choices[0]
	if refusal := strings.TrimSpace(choice.Message.Refusal); refusal != "" {
		return fail(RequestCaused, ReasonBlocked, "the model refused: "+refusal)
	}
	empty := strings.TrimSpace(choice.Message.Content) == ""
	switch {
	case choice.FinishReason == "content_filter":
		return fail(RequestCaused, ReasonBlocked, "a content filter stopped the answer")
	case choice.FinishReason == "length" && empty:
		return fail(InvalidOutput, ReasonTruncated, "the answer was cut at the output token limit before any text")
	case empty:
		return fail(InvalidOutput, ReasonEmptyAnswer, fmt.Sprintf("the answer is empty (finish reason %q)", choice.FinishReason))
	}
	return choice.Message.Content, choice.FinishReason == "length", nil
}
