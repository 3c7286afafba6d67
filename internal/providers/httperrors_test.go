package providers

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestStatusClass(t *testing.T) {
	tests := []struct {
		status     int
		wantClass  Class
		wantReason string
	}{
		{401, Rejected, ReasonUnauthorized}, {403, Rejected, ReasonUnauthorized},
		{402, Rejected, ReasonQuotaExhausted}, {404, Rejected, ReasonUnknownModel},
		{408, Transient, ReasonTimeout}, {413, RequestCaused, ReasonRequestTooLarge},
		{429, RateLimited, ReasonRateLimited}, {498, Transient, ReasonServerError},
		{500, Transient, ReasonServerError}, {503, Transient, ReasonServerError},
		{504, Transient, ReasonServerError}, {400, RequestCaused, ReasonBadRequest},
		{409, RequestCaused, ReasonBadRequest}, {422, RequestCaused, ReasonBadRequest},
		{451, RequestCaused, ReasonBadRequest},
	}
	for _, tt := range tests {
		if c, r := statusClass(tt.status); c != tt.wantClass || r != tt.wantReason {
			t.Errorf("statusClass(%d) = %s/%s, want %s/%s", tt.status, c, r, tt.wantClass, tt.wantReason)
		}
	}
}

func TestRetryAfterHeader(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		header http.Header
		want   time.Duration
	}{
		{http.Header{"Retry-After": {"7"}}, 7 * time.Second},
		{http.Header{"Retry-After": {"1.5"}}, 1500 * time.Millisecond},
		{http.Header{"Retry-After-Ms": {"250"}, "Retry-After": {"1"}}, 250 * time.Millisecond},
		{http.Header{"Retry-After": {"Mon, 30 Nov 2026 12:00:30 GMT"}}, 30 * time.Second},
		{http.Header{"Retry-After": {"Mon, 30 Nov 2026 11:00:00 GMT"}}, 0},
		{http.Header{"Retry-After": {"soon"}}, 0},
		{http.Header{}, 0},
	}
	for _, tt := range tests {
		if got := retryAfterHeader(tt.header, now); got != tt.want {
			t.Errorf("retryAfterHeader(%v) = %s, want %s", tt.header, got, tt.want)
		}
	}
}

func TestRetryAfterMessage(t *testing.T) {
	tests := map[string]time.Duration{
		"Rate limit reached for model `llama-3.3-70b-versatile` on tokens per minute (TPM): Limit 6000, Used 5990. Please try again in 5.289s.": 5289 * time.Millisecond,
		"Please try again in 1m2.5s. Visit https://console.groq.com/docs/rate-limits":                                                           62500 * time.Millisecond,
		"try again in 120ms": 120 * time.Millisecond,
		"slow down":          0,
	}
	for msg, want := range tests {
		if got := retryAfterMessage(msg); got != want {
			t.Errorf("retryAfterMessage(%q) = %s, want %s", msg, got, want)
		}
	}
}

func TestRedact(t *testing.T) {
	const key = APIKey("sk-proj-abcdefghijklmnop1234")
	tests := map[string]string{
		"Incorrect API key provided: sk-proj-abcdefghijklmnop1234.":                                                                    "Incorrect API key provided: [redacted].",
		"Incorrect API key provided: sk-proj-********1234. You can find your API key at https://platform.openai.com/account/api-keys.": "Incorrect API key provided: [redacted]. You can find your API key at https://platform.openai.com/account/api-keys.",
		"Invalid API Key gsk_live_abcdef":  "Invalid API Key [redacted]",
		"token hf_AbCdEfGh is not valid":   "token [redacted] is not valid",
		"API key not valid. AIzaSyA-1234x": "API key not valid. [redacted]",
		"the\nmodel   is busy":             "the model is busy",
	}
	for in, want := range tests {
		if got := redact(in, key); got != want {
			t.Errorf("redact(%q) = %q, want %q", in, got, want)
		}
	}
	long := redact(strings.Repeat("é", 600), "")
	if len(long) > maxMessage || !strings.HasSuffix(long, "...") {
		t.Errorf("redact must bound a message, got %d bytes", len(long))
	}
}

