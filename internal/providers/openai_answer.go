package providers

import (
	"fmt"
	"strings"

	"github.com/openai/openai-go/v3"
)

// params is the chat-completion request for req: the prompt as a system
// and a user message, and the answer schema as a strict json_schema
// response format (Groq honours strict on some models only and ignores it
// on the others, which is harmless).
func (c *openaiClient) params(req Request) openai.ChatCompletionNewParams {
	p := openai.ChatCompletionNewParams{
		Model: c.model,
		Messages: []openai.ChatCompletionMessageParamUnion{
			openai.SystemMessage(req.Prompt.System),
			openai.UserMessage(req.Prompt.User),
		},
		Temperature: openai.Float(openaiTemperature),
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
	invalid := func(reason, msg string) (Response, error) {
		return Response{}, &Error{Provider: provider, Class: InvalidOutput, Reason: reason, Message: redact(msg, key)}
	}
	if c == nil || len(c.Choices) == 0 {
		return invalid(ReasonEmptyAnswer, "the answer has no choices")
	}
	choice := c.Choices[0]
	if refusal := strings.TrimSpace(choice.Message.Refusal); refusal != "" {
		return invalid(ReasonBlocked, "the model refused: "+refusal)
	}
	switch choice.FinishReason {
	case "length":
		return invalid(ReasonTruncated, "the answer was cut at the output token limit")
	case "content_filter":
		return invalid(ReasonBlocked, "a content filter stopped the answer")
	}
	if strings.TrimSpace(choice.Message.Content) == "" {
		return invalid(ReasonEmptyAnswer, fmt.Sprintf("the answer is empty (finish reason %q)", choice.FinishReason))
	}
	return Response{
		Text:  choice.Message.Content,
		Model: c.Model,
		Usage: Usage{
			PromptTokens:     int(c.Usage.PromptTokens),
			CompletionTokens: int(c.Usage.CompletionTokens),
			TotalTokens:      int(c.Usage.TotalTokens),
		},
	}, nil
}
