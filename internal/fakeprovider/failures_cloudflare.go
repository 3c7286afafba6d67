package fakeprovider

import (
	"fmt"
	"net/http"
)

// Cloudflare's refusals: the v4 envelope {"errors": [{"code", "message"}],
// "success": false, "result": null, "messages": []}, on its native and its
// OpenAI-compatible endpoints alike. Workers AI codes are documented at
// developers.cloudflare.com/workers-ai/platform/errors/.

func cloudflareErrorReply(status, code int, message string) reply {
	return jsonReply(status, envelope{Errors: []cfDetail{{Code: code, Message: message}}, Messages: []cfDetail{}})
}

// cloudflareFailure answers Cloudflare's refusals.
func cloudflareFailure(mode Mode, x *exchange) (reply, bool) {
	switch mode {
	case modeMissingKey:
		return cloudflareErrorReply(http.StatusBadRequest, 9106, "Missing X-Auth-Key, X-Auth-Email or Authorization headers"), true
	case modeNotFound:
		return cloudflareErrorReply(http.StatusBadRequest, 7000, "No route for that URI"), true
	case modeMalformed:
		return cloudflareErrorReply(http.StatusBadRequest, 5006, "AiError: Bad input: "+x.detail), true
	case ModeUnauthorized:
		if x.kind == kindProbe {
			return cloudflareErrorReply(http.StatusUnauthorized, 1000, "Invalid API Token"), true
		}
		return cloudflareErrorReply(http.StatusUnauthorized, 10000, "Authentication error"), true
	case ModeUnknownModel:
		return cloudflareErrorReply(http.StatusBadRequest, 5007, fmt.Sprintf("AiError: No such model %s or task", x.model)), true
	case ModeRateLimited:
		// Out of capacity: a 429 with no retry-after header.
		return cloudflareErrorReply(http.StatusTooManyRequests, 3040, "AiError: Capacity temporarily exceeded, please try again."), true
	case ModeQuota:
		return cloudflareErrorReply(http.StatusTooManyRequests, 3036, "AiError: You have used up your daily free allocation of 10,000 neurons, please upgrade to Cloudflare's Workers Paid plan if you would like to continue usage."), true
	case ModeOverloaded:
		return cloudflareErrorReply(http.StatusRequestTimeout, 3007, "AiError: Request timeout"), true
	case ModeTooLarge:
		return cloudflareErrorReply(http.StatusRequestEntityTooLarge, 3006, "AiError: Request is too large"), true
	case ModeBadRequest:
		return cloudflareErrorReply(http.StatusBadRequest, 5006, "AiError: Bad input: Error: Invalid value of '/response_format': this model does not support JSON schema mode"), true
	}
	return reply{}, false
}
