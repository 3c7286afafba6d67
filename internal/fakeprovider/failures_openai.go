package fakeprovider

import (
	"fmt"
	"net/http"
	"strings"
)

// OpenAI's and Groq's refusals: {"error": {"message", "type", "param",
// "code"}}; Groq leaves out param unless it names one.

// openAIError is the error object of OpenAI's error body.
type openAIError struct {
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    *string `json:"code"`
}

func openAIErrorReply(status int, message, typ string, param, code *string) reply {
	return jsonReply(status, map[string]openAIError{"error": {Message: message, Type: typ, Param: param, Code: code}})
}

// openAIFailure answers OpenAI's refusals.
func openAIFailure(mode Mode, x *exchange) (reply, bool) {
	const invalid = "invalid_request_error"
	switch mode {
	case modeMissingKey:
		return openAIErrorReply(http.StatusUnauthorized, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username. You can obtain an API key from https://platform.openai.com/account/api-keys.", invalid, nil, nil), true
	case modeNotFound:
		return openAIErrorReply(http.StatusNotFound, fmt.Sprintf("Invalid URL (%s %s)", x.r.Method, strings.TrimPrefix(x.r.URL.Path, x.p.prefix)), invalid, nil, nil), true
	case modeMalformed:
		return openAIErrorReply(http.StatusBadRequest, x.detail, invalid, nil, nil), true
	case ModeUnauthorized:
		// The one place an API echoes the key, masked; clients must redact it.
		return openAIErrorReply(http.StatusUnauthorized, fmt.Sprintf("Incorrect API key provided: %s. You can find your API key at https://platform.openai.com/account/api-keys.", maskKey(x.key)), invalid, nil, ptr("invalid_api_key")), true
	case ModeUnknownModel:
		return openAIErrorReply(http.StatusNotFound, fmt.Sprintf("The model `%s` does not exist or you do not have access to it.", x.model), invalid, nil, ptr("model_not_found")), true
	case ModeRateLimited:
		wait := x.wait(openAIRetryAfter)
		msg := fmt.Sprintf("Rate limit reached for %s in organization org-fake on requests per min (RPM): Limit %d, Used %d, Requested 1.%s Visit https://platform.openai.com/account/rate-limits to learn more.", x.model, openAIRequestLimit, openAIRequestLimit, tryAgain(wait))
		return openAIErrorReply(http.StatusTooManyRequests, msg, "requests", nil, ptr("rate_limit_exceeded")).withHeaders(rateLimitHeaders(OpenAI, x.seq, true, wait)), true
	case ModeQuota:
		return openAIErrorReply(http.StatusTooManyRequests, "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.", "insufficient_quota", nil, ptr("insufficient_quota")), true
	case ModeOverloaded:
		return openAIErrorReply(http.StatusServiceUnavailable, "The server is overloaded or not ready yet.", "server_error", nil, ptr("server_is_overloaded")), true
	case ModeTooLarge:
		msg := fmt.Sprintf("This model's maximum context length is 128000 tokens. However, your messages resulted in %d tokens. Please reduce the length of the messages.", 128000+tokens(string(x.body)))
		return openAIErrorReply(http.StatusBadRequest, msg, invalid, ptr("messages"), ptr("context_length_exceeded")), true
	case ModeBadRequest:
		return openAIErrorReply(http.StatusBadRequest, "Invalid value for 'response_format': 'json_schema' is not supported with this model.", invalid, ptr("response_format"), ptr("invalid_value")), true
	}
	return reply{}, false
}

// groqError is the error object of Groq's error body.
type groqError struct {
	Message string `json:"message"`
	Type    string `json:"type"`
	Param   string `json:"param,omitempty"`
	Code    string `json:"code,omitempty"`
}

func groqErrorReply(status int, message, typ, code string) reply {
	return groqErrorAt(status, message, typ, "", code)
}

// groqErrorAt is groqErrorReply naming the parameter param.
func groqErrorAt(status int, message, typ, param, code string) reply {
	return jsonReply(status, map[string]groqError{"error": {Message: message, Type: typ, Param: param, Code: code}})
}

// groqFailure answers Groq's refusals.
func groqFailure(mode Mode, x *exchange) (reply, bool) {
	const invalid = "invalid_request_error"
	switch mode {
	case modeMissingKey, ModeUnauthorized:
		return groqErrorReply(http.StatusUnauthorized, "Invalid API Key", invalid, "invalid_api_key"), true
	case modeNotFound:
		msg := fmt.Sprintf("Unknown request URL: %s %s. Please check the URL for typos, or see the docs at https://console.groq.com/docs/", x.r.Method, strings.TrimPrefix(x.r.URL.Path, x.p.prefix))
		return groqErrorReply(http.StatusNotFound, msg, invalid, "unknown_url"), true
	case modeMalformed:
		return groqErrorReply(http.StatusBadRequest, x.detail, invalid, ""), true
	case ModeUnknownModel:
		return groqErrorReply(http.StatusNotFound, fmt.Sprintf("The model `%s` does not exist or you do not have access to it.", x.model), invalid, "model_not_found"), true
	case ModeRateLimited:
		wait := x.wait(groqRetryAfter)
		msg := fmt.Sprintf("Rate limit reached for model `%s` in organization `org_fake` service tier `on_demand` on tokens per minute (TPM): Limit %d, Used 5870, Requested 1230.%s Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing", x.model, groqTokenLimit, tryAgain(wait))
		return groqErrorReply(http.StatusTooManyRequests, msg, "tokens", "rate_limit_exceeded").withHeaders(rateLimitHeaders(Groq, x.seq, true, wait)), true
	case ModeQuota:
		// Groq's spent allowance is a 413 about the per-minute token limit,
		// with no wait in it.
		msg := fmt.Sprintf("Request too large for model `%s` in organization `org_fake` service tier `on_demand` on tokens per minute (TPM): Limit %d, Requested 7552, please reduce your message size and try again. Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing", x.model, groqTokenLimit)
		return groqErrorReply(http.StatusRequestEntityTooLarge, msg, "tokens", "rate_limit_exceeded"), true
	case ModeOverloaded:
		// 498 is Groq's own status for a flex tier at capacity.
		return groqErrorReply(498, "Flex tier capacity exceeded. This is a known issue and we are working on a fix. Please try again later.", "service_unavailable", "capacity_exceeded"), true
	case ModeTooLarge:
		return groqErrorReply(http.StatusRequestEntityTooLarge, "Request Entity Too Large", invalid, "request_too_large"), true
	case ModeBadRequest:
		return groqErrorAt(http.StatusBadRequest, "This model does not support response format `json_schema`. See supported models at https://console.groq.com/docs/structured-outputs#supported-models", invalid, "response_format", "invalid_value"), true
	}
	return reply{}, false
}

// maskKey masks a key as OpenAI's invalid-key message does: the key's
// prefix, stars and its last four characters, e.g. "sk-proj-****abcd".
func maskKey(key string) string {
	prefix := ""
	for _, p := range []string{"sk-proj-", "sk-svcacct-", "sk-admin-", "sk-"} {
		if strings.HasPrefix(key, p) {
			prefix = p
			break
		}
	}
	rest := key[len(prefix):]
	if len(rest) <= 8 {
		return prefix + "****" // too short to show any of it
	}
	return prefix + "****" + rest[len(rest)-4:]
}

func ptr[T any](v T) *T { return &v }
