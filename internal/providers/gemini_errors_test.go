package providers

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestGeminiErrorTable(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		header     http.Header
		body       []byte
		wantClass  Class
		wantReason string
		wantWait   time.Duration
	}{
		{"bad key is a 400", 400, nil, geminiFixture(t, "error_400_api_key_invalid.json"), Rejected, ReasonUnauthorized, 0},
		{"permission denied", 403, nil, geminiFixture(t, "error_403_permission_denied.json"), Rejected, ReasonUnauthorized, 0},
		{"unauthenticated", 401, nil, nil, Rejected, ReasonUnauthorized, 0},
		{"unknown model", 404, nil, geminiFixture(t, "error_404_not_found.json"), Rejected, ReasonUnknownModel, 0},
		{"per-minute limit", 429, nil, geminiFixture(t, "error_429_per_minute.json"), RateLimited, ReasonRateLimited, 22 * time.Second},
		{"fractional retryDelay", 429, nil, geminiFixture(t, "error_429_retry_only.json"), RateLimited, ReasonRateLimited, 1500 * time.Millisecond},
		{"retryDelay beats Retry-After", 429, http.Header{"Retry-After": {"9"}}, geminiFixture(t, "error_429_per_minute.json"), RateLimited, ReasonRateLimited, 22 * time.Second},
		{"Retry-After header", 429, http.Header{"Retry-After": {"7"}}, []byte(`{"error": {"code": 429, "message": "Resource has been exhausted (e.g. check quota).", "status": "RESOURCE_EXHAUSTED"}}`), RateLimited, ReasonRateLimited, 7 * time.Second},
		{"429 without a body", 429, nil, nil, RateLimited, ReasonRateLimited, 0},
		{"daily quota", 429, nil, geminiFixture(t, "error_429_per_day.json"), Rejected, ReasonQuotaExhausted, 0},
		{"free-tier limit 0", 429, nil, geminiFixture(t, "error_429_limit_zero.json"), Rejected, ReasonQuotaExhausted, 0},
		{"quota and no wait", 429, nil, geminiFixture(t, "error_429_quota_no_retry.json"), Rejected, ReasonQuotaExhausted, 0},
		{"too many input tokens", 400, nil, geminiFixture(t, "error_400_too_many_tokens.json"), RequestCaused, ReasonRequestTooLarge, 0},
		{"payload over the limit", 400, nil, geminiFixture(t, "error_400_payload_too_large.json"), RequestCaused, ReasonRequestTooLarge, 0},
		{"other 400", 400, nil, geminiFixture(t, "error_400_invalid_argument.json"), RequestCaused, ReasonBadRequest, 0},
		{"failed precondition", 400, nil, geminiFixture(t, "error_400_failed_precondition.json"), RequestCaused, ReasonBadRequest, 0},
		{"a 4xx no table knows", 409, nil, []byte(`{"error": {"code": 409, "message": "The operation was aborted.", "status": "ABORTED"}}`), RequestCaused, ReasonBadRequest, 0},
		{"413 from a proxy", 413, nil, []byte("Request Entity Too Large"), RequestCaused, ReasonRequestTooLarge, 0},
		{"internal", 500, nil, geminiFixture(t, "error_500_internal.json"), Transient, ReasonServerError, 0},
		{"overloaded", 503, http.Header{"Retry-After": {"3"}}, geminiFixture(t, "error_503_unavailable.json"), Transient, ReasonServerError, 3 * time.Second},
		{"deadline exceeded", 504, nil, geminiFixture(t, "error_504_deadline.json"), Transient, ReasonTimeout, 0},
		{"HTML 502", 502, http.Header{"Content-Type": {"text/html; charset=UTF-8"}}, geminiFixture(t, "error_502.html"), Transient, ReasonServerError, 0},
		{"empty 503", 503, nil, nil, Transient, ReasonServerError, 0},
		{"gateway 504", 504, nil, []byte("upstream request timeout"), Transient, ReasonServerError, 0},
		{"odd details", 400, nil, []byte(`{"error": {"code": "x", "message": "bad", "details": [5, {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}]}}`), Rejected, ReasonUnauthorized, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newTestGemini(t, geminiAnswers(tt.status, tt.header, tt.body))
			_, err := p.Forecast(context.Background(), geminiTestRequest())
			pe := asGeminiError(t, err)
			if pe.Class != tt.wantClass || pe.Reason != tt.wantReason || pe.RetryAfter != tt.wantWait || pe.StatusCode != tt.status {
				t.Errorf("error = %s/%s wait %s HTTP %d, want %s/%s wait %s HTTP %d (%v)",
					pe.Class, pe.Reason, pe.RetryAfter, pe.StatusCode, tt.wantClass, tt.wantReason, tt.wantWait, tt.status, pe)
			}
			if strings.Contains(pe.Message, "<") {
				t.Errorf("an HTML body leaked into the message: %q", pe.Message)
			}
		})
	}
}