func TestTransportError(t *testing.T) {
	err := transportError("groq", errors.New(`Post "https://x/?key=gsk_secretsecret": connection reset by peer`), "gsk_secretsecret")
	if err.Class != Transient || err.Reason != ReasonConnectionFailed || strings.Contains(err.Error(), "secret") ||
		strings.Contains(err.Err.Error(), "secret") {
		t.Errorf("transportError = %+v (%v)", err, err.Err)
	}
	if err := transportError("groq", context.DeadlineExceeded, ""); err.Reason != ReasonTimeout {
		t.Errorf("a deadline must be a Timeout, got %s", err.Reason)
	}
}

// timeoutError is a net.Error that timed out, as a dialer's deadline gives.
type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

func TestTransportErrorClasses(t *testing.T) {
	dial := func(err error) error { return &net.OpError{Op: "dial", Net: "tcp", Err: err} }
	post := func(err error) error {
		return &url.Error{Op: "Post", URL: "https://api.groq.com/openai/v1/chat/completions?key=gsk_secretsecret", Err: err}
	}
	tests := []struct {
		name       string
		err        error
		wantClass  Class
		wantReason string
	}{
		{"DNS", post(dial(&net.DNSError{Err: "no such host", Name: "api.groq.com", IsNotFound: true})), Unreachable, ReasonConnectionFailed},
		{"refused", post(dial(os.NewSyscallError("connect", syscall.ECONNREFUSED))), Unreachable, ReasonConnectionFailed},
		{"refused, bare", syscall.ECONNREFUSED, Unreachable, ReasonConnectionFailed},
		{"no route", post(dial(os.NewSyscallError("connect", syscall.EHOSTUNREACH))), Unreachable, ReasonConnectionFailed},
		{"dial timeout", post(dial(timeoutError{})), Unreachable, ReasonConnectionFailed},
		{"dial, then our deadline", errors.Join(context.DeadlineExceeded, post(dial(timeoutError{}))), Unreachable, ReasonConnectionFailed},
		{"proxy", post(&net.OpError{Op: "proxyconnect", Net: "tcp", Err: dial(os.NewSyscallError("connect", syscall.ECONNREFUSED))}), Unreachable, ReasonConnectionFailed},
		{"plain HTTP behind https", post(tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}), Unreachable, ReasonConnectionFailed},
		{"scheme mismatch", post(http.ErrSchemeMismatch), Unreachable, ReasonConnectionFailed},
		{"unknown authority", post(&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}), Unreachable, ReasonConnectionFailed},
		{"wrong host", post(x509.HostnameError{Certificate: &x509.Certificate{}, Host: "api.groq.com"}), Unreachable, ReasonConnectionFailed},
		{"handshake alert", post(tls.AlertError(40)), Unreachable, ReasonConnectionFailed},
		{"handshake timeout", post(errors.New("net/http: TLS handshake timeout")), Unreachable, ReasonConnectionFailed},
		{"our deadline", post(context.DeadlineExceeded), Transient, ReasonTimeout},
		{"timeout after the request", post(&net.OpError{Op: "read", Net: "tcp", Err: timeoutError{}}), Transient, ReasonTimeout},
		{"reset mid-answer", post(&net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}), Transient, ReasonConnectionFailed},
		{"EOF mid-answer", io.ErrUnexpectedEOF, Transient, ReasonConnectionFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := transportError("groq", tt.err, "gsk_secretsecret")
			if e.Class != tt.wantClass || e.Reason != tt.wantReason {
				t.Errorf("transportError(%v) = %s/%s, want %s/%s", tt.err, e.Class, e.Reason, tt.wantClass, tt.wantReason)
			}
			if strings.Contains(e.Error(), "secret") || strings.Contains(e.Err.Error(), "secret") {
				t.Errorf("the key leaked: %v (%v)", e, e.Err)
			}
		})
	}
}
