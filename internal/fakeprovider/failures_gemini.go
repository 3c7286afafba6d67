package fakeprovider

import (
	"fmt"
	"net/http"
)

// Gemini's refusals: {"error": {"code", "message", "status", "details"}},
// google.rpc.Status as JSON. Waits and quotas are only in details.

// googleError is the error object of Gemini's error body.
type googleError struct {
	Code    int              `json:"code"`
	Message string           `json:"message"`
	Status  string           `json:"status"`
	Details []map[string]any `json:"details,omitempty"`
}

func googleErrorReply(code int, message, status string, details ...map[string]any) reply {
	return geminiJSON(code, map[string]googleError{"error": {Code: code, Message: message, Status: status, Details: details}})
}

// Gemini's quota ids: a per-minute quota is a rate limit, a per-day one is
// the day's quota gone.
const (
	quotaPerMinute = "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"
	quotaPerDay    = "GenerateRequestsPerDayPerProjectPerModel-FreeTier"
)

// geminiFailure answers Gemini's refusals.
func geminiFailure(mode Mode, x *exchange) (reply, bool) {
	switch mode {
	case modeMissingKey:
		return googleErrorReply(http.StatusForbidden, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.", "PERMISSION_DENIED"), true
	case modeNotFound:
		return googleErrorReply(http.StatusNotFound, "Requested entity was not found.", "NOT_FOUND"), true
	case modeMalformed:
		return googleErrorReply(http.StatusBadRequest, x.detail, "INVALID_ARGUMENT"), true
	case ModeUnauthorized:
		// A bad key is a 400, not a 401: the reason is in the details.
		const msg = "API key not valid. Please pass a valid API key."
		return googleErrorReply(http.StatusBadRequest, msg, "INVALID_ARGUMENT",
			map[string]any{
				"@type":    "type.googleapis.com/google.rpc.ErrorInfo",
				"reason":   "API_KEY_INVALID",
				"domain":   "googleapis.com",
				"metadata": map[string]string{"service": "generativelanguage.googleapis.com"},
			},
			map[string]any{"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US", "message": msg},
		), true
	case ModeUnknownModel:
		return googleErrorReply(http.StatusNotFound, fmt.Sprintf("models/%s is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.", x.model), "NOT_FOUND"), true
	case ModeRateLimited:
		wait := x.wait(geminiRetryDelay)
		if wait == 0 {
			// Without a RetryInfo, a QuotaFailure reads as the quota gone;
			// Gemini's bare 429 names none.
			return googleErrorReply(http.StatusTooManyRequests, "Resource has been exhausted (e.g. check quota).", "RESOURCE_EXHAUSTED"), true
		}
		return quotaExceeded(x.model, quotaPerMinute, "10", protoDuration(wait)), true
	case ModeQuota:
		// The real API puts a retryDelay on a spent daily quota too; only the
		// quota id tells that waiting seconds will not help.
		return quotaExceeded(x.model, quotaPerDay, "250", "41s"), true
	case ModeOverloaded:
		return googleErrorReply(http.StatusServiceUnavailable, "The model is overloaded. Please try again later.", "UNAVAILABLE"), true
	case ModeTooLarge:
		return googleErrorReply(http.StatusBadRequest, fmt.Sprintf("The input token count (%d) exceeds the maximum number of tokens allowed (1048576).", 1048576+tokens(string(x.body))), "INVALID_ARGUMENT"), true
	case ModeBadRequest:
		const msg = `Invalid JSON payload received. Unknown name "responseJsonSchema" at 'generation_config': Cannot find field.`
		return googleErrorReply(http.StatusBadRequest, msg, "INVALID_ARGUMENT", map[string]any{
			"@type":           "type.googleapis.com/google.rpc.BadRequest",
			"fieldViolations": []map[string]string{{"field": "generation_config", "description": msg}},
		}), true
	}
	return reply{}, false
}

// quotaExceeded is Gemini's 429: a QuotaFailure naming the quota, a Help
// link, and a RetryInfo with the wait.
func quotaExceeded(model, quotaID, limit, retryDelay string) reply {
	msg := fmt.Sprintf("You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.\n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: %s, model: %s\nPlease retry in %s.", limit, model, retryDelay)
	return googleErrorReply(http.StatusTooManyRequests, msg, "RESOURCE_EXHAUSTED",
		map[string]any{
			"@type": "type.googleapis.com/google.rpc.QuotaFailure",
			"violations": []map[string]any{{
				"quotaMetric":     "generativelanguage.googleapis.com/generate_content_free_tier_requests",
				"quotaId":         quotaID,
				"quotaDimensions": map[string]string{"location": "global", "model": model},
				"quotaValue":      limit,
			}},
		},
		map[string]any{
			"@type": "type.googleapis.com/google.rpc.Help",
			"links": []map[string]string{{"description": "Learn more about Gemini API quotas", "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}},
		},
		map[string]any{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": retryDelay},
	)
}
