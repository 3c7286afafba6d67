package providers

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Reasons a client puts in Error.Reason. They reach Forecast status as
// lastAttempt.reason, so they are part of the API users read.
const (
	ReasonTimeout           = "Timeout"           // no answer before the deadline
	ReasonConnectionFailed  = "ConnectionFailed"  // DNS, refused, TLS, proxy (Unreachable); reset mid-answer (Transient)
	ReasonServerError       = "ServerError"       // 5xx, overloaded, capacity, a redirect loop
	ReasonRateLimited       = "RateLimited"       // 429: wait, with or without a hint
	ReasonUnauthorized      = "Unauthorized"      // bad or missing key
	ReasonUnknownModel      = "UnknownModel"      // the model does not exist there
	ReasonQuotaExhausted    = "QuotaExhausted"    // no credit or daily allocation left
	ReasonCrossHostRedirect = "CrossHostRedirect" // a redirect off the configured host, not followed
	ReasonBadRequest        = "BadRequest"        // the provider refuses this request (or a 4xx no table knows)
	ReasonRequestTooLarge   = "RequestTooLarge"   // the data exceed the context window or the body limit
	ReasonTruncated         = "Truncated"         // the answer hit the output token limit
	ReasonBlocked           = "Blocked"           // a safety filter stopped the prompt or the answer
	ReasonEmptyAnswer       = "EmptyAnswer"       // no choice, no candidate, no text
	ReasonInvalidResponse   = "InvalidResponse"   // a 2xx body that is not the API's shape
	ReasonNoJSON            = "NoJSON"            // a completion probe's answer holds no JSON object
	ReasonInvalidConfig     = "InvalidConfig"     // the lock entry cannot make a client (a base URL with no host, no Cloudflare account)
)

// maxMessage bounds the provider's words carried in an Error.
const maxMessage = 512

// statusClass is the class and reason of an HTTP status when the body says
// nothing more specific; clients refine it from the error body. A 4xx it
// does not know is the request's fault: the provider answered, and refused
// this request rather than everyone.
func statusClass(status int) (Class, string) {
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return Rejected, ReasonUnauthorized
	case status == http.StatusPaymentRequired:
		return Rejected, ReasonQuotaExhausted
	case status == http.StatusNotFound:
		return Rejected, ReasonUnknownModel
	case status == http.StatusRequestTimeout:
		return Transient, ReasonTimeout
	case status == http.StatusRequestEntityTooLarge:
		return RequestCaused, ReasonRequestTooLarge
	case status == http.StatusTooManyRequests:
		return RateLimited, ReasonRateLimited
	case status >= 500 || status == 498: // 498: Groq's flex tier is out of capacity
		return Transient, ReasonServerError
	default:
		return RequestCaused, ReasonBadRequest
	}
}

// retryAfterHeader reads the wait a response asks for: retry-after-ms,
// retry-after in seconds or as an HTTP date. Zero when there is none.
func retryAfterHeader(h http.Header, now time.Time) time.Duration {
	if ms, err := strconv.ParseFloat(h.Get("Retry-After-Ms"), 64); err == nil && ms > 0 {
		return time.Duration(ms * float64(time.Millisecond))
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s > 0 {
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// tryAgainIn finds a wait written into a message, as Groq and OpenAI write
// "Please try again in 5.289s" or "in 1m2.5s" or "in 120ms".
var tryAgainIn = regexp.MustCompile(`(?i)try again in ([0-9]+(?:\.[0-9]+)?(?:ms|s|m|h)(?:[0-9]+(?:\.[0-9]+)?(?:ms|s))*)`)

func retryAfterMessage(msg string) time.Duration {
	m := tryAgainIn.FindStringSubmatch(msg)
	if m == nil {
		return 0
	}
	d, err := time.ParseDuration(m[1])
	if err != nil || d < 0 {
		return 0
	}
	return d
}

// transportError classifies a failure below HTTP. One that kept the
// request from reaching the provider's HTTP server (DNS, a refused or
// unroutable connection, a proxy, a TLS handshake) is Unreachable, whatever
// the deadline did meanwhile; once the request was sent, a deadline is a
// transient Timeout and anything else (a reset, EOF mid-body) a transient
// ConnectionFailed.
func transportError(provider string, err error, key APIKey) *Error {
	class, reason := Transient, ReasonConnectionFailed
	msg := "the connection to the provider failed: " + err.Error()
	switch {
	case unreachable(err):
		class, msg = Unreachable, "the provider could not be reached: "+err.Error()
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		reason, msg = ReasonTimeout, "the provider did not answer in time"
	}
	return &Error{Provider: provider, Class: class, Reason: reason, Message: redact(msg, key), Err: errors.New(redact(err.Error(), key))}
}

// unreachable reports whether err says that the request never reached the
// provider's HTTP server. It reads the error types net and crypto/tls
// return, and net/http's ErrSchemeMismatch (a plain HTTP server answering
// a TLS handshake, which net/http reports in place of the TLS error); only
// its TLS handshake timeout has no exported type.
func unreachable(err error) bool {
	var (
		dns    *net.DNSError
		op     *net.OpError
		record tls.RecordHeaderError
		alert  tls.AlertError
		verify *tls.CertificateVerificationError
		ca     x509.UnknownAuthorityError
		host   x509.HostnameError
		cert   x509.CertificateInvalidError
	)
	switch {
	case errors.As(err, &dns), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, http.ErrSchemeMismatch):
		return true
	case errors.As(err, &op) && (op.Op == "dial" || op.Op == "proxyconnect"):
		return true
	case errors.As(err, &record), errors.As(err, &alert), errors.As(err, &verify),
		errors.As(err, &ca), errors.As(err, &host), errors.As(err, &cert):
		return true
	}
	return strings.Contains(err.Error(), "net/http: TLS handshake timeout")
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// keyLike matches credentials providers echo back in error messages, whole
// or masked (OpenAI: "sk-proj-****abcd"; Groq "gsk_"; Hugging Face "hf_").
var keyLike = regexp.MustCompile(`\b(sk-|gsk_|hf_|AIza)[A-Za-z0-9_*\-]{4,}`)

// redact removes the key, and anything shaped like a key, from a message
// that came from the provider or the network, and bounds its length.
func redact(msg string, key APIKey) string {
	if key != "" {
		msg = strings.ReplaceAll(msg, string(key), "[redacted]")
	}
	msg = keyLike.ReplaceAllString(msg, "[redacted]")
	msg = strings.Join(strings.Fields(msg), " ")
	if len(msg) > maxMessage {
		msg = truncateRunes(msg, maxMessage-3) + "..."
	}
	return msg
}

func truncateRunes(s string, n int) string {
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
