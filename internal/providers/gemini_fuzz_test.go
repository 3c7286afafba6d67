package providers

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// geminiScripted is a fake Gemini API in memory, whose next answer the
// fuzzer sets: no sockets, so the fuzzer spends its time in the client.
type geminiScripted struct {
	mu     sync.Mutex
	status int
	body   []byte
}

func (s *geminiScripted) set(status int, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status, s.body = status, body
}

// RoundTrip answers r with the scripted status and body.
func (s *geminiScripted) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	status, body := s.status, s.body
	s.mu.Unlock()
	if r.Body != nil {
		_ = r.Body.Close()
	}
	return &http.Response{
		StatusCode: status, Status: http.StatusText(status), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}}, Request: r,
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)),
	}, nil
}

// newScriptedGemini is a client of s.
func newScriptedGemini(f *testing.F, s *geminiScripted) Provider {
	p, err := newGemini(Config{Name: "gemini", Model: "gemini-2.5-flash", APIKey: geminiTestKey, HTTPClient: &http.Client{Transport: s}})
	if err != nil {
		f.Fatal(err)
	}
	return p
}

// geminiSeeds adds the recorded bodies, and a few hostile ones, to f.
func geminiSeeds(f *testing.F, add func(name string, body []byte)) {
	for _, name := range []string{
		"answer.json", "max_tokens_thinking.json", "max_tokens_cut.json", "safety.json", "prompt_blocked.json",
		"no_candidates.json", "models.json", "error_400_api_key_invalid.json", "error_403_permission_denied.json",
		"error_404_not_found.json", "error_429_per_minute.json", "error_429_per_day.json", "error_429_limit_zero.json",
		"error_429_quota_no_retry.json", "error_429_retry_only.json", "error_400_too_many_tokens.json",
		"error_400_invalid_argument.json", "error_400_failed_precondition.json", "error_400_payload_too_large.json", "error_500_internal.json", "error_503_unavailable.json",
		"error_504_deadline.json", "error_502.html",
	} {
		add(name, geminiFixture(f, name))
	}
	for _, body := range []string{
		"", "null", "[]", "{}", `{"error": null}`, `{"error": "x"}`, `{"candidates": 5}`, `{"candidates": [null]}`,
		`{"candidates": [{"citationMetadata": 1}]}`, `{"candidates": [{"content": {"parts": [null, {"text": 1}]}}]}`,
		`{"error": {"details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "-5s"}]}}`,
		`{"error": {"details": [{"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{"quotaValue": {}}]}]}}`,
		`{"error": {"message": "API key not valid: ` + string(geminiTestKey) + `"}}`,
	} {
		add("", []byte(body))
	}
}

// fuzzGemini checks the invariants of any outcome: a classified gemini
// *Error without the key, or a non-empty answer.
func fuzzGemini(t *testing.T, resp Response, err error) *Error {
	t.Helper()
	if err == nil {
		if strings.TrimSpace(resp.Text) == "" {
			t.Fatalf("success without text: %+v", resp)
		}
		return nil
	}
	var pe *Error
	if !errors.As(err, &pe) || pe.Provider != "gemini" || pe.Class == "" || pe.Reason == "" {
		t.Fatalf("error = %#v, want a classified gemini *Error", err)
	}
	for e := error(pe); e != nil; e = errors.Unwrap(e) {
		if strings.Contains(e.Error(), "SECRET") {
			t.Fatalf("the key leaked: %s", e.Error())
		}
	}
	return pe
}

func FuzzGeminiErrorBody(f *testing.F) {
	geminiSeeds(f, func(name string, body []byte) {
		for _, status := range []uint16{400, 429, 503} {
			f.Add(status, body)
		}
	})
	srv := &geminiScripted{}
	p := newScriptedGemini(f, srv)
	f.Fuzz(func(t *testing.T, status uint16, body []byte) {
		code := 400 + int(status)%200
		srv.set(code, body)
		resp, err := p.Forecast(context.Background(), geminiTestRequest())
		pe := fuzzGemini(t, resp, err)
		if pe == nil || pe.StatusCode != code {
			t.Fatalf("HTTP %d gave %v", code, err)
		}
		if pe.Class == InvalidOutput {
			t.Fatalf("an HTTP error is never invalid output: %v", pe)
		}
		if code == 429 && pe.Class != RateLimited && pe.Class != Rejected {
			t.Fatalf("a 429 is %s/%s, want RateLimited or Rejected (a quota, a key)", pe.Class, pe.Reason)
		}
		if pe.RetryAfter < 0 || pe.RetryAfter != 0 && pe.Class != Transient && pe.Class != RateLimited {
			t.Fatalf("RetryAfter %s on %s", pe.RetryAfter, pe.Class)
		}
	})
}

func FuzzGeminiAnswer(f *testing.F) {
	geminiSeeds(f, func(_ string, body []byte) { f.Add(body) })
	srv := &geminiScripted{}
	p := newScriptedGemini(f, srv)
	f.Fuzz(func(t *testing.T, body []byte) {
		srv.set(http.StatusOK, body)
		resp, err := p.Forecast(context.Background(), geminiTestRequest())
		pe := fuzzGemini(t, resp, err)
		if blocked := pe != nil && pe.Class == RequestCaused && pe.Reason == ReasonBlocked; pe != nil && pe.Class != InvalidOutput && !blocked {
			t.Fatalf("a 200 gave %v, want invalid output (or a blocked request)", pe)
		}
		if err := p.Probe(context.Background()); err != nil {
			fuzzGemini(t, Response{}, err)
		}
	})
}
