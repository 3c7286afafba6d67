package fakeprovider

import (
	"fmt"
	"net/http"
	"strconv"
)

// Rate-limit headers OpenAI and Groq send on completions, successes and
// 429s alike. Resets are durations Go's time.ParseDuration reads ("12ms",
// "1m2.5s"), as the real APIs write them.

// The limits the fake advertises, and what one call uses up of them.
const (
	openAIRequestLimit = 10000
	openAITokenLimit   = 200000
	groqRequestLimit   = 14400 // a day
	groqTokenLimit     = 6000  // a minute
	tokensPerCall      = 1500
)

// Waits the 429s ask for, in the headers and the messages alike.
const (
	openAIRetryAfterMs = 1500     // "Please try again in 1.5s"
	groqRetryAfter     = "5.289s" // "Please try again in 5.289s"
)

// rateLimitHeaders are the headers provider sends on its seq-th completion
// (limited: on a 429, with nothing remaining); nil for providers that send
// none.
func rateLimitHeaders(provider string, seq int, limited bool) http.Header {
	switch provider {
	case OpenAI:
		h := limits(openAIRequestLimit, openAITokenLimit, seq, "12ms", "1m2.5s")
		if limited {
			h.Set("x-ratelimit-remaining-requests", "0")
			h.Set("x-ratelimit-reset-requests", "1.5s")
			h.Set("retry-after-ms", strconv.Itoa(openAIRetryAfterMs))
			h.Set("retry-after", "2") // the whole seconds the ms round up to
		}
		h.Set("x-request-id", fmt.Sprintf("req_fake%06d", seq))
		h.Set("openai-processing-ms", "42")
		return h
	case Groq:
		h := limits(groqRequestLimit, groqTokenLimit, seq, "1m2.5s", "7.66s")
		if limited {
			h.Set("x-ratelimit-remaining-tokens", "0")
			h.Set("x-ratelimit-reset-tokens", groqRetryAfter)
			h.Set("retry-after", "6") // whole seconds, rounded up
		}
		h.Set("x-request-id", fmt.Sprintf("req_fake%06d", seq))
		return h
	}
	return nil
}

// limits are the x-ratelimit-* headers after seq calls: the request
// allowance falls with each call.
func limits(requests, tokens, seq int, resetRequests, resetTokens string) http.Header {
	h := http.Header{}
	h.Set("x-ratelimit-limit-requests", strconv.Itoa(requests))
	h.Set("x-ratelimit-limit-tokens", strconv.Itoa(tokens))
	h.Set("x-ratelimit-remaining-requests", strconv.Itoa(max(requests-seq, 0)))
	// The token window refills between calls, so a success never reads as
	// exhausted: only this call's tokens are gone.
	h.Set("x-ratelimit-remaining-tokens", strconv.Itoa(tokens-tokensPerCall))
	h.Set("x-ratelimit-reset-requests", resetRequests)
	h.Set("x-ratelimit-reset-tokens", resetTokens)
	return h
}