func TestGeminiErrorMessageSaysWhat(t *testing.T) {
	p := newTestGemini(t, geminiAnswers(404, nil, geminiFixture(t, "error_404_not_found.json")))
	_, err := p.Forecast(context.Background(), geminiTestRequest())
	if !strings.Contains(err.Error(), "gemini: UnknownModel (HTTP 404): models/gemini-9.9-ultra is not found") {
		t.Errorf("Error() = %q", err)
	}
	p = newTestGemini(t, geminiAnswers(502, nil, geminiFixture(t, "error_502.html")))
	_, err = p.Forecast(context.Background(), geminiTestRequest())
	if got := err.Error(); got != "gemini: ServerError (HTTP 502): Bad Gateway" {
		t.Errorf("Error() = %q", got)
	}
}

func TestGeminiConnectionResetMidBody(t *testing.T) {
	p := newTestGemini(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{\"candidates\": [{\"content\": ")
		_ = buf.Flush()
		if tcp, ok := conn.(*net.TCPConn); ok {
			_ = tcp.SetLinger(0) // a reset, not a clean close
		}
		_ = conn.Close()
	}))
	for call, do := range completionCalls {
		err := do(p)
		if pe := asGeminiError(t, err); pe.Class != Transient || pe.Reason != ReasonConnectionFailed {
			t.Errorf("%s: error = %s/%s (%v), want Transient/ConnectionFailed", call, pe.Class, pe.Reason, pe)
		}
	}
}

func TestGeminiTimesOut(t *testing.T) {
	// The handlers drain the request, so that the server notices the
	// client hanging up, and give up when the test ends in any case.
	hang := func(stallAfterHeaders bool, release <-chan struct{}) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			if stallAfterHeaders {
				w.WriteHeader(200)
				_, _ = w.Write([]byte(`{"candidates": [`))
				w.(http.Flusher).Flush()
			}
			select {
			case <-r.Context().Done():
			case <-release:
			}
		}
	}
	for name, stall := range map[string]bool{"no headers": false, "stall after headers": true} {
		for call, do := range completionCalls {
			t.Run(call+"/"+name, func(t *testing.T) {
				release := make(chan struct{})
				p := newTestGemini(t, hang(stall, release), func(c *Config) { c.Timeout = 200 * time.Millisecond })
				t.Cleanup(func() { close(release) }) // runs before the server closes
				start := time.Now()
				err := do(p)
				if took := time.Since(start); took > 2*time.Second {
					t.Errorf("%s took %s with a 200ms timeout", call, took)
				}
				if pe := asGeminiError(t, err); pe.Class != Transient || pe.Reason != ReasonTimeout {
					t.Errorf("error = %s/%s (%v), want Transient/Timeout", pe.Class, pe.Reason, pe)
				}
			})
		}
	}
}

func TestGeminiNeverLeaksTheKey(t *testing.T) {
	echo := "API key not valid: " + string(geminiTestKey)
	bodies := []struct {
		status int
		body   string
	}{
		{400, `{"error": {"code": 400, "message": "` + echo + `", "status": "INVALID_ARGUMENT"}}`},
		{429, `{"error": {"code": 429, "message": "` + echo + `", "status": "RESOURCE_EXHAUSTED"}}`},
		{500, "<html>" + echo + "</html>"},
		{200, echo},
		{200, `{"candidates": [{"finishReason": "` + echo + `"}]}`},
		{200, `{"candidates": [{"citationMetadata": "` + echo + `"}]}`},
		{200, `{"promptFeedback": {"blockReason": "` + echo + `"}}`},
	}
	check := func(err error) {
		t.Helper()
		if err == nil {
			t.Fatal("no error")
		}
		for e := err; e != nil; e = errors.Unwrap(e) {
			if strings.Contains(e.Error(), "SECRET") {
				t.Errorf("the key leaked: %s", e.Error())
			}
		}
	}
	for _, b := range bodies {
		p := newTestGemini(t, geminiAnswers(b.status, nil, []byte(b.body)))
		_, err := p.Forecast(context.Background(), geminiTestRequest())
		check(err)
		if err := p.Probe(context.Background()); err != nil || b.status != 200 {
			check(err)
		}
	}
	// A key in the base URL itself, on a transport failure and a refused request.
	for _, base := range []string{"http://127.0.0.1:1/" + string(geminiTestKey), "127.0.0.1:1/" + string(geminiTestKey)} {
		p, err := newGemini(Config{Name: "gemini", Model: "gemini-2.5-flash", BaseURL: base, APIKey: geminiTestKey})
		if err != nil {
			check(err)
			continue
		}
		_, err = p.Forecast(context.Background(), geminiTestRequest())
		check(err)
	}
}
