package providers

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Headroom is what a provider's rate-limit headers say is left of its
// limits after a call: x-ratelimit-remaining-requests and -tokens, and the
// x-ratelimit-reset-* waits until they refill. OpenAI, Groq and the
// OpenAI-compatible servers that copy them (LiteLLM, some vLLM gateways)
// send them on successes too, which lets the gate slow down before a 429.
type Headroom struct {
	// RemainingRequests and RemainingTokens are -1 when not sent.
	RemainingRequests, RemainingTokens int
	// ResetRequests and ResetTokens are how long until each refills.
	ResetRequests, ResetTokens time.Duration
}

// headroomOf reads the headers; nil when neither remaining count is sent.
// Resets are durations as OpenAI writes them ("12ms", "1m2.5s") or plain
// seconds ("20"), as some gateways do.
func headroomOf(h http.Header) *Headroom {
	requests, okR := remaining(h.Get("X-Ratelimit-Remaining-Requests"))
	tokens, okT := remaining(h.Get("X-Ratelimit-Remaining-Tokens"))
	if !okR && !okT {
		return nil
	}
	return &Headroom{RemainingRequests: requests, RemainingTokens: tokens,
		ResetRequests: reset(h.Get("X-Ratelimit-Reset-Requests")), ResetTokens: reset(h.Get("X-Ratelimit-Reset-Tokens"))}
}

func remaining(v string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 {
		return -1, false
	}
	return n, true
}

func reset(v string) time.Duration {
	v = strings.TrimSpace(v)
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return min(d, 24*time.Hour)
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s > 0 && s < 86400 {
		return time.Duration(s * float64(time.Second))
	}
	return 0
}
