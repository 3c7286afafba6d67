package fakeprovider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// The OpenAI wire format: POST …/chat/completions and GET …/models, served
// for OpenAI, Groq, Hugging Face and Cloudflare's OpenAI-compatible endpoint.

// chatRequest is the part of a chat completion request the fake reads.
type chatRequest struct {
	Model               string          `json:"model"`
	Messages            []chatMessage   `json:"messages"`
	ResponseFormat      *responseFormat `json:"response_format"`
	MaxTokens           int             `json:"max_tokens"`
	MaxCompletionTokens int             `json:"max_completion_tokens"`
}

// chatMessage is one message of the conversation.
type chatMessage struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"` // a string, or a list of parts
}

// responseFormat is {type: "json_schema", json_schema: {name, schema,
// strict}} in the OpenAI shape, {type, json_schema: <the schema>} on
// Cloudflare's native API.
type responseFormat struct {
	Type       string         `json:"type"`
	JSONSchema map[string]any `json:"json_schema"`
}

// schema returns the answer schema the format asks for, nil when none.
func (f *responseFormat) schema() map[string]any {
	if f == nil || f.Type != "json_schema" {
		return nil
	}
	if s, ok := f.JSONSchema["schema"].(map[string]any); ok {
		return s
	}
	if _, ok := f.JSONSchema["properties"]; ok {
		return f.JSONSchema
	}
	return nil
}

// text returns a message's text, whether its content is a string or parts.
func (m chatMessage) text() string {
	var s string
	if json.Unmarshal(m.Content, &s) == nil {
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	_ = json.Unmarshal(m.Content, &parts)
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p.Text)
	}
	return b.String()
}

// userText is the last user message.
func userText(messages []chatMessage) string {
	for i := len(messages) - 1; i >= 0; i-- {
		if messages[i].Role == "user" {
			return messages[i].text()
		}
	}
	return ""
}

// readChat parses a chat completion request, or says why the API refuses it.
func readChat(p *provider, body []byte) (chatRequest, string) {
	var req chatRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return req, "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)"
	}
	switch {
	case req.Model == "":
		return req, "you must provide a model parameter"
	case len(req.Messages) == 0:
		return req, "Missing required parameter: 'messages'."
	}
	rf := req.ResponseFormat
	if rf == nil {
		return req, ""
	}
	// OpenAI requires the wrapper; the compatible APIs are not documented to.
	if _, named := rf.JSONSchema["name"].(string); p.name == OpenAI && rf.Type == "json_schema" && !named {
		return req, "Missing required parameter: 'response_format.json_schema.name'."
	}
	if rf.Type == "json_object" && !mentionsJSON(req.Messages) {
		return req, "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'."
	}
	return req, ""
}

// mentionsJSON reports whether a message says "json", which OpenAI requires
// of a json_object request.
func mentionsJSON(messages []chatMessage) bool {
	for _, m := range messages {
		if strings.Contains(strings.ToLower(m.text()), "json") {
			return true
		}
	}
	return false
}

// chatCompletion is the chat completion object.
type chatCompletion struct {
	ID                string       `json:"id"`
	Object            string       `json:"object"`
	Created           int64        `json:"created"`
	Model             string       `json:"model"`
	Choices           []chatChoice `json:"choices"`
	Usage             chatUsage    `json:"usage"`
	SystemFingerprint string       `json:"system_fingerprint"`
}

// chatChoice is a choice of the answer.
type chatChoice struct {
	Index        int        `json:"index"`
	Message      chatAnswer `json:"message"`
	Logprobs     *struct{}  `json:"logprobs"` // always null
	FinishReason string     `json:"finish_reason"`
}

// chatAnswer is the message of a choice.
type chatAnswer struct {
	Role    string  `json:"role"`
	Content *string `json:"content"` // null when a filter withheld it
	Refusal *string `json:"refusal"` // always null
}

// chatUsage is the tokens a call spent.
type chatUsage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// chatCompletions answers POST …/chat/completions.
func chatCompletions(x *exchange) reply {
	req, problem := readChat(x.p, x.body)
	if problem != "" {
		return x.refuse(modeMalformed, problem)
	}
	maxTokens := req.MaxCompletionTokens
	if maxTokens == 0 {
		maxTokens = req.MaxTokens
	}
	f := newForecast(x.p.title, ask{user: userText(req.Messages), schema: req.ResponseFormat.schema()})
	out := chatCompletion{
		ID:                fmt.Sprintf("chatcmpl-fake%s%06d", x.p.name, x.seq),
		Object:            "chat.completion",
		Created:           x.now.Unix(),
		Model:             req.Model,
		Choices:           []chatChoice{},
		Usage:             chatUsage{PromptTokens: tokens(string(x.body))},
		SystemFingerprint: "fp_fake",
	}
	switch x.mode {
	case ModeEmpty:
	case ModeBlocked:
		out.Choices = append(out.Choices, chatChoice{Message: chatAnswer{Role: "assistant"}, FinishReason: "content_filter"})
	default:
		text, cut := answerText(f, x.mode, maxTokens)
		finish := "stop"
		if cut {
			finish = "length"
		}
		out.Choices = append(out.Choices, chatChoice{Message: chatAnswer{Role: "assistant", Content: &text}, FinishReason: finish})
		out.Usage.CompletionTokens = tokens(text)
	}
	out.Usage.TotalTokens = out.Usage.PromptTokens + out.Usage.CompletionTokens
	return jsonReply(http.StatusOK, out).withHeaders(rateLimitHeaders(x.p.name, x.seq, false, 0))
}

// modelList answers GET …/models.
func modelList(x *exchange) reply {
	type model struct {
		ID      string `json:"id"`
		Object  string `json:"object"`
		Created int64  `json:"created"`
		OwnedBy string `json:"owned_by"`
	}
	data := make([]model, len(x.p.models))
	for i, id := range x.p.models {
		owner, _, found := strings.Cut(id, "/")
		if !found {
			owner = "system"
		}
		data[i] = model{ID: id, Object: "model", Created: 1721172741, OwnedBy: owner}
	}
	return jsonReply(http.StatusOK, struct {
		Object string  `json:"object"`
		Data   []model `json:"data"`
	}{"list", data})
}
