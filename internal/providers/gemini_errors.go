package providers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// geminiStatus is the Gemini API's error body, a google.rpc.Status:
// {"error": {"code", "message", "status", "details": [...]}}.
type geminiStatus struct {
	Error *struct {
		Message string `json:"message"`
		Status  string `json:"status"`
		// Details are decoded one by one, so that one odd entry does not
		// hide the others.
		Details []json.RawMessage `json:"details"`
	} `json:"error"`
}

// geminiDetail holds the fields read from the details types that matter
// here, told apart by @type: ErrorInfo (reason), RetryInfo (retryDelay) and
// QuotaFailure (violations).
type geminiDetail struct {
	Type       string                 `json:"@type"`
	Reason     string                 `json:"reason"`
	RetryDelay string                 `json:"retryDelay"`
	Violations []geminiQuotaViolation `json:"violations"`
}

// geminiQuotaViolation is one quota a 429 was refused under.
type geminiQuotaViolation struct {
	QuotaID string `json:"quotaId"`
	// QuotaValue is the limit; Google writes it as a string ("250").
	QuotaValue json.Number `json:"quotaValue"`
}

// geminiErrorFacts is what an error body says beyond its status.
type geminiErrorFacts struct {
	message      string
	status       string // e.g. RESOURCE_EXHAUSTED
	keyRejected  bool   // an ErrorInfo reason API_KEY_INVALID (or another API_KEY_*)
	quotaFailure bool
	quotaGone    bool          // a violated quota is daily, or its limit is 0
	retryDelay   time.Duration // from RetryInfo; zero when absent
}

// geminiTooLarge matches the 400 for a prompt over the context window: "The
// input token count (1200000) exceeds the maximum number of tokens allowed
// (1048576).", and for a body over the API's limit: "Request payload size
// exceeds the limit: 20971520 bytes."
var geminiTooLarge = regexp.MustCompile(`(?i)input token count.*exceeds|payload size exceeds the limit`)

// geminiHTTPError classifies a non-2xx answer from its status, headers and
// body. The body only refines the status: an HTML or empty body, or one
// that is not the API's JSON, is classified by the status alone. A 400
// INVALID_ARGUMENT or FAILED_PRECONDITION that is not about the key is left
// to statusClass, which makes it the request's fault; a 429 is a rate limit
// unless its QuotaFailure says the quota is gone.
func geminiHTTPError(status int, header http.Header, body []byte, key APIKey, now time.Time) *Error {
	class, reason := statusClass(status)
	f := readGeminiError(body)
	switch {
	case f.keyRejected && status < 500:
		// Gemini answers a bad key with 400 INVALID_ARGUMENT, not 401.
		class, reason = Rejected, ReasonUnauthorized
	case status == http.StatusBadRequest && geminiTooLarge.MatchString(f.message):
		class, reason = RequestCaused, ReasonRequestTooLarge
	case status == http.StatusTooManyRequests && geminiQuotaExhausted(f):
		class, reason = Rejected, ReasonQuotaExhausted
	case status >= 500 && f.status == "DEADLINE_EXCEEDED":
		// The server ran out of time on the request: the same remedy as
		// our own deadline. A 504 from a gateway stays a ServerError.
		class, reason = Transient, ReasonTimeout
	}
	msg := f.message
	if msg == "" {
		msg = strings.TrimSpace(fmt.Sprintf("%s %s", f.status, http.StatusText(status)))
	}
	e := &Error{Provider: geminiName, Class: class, Reason: reason, StatusCode: status, Message: redact(msg, key)}
	if class == Transient || class == RateLimited {
		// A wait only matters to a retry; a rejected provider goes to
		// cooldown, and a daily quota's "retry in 30s" would mislead it.
		e.RetryAfter = f.retryDelay
		if e.RetryAfter == 0 {
			e.RetryAfter = retryAfterHeader(header, now)
		}
	}
	return e
}

// geminiQuotaExhausted decides whether a 429 means "stop" rather than "slow
// down". Google's free tier answers a per-minute limit with a QuotaFailure
// AND a RetryInfo, so a QuotaFailure alone does not settle it. The quota is
// gone when a violated quota is counted per day (its quotaId contains
// "PerDay": waiting seconds will not help), when its limit is 0 (the model
// is not in the key's tier at all), or when a QuotaFailure comes with no
// RetryInfo (the server names a quota but offers no time to wait). A 429
// without a QuotaFailure is a rate limit.
func geminiQuotaExhausted(f geminiErrorFacts) bool {
	return f.quotaGone || f.quotaFailure && f.retryDelay == 0
}

// readGeminiError reads what it can of an error body; it never fails.
func readGeminiError(body []byte) geminiErrorFacts {
	var s geminiStatus
	if json.Unmarshal(body, &s) != nil || s.Error == nil {
		return geminiErrorFacts{}
	}
	f := geminiErrorFacts{message: s.Error.Message, status: s.Error.Status}
	for _, raw := range s.Error.Details {
		var d geminiDetail
		if json.Unmarshal(raw, &d) != nil {
			continue
		}
		switch {
		case strings.HasSuffix(d.Type, "google.rpc.ErrorInfo"):
			// API_KEY_INVALID, and its kin (API_KEY_EXPIRED, ...), all say
			// the key is refused.
			f.keyRejected = f.keyRejected || strings.HasPrefix(d.Reason, "API_KEY_")
		case strings.HasSuffix(d.Type, "google.rpc.RetryInfo"):
			f.retryDelay = max(f.retryDelay, geminiDelay(d.RetryDelay))
		case strings.HasSuffix(d.Type, "google.rpc.QuotaFailure"):
			f.quotaFailure = true
			for _, v := range d.Violations {
				if strings.Contains(strings.ToLower(v.QuotaID), "perday") || v.QuotaValue == "0" {
					f.quotaGone = true
				}
			}
		}
	}
	return f
}

// geminiDelay reads a google.protobuf.Duration in its JSON form, seconds
// with an "s" ("22s", "1.5s"); zero when it is not one.
func geminiDelay(s string) time.Duration {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil || d < 0 {
		return 0
	}
	return d
}
