package fakeprovider

import (
	"encoding/json"
	"net/http"
	"strings"
)

// Cloudflare's native wire format: POST /accounts/{account}/ai/run/{model…}
// and GET /user/tokens/verify. Its OpenAI-compatible endpoint is served by
// chatCompletions.

// cloudflareDefaultMaxTokens is the output bound Workers AI applies when a
// request sets none; the answer is then cut there, silently.
const cloudflareDefaultMaxTokens = 256

// runRequest is the part of a native run request the fake reads.
type runRequest struct {
	Prompt         string          `json:"prompt"`
	Messages       []chatMessage   `json:"messages"`
	ResponseFormat *responseFormat `json:"response_format"` // json_schema is the schema itself
	MaxTokens      int             `json:"max_tokens"`
}

// envelope is the Cloudflare v4 envelope of a success.
type envelope struct {
	Result   any        `json:"result"`
	Success  bool       `json:"success"`
	Errors   []cfDetail `json:"errors"`
	Messages []cfDetail `json:"messages"`
}

// cfDetail is an entry of an envelope's errors or messages.
type cfDetail struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// runResult is the result of a native run: response is an object when a
// json_schema was asked for and the answer parses, otherwise a string.
type runResult struct {
	Response any       `json:"response"`
	Usage    chatUsage `json:"usage"`
}

// cloudflareRun answers POST /accounts/{account}/ai/run/{model…}.
func cloudflareRun(x *exchange) reply {
	var req runRequest
	if err := json.Unmarshal(x.body, &req); err != nil {
		return x.refuse(modeMalformed, "Error: the request body is not valid JSON")
	}
	user := req.Prompt
	if len(req.Messages) > 0 {
		user = userText(req.Messages)
	} else if req.Prompt == "" {
		return x.refuse(modeMalformed, "Error: oneOf at '/' not met, 0 matches: required properties at '/' are 'prompt', required properties at '/' are 'messages'")
	}
	a := ask{user: user, schema: req.ResponseFormat.schema(), maxTokens: req.MaxTokens}
	if a.maxTokens == 0 {
		a.maxTokens = cloudflareDefaultMaxTokens
	}
	var text string
	switch x.mode {
	case ModeEmpty:
	case ModeBlocked:
		// Workers AI has no block signal; a filtered model refuses in prose.
		text = "I'm sorry, but I can't help with that request."
	default:
		// No finish reason: a cut answer is only a shorter string.
		text, _ = answerText(newForecast(x.p.title, a), x.mode, a.maxTokens)
	}
	result := runResult{Response: text, Usage: chatUsage{PromptTokens: tokens(string(x.body)), CompletionTokens: tokens(text)}}
	if a.schema != nil && strings.HasPrefix(text, "{") && json.Valid([]byte(text)) {
		result.Response = json.RawMessage(text)
	}
	result.Usage.TotalTokens = result.Usage.PromptTokens + result.Usage.CompletionTokens
	return jsonReply(http.StatusOK, envelope{Result: result, Success: true, Errors: []cfDetail{}, Messages: []cfDetail{}})
}

// tokenVerify answers GET /user/tokens/verify.
func tokenVerify(*exchange) reply {
	return jsonReply(http.StatusOK, envelope{
		Result:   map[string]string{"id": "f4ce0000000000000000000000000000", "status": "active"},
		Success:  true,
		Errors:   []cfDetail{},
		Messages: []cfDetail{{Code: 10000, Message: "This API Token is valid and active"}},
	})
}
