package fakeprovider

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
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

// Waits the 429s ask for when the Setting gives none, in the headers and
// the messages alike.
const (
	openAIRetryAfter = 1500 * time.Millisecond // "Please try again in 1.5s"
	groqRetryAfter   = 5289 * time.Millisecond // "Please try again in 5.289s"
	geminiRetryDelay = 22 * time.Second        // "Please retry in 22s."
)

// wait is the wait x's 429 asks for: the Setting's RetryAfter, else usual;
// 0 for NoRetryHint, a 429 with no hint.
func (x *exchange) wait(usual time.Duration) time.Duration {
	switch x.retryAfter {
	case 0:
		return usual
	case NoRetryHint:
		return 0
	}
	return x.retryAfter
}

// tryAgain is the sentence OpenAI and Groq end a 429's wait with, " Please
// try again in 1.5s." ("" for no wait), as the clients read it.
func tryAgain(wait time.Duration) string {
	if wait <= 0 {
		return ""
	}
	return fmt.Sprintf(" Please try again in %s.", wait)
}

// wholeSeconds is wait in retry-after's whole seconds, rounded up.
func wholeSeconds(wait time.Duration) string {
	return strconv.FormatInt(int64((wait+time.Second-1)/time.Second), 10)
}

// protoDuration writes wait as a google.protobuf.Duration in JSON, seconds
// with an "s": "22s", "1.5s", "90s".
func protoDuration(wait time.Duration) string {
	return strconv.FormatFloat(wait.Seconds(), 'f', -1, 64) + "s"
}

// rateLimitHeaders are the headers provider sends on its seq-th completion;
// nil for providers that send none. On a 429 (limited), the limit hit has
// nothing remaining and the headers ask for wait, or, when it is 0, for no
// wait at all: no retry-after and no reset headers.
func rateLimitHeaders(provider string, seq int, limited bool, wait time.Duration) http.Header {
	switch provider {
	case OpenAI:
		h := limits(openAIRequestLimit, openAITokenLimit, seq, "12ms", "1m2.5s")
		if limited {
			h.Set("x-ratelimit-remaining-requests", "0")
			if wait > 0 {
				h.Set("x-ratelimit-reset-requests", wait.String())
				h.Set("retry-after-ms", strconv.FormatInt(wait.Milliseconds(), 10))
				h.Set("retry-after", wholeSeconds(wait))
			} else {
				noResets(h)
			}
		}
		h.Set("x-request-id", fmt.Sprintf("req_fake%06d", seq))
		h.Set("openai-processing-ms", "42")
		return h
	case Groq:
		h := limits(groqRequestLimit, groqTokenLimit, seq, "1m2.5s", "7.66s")
		if limited {
			h.Set("x-ratelimit-remaining-tokens", "0")
			if wait > 0 {
				h.Set("x-ratelimit-reset-tokens", wait.String())
				h.Set("retry-after", wholeSeconds(wait))
			} else {
				noResets(h)
			}
		}
		h.Set("x-request-id", fmt.Sprintf("req_fake%06d", seq))
		return h
	}
	return nil
}

// noResets takes the reset headers out of h, which a client would read as
// a wait.
func noResets(h http.Header) {
	h.Del("x-ratelimit-reset-requests")
	h.Del("x-ratelimit-reset-tokens")
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
