package fakeprovider

import (
	"fmt"
	"net/http"
)

// Hugging Face's refusals. The router writes {"error": "<text>"} itself and
// passes an inference provider's error through, where "error" is often an
// object, with whatever fields that provider uses.

func huggingFaceErrorReply(status int, message string) reply {
	return jsonReply(status, map[string]string{"error": message})
}

// upstreamError is an inference provider's error as the router passes it
// through: vLLM's shape, with an integer code.
type upstreamError struct {
	Object  string  `json:"object"`
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    int     `json:"code"`
}

// upstreamBadRequest is an inference provider's 400 as the router passes it
// through, naming the parameter param (nil: none).
func upstreamBadRequest(message string, param *string) reply {
	return jsonReply(http.StatusBadRequest, map[string]upstreamError{"error": {
		Object: "error", Message: message, Type: "BadRequestError", Param: param, Code: http.StatusBadRequest,
	}})
}

// huggingFaceFailure answers Hugging Face's refusals.
func huggingFaceFailure(mode Mode, x *exchange) (reply, bool) {
	switch mode {
	case modeMissingKey, ModeUnauthorized:
		return huggingFaceErrorReply(http.StatusUnauthorized, "Invalid credentials in Authorization header"), true
	case modeNotFound:
		return huggingFaceErrorReply(http.StatusNotFound, "Not Found"), true
	case modeMalformed:
		return huggingFaceErrorReply(http.StatusBadRequest, x.detail), true
	case ModeUnknownModel:
		return jsonReply(http.StatusBadRequest, map[string]openAIError{"error": {
			Message: fmt.Sprintf("The requested model '%s' is not supported by any provider you have enabled.", x.model),
			Type:    "invalid_request_error", Param: ptr("model"), Code: ptr("model_not_supported"),
		}}), true
	case ModeRateLimited:
		// Often no retry-after header at all.
		return huggingFaceErrorReply(http.StatusTooManyRequests, "Rate limit reached. You reached the maximum number of requests for this period, please retry later."), true
	case ModeQuota:
		return huggingFaceErrorReply(http.StatusPaymentRequired, "You have exceeded your monthly included credits for Inference Providers. Subscribe to PRO to get 20x more monthly included credits."), true
	case ModeOverloaded:
		return jsonReply(http.StatusServiceUnavailable, map[string]string{"error": "Model is overloaded", "error_type": "overloaded"}), true
	case ModeTooLarge:
		n := tokens(string(x.body))
		msg := fmt.Sprintf("This model's maximum context length is 32768 tokens. However, you requested %d tokens (%d in the messages, 4096 in the completion). Please reduce the length of the messages or completion.", 32768+n, 28672+n)
		return upstreamBadRequest(msg, nil), true
	case ModeBadRequest:
		return upstreamBadRequest("Invalid value for 'response_format': the json_schema is not supported by the guided decoding backend.", ptr("response_format")), true
	}
	return reply{}, false
}
