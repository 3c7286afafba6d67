package fakeprovider

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestSetLatency(t *testing.T) {
	tests := []struct {
		provider string
		d        time.Duration
		contains string // "" means accepted
	}{
		{OpenAI, 500 * time.Millisecond, ""},
		{Gemini, 0, ""},
		{Groq, maxLatency, ""},
		{Cloudflare, -time.Millisecond, "latency -1ms is negative"},
		{HuggingFace, maxLatency + time.Second, "above the longest the fake allows, 10m0s"},
		{"nope", time.Second, `unknown provider "nope"`},
	}
	for _, tt := range tests {
		s := New()
		err := s.SetLatency(tt.provider, tt.d)
		switch {
		case tt.contains == "" && (err != nil || s.Latency(tt.provider) != tt.d):
			t.Errorf("SetLatency(%s, %v): %v; latency %v", tt.provider, tt.d, err, s.Latency(tt.provider))
		case tt.contains != "" && (err == nil || !strings.Contains(err.Error(), tt.contains)):
			t.Errorf("SetLatency(%s, %v) = %v, want an error with %q", tt.provider, tt.d, err, tt.contains)
		case tt.contains != "" && s.Latency(tt.provider) != 0:
			t.Errorf("a refused latency was set: %v", s.Latency(tt.provider))
		}
	}
	s := New()
	if err := s.SetLatency(OpenAI, time.Second); err != nil {
		t.Fatal(err)
	}
	s.Reset()
	if d := s.Latency(OpenAI); d != 0 {
		t.Errorf("after Reset: latency %v", d)
	}
}

// timed sends req and returns its status and how long it took.
func timed(t *testing.T, c *http.Client, req *http.Request) (int, time.Duration) {
	t.Helper()
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	resp.Body.Close()
	return resp.StatusCode, time.Since(start)
}

func TestLatencyDelaysGenerateCalls(t *testing.T) {
	const latency = 150 * time.Millisecond
	tests := []struct {
		endpoint string
		mode     Mode
		status   int
	}{
		{OpenAI, ModeOK, 200},
		{Gemini, ModeRateLimited, 429},
		{Cloudflare, ModeOK, 200},
		{cloudflareCompat, ModeOverloaded, 408},
		{HuggingFace, ModeRedirect, 307},
		{Groq, ModeUnknownModel, 404},
	}
	for _, tt := range tests {
		t.Run(tt.endpoint+"/"+string(tt.mode), func(t *testing.T) {
			t.Parallel()
			s := New()
			srv := serve(t, s)
			provider := providerOf(tt.endpoint)
			if err := s.SetLatency(provider, latency); err != nil {
				t.Fatal(err)
			}
			mustSetMode(t, s, provider, tt.mode, 0)
			status, took := timed(t, noRedirects(srv), newRequest(t, context.Background(), srv, tt.endpoint))
			if status != tt.status || took < latency {
				t.Errorf("generate: %d after %v, want %d after at least %v", status, took, tt.status, latency)
			}
			calls := s.Calls(provider)
			if len(calls) != 1 || calls[0].Finished.Sub(calls[0].Started) < latency || calls[0].Status != tt.status || calls[0].Mode != tt.mode {
				t.Errorf("logged %+v", calls)
			}
			// Probes are not delayed, whatever the mode.
			req, _ := http.NewRequest(http.MethodGet, srv.URL+probePath[provider], nil)
			if _, took := timed(t, noRedirects(srv), withKey(req, provider)); took >= latency {
				t.Errorf("the probe took %v", took)
			}
			// Nor are other providers' calls.
			other := OpenAI
			if provider == OpenAI {
				other = Groq
			}
			if status, took := timed(t, srv.Client(), newRequest(t, context.Background(), srv, other)); status != 200 || took >= latency {
				t.Errorf("%s: %d after %v", other, status, took)
			}
		})
	}
}

func TestLatencyEndsWithTheClient(t *testing.T) {
	for _, mode := range []Mode{ModeOK, ModeStall, ModeRateLimited} {
		s := New()
		srv := serve(t, s)
		if err := s.SetLatency(Groq, maxLatency); err != nil {
			t.Fatal(err)
		}
		mustSetMode(t, s, Groq, mode, 0)
		start := time.Now()
		resp, err := post(t, srv, Groq, 100*time.Millisecond)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("%s: answered %d during the latency", mode, resp.StatusCode)
		}
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
			t.Errorf("%s: %v after %v, want the client's deadline", mode, err, time.Since(start))
		}
		waitIdle(t, s)
		calls := s.Calls(Groq)
		if len(calls) != 1 || calls[0].Status != 0 || calls[0].Mode != mode || calls[0].Finished.Sub(calls[0].Started) > 2*time.Second {
			t.Errorf("%s: logged %+v, want one call with no status", mode, calls)
		}
		if s.InFlight(Groq) != 0 {
			t.Errorf("%s: %d calls still in flight", mode, s.InFlight(Groq))
		}
	}
}

func TestAdminLatency(t *testing.T) {
	s := New()
	code, body := admin(t, s, "PUT", "/admin/providers/openai/latency", `{"latency":"500ms"}`)
	if code != 200 || string(body) != `{"provider":"openai","latency":"500ms"}` {
		t.Fatalf("PUT: %d %s", code, body)
	}
	if s.Latency(OpenAI) != 500*time.Millisecond {
		t.Errorf("latency %v", s.Latency(OpenAI))
	}
	if code, body = admin(t, s, "GET", "/admin/providers/openai/latency", ""); code != 200 || string(body) != `{"provider":"openai","latency":"500ms"}` {
		t.Errorf("GET: %d %s", code, body)
	}
	if _, body = admin(t, s, "GET", "/admin/providers/groq/latency", ""); string(body) != `{"provider":"groq","latency":"0s"}` {
		t.Errorf("GET groq: %s", body)
	}
	if code, body = admin(t, s, "PUT", "/admin/providers/openai/latency", `{"latency":"0"}`); code != 200 || string(body) != `{"provider":"openai","latency":"0s"}` {
		t.Errorf("PUT 0: %d %s", code, body)
	}
	admin(t, s, "PUT", "/admin/providers/gemini/latency", `{"latency":"2s"}`)
	admin(t, s, "POST", "/admin/reset", "")
	if _, body = admin(t, s, "GET", "/admin/providers/gemini/latency", ""); string(body) != `{"provider":"gemini","latency":"0s"}` {
		t.Errorf("after reset: %s", body)
	}

	refused := []struct {
		method, path, body string
		status             int
		contains           string
	}{
		{"PUT", "/admin/providers/openai/latency", `{"latency":"-1s"}`, 400, "negative"},
		{"PUT", "/admin/providers/openai/latency", `{"latency":"11m"}`, 400, "above the longest the fake allows, 10m0s"},
		{"PUT", "/admin/providers/openai/latency", `{"latency":"fast"}`, 400, `latency \"fast\" is not a duration`},
		{"PUT", "/admin/providers/openai/latency", `{"latency":500}`, 400, `the body must be {\"latency\": \"<duration>\"}`},
		{"PUT", "/admin/providers/openai/latency", `{}`, 400, "latency is missing"},
		{"PUT", "/admin/providers/openai/latency", `{"latency":"1s","jitter":"1s"}`, 400, "unknown field"},
		{"PUT", "/admin/providers/nope/latency", `{"latency":"1s"}`, 400, `unknown provider \"nope\"`},
		{"GET", "/admin/providers/nope/latency", "", 400, `unknown provider \"nope\"`},
		{"DELETE", "/admin/providers/openai/latency", "", 404, "GET|PUT /admin/providers/{provider}/latency"},
	}
	for _, tt := range refused {
		s := New()
		code, body := admin(t, s, tt.method, tt.path, tt.body)
		if code != tt.status || !strings.Contains(string(body), tt.contains) {
			t.Errorf("%s %s %s: %d %s", tt.method, tt.path, tt.body, code, body)
		}
		if msg, ok := jsonAt(t, body, "error"); !ok || msg == "" {
			t.Errorf("%s %s: no JSON error: %s", tt.method, tt.path, body)
		}
		for _, provider := range Providers() {
			if d := s.Latency(provider); d != 0 {
				t.Errorf("%s %s %s set %s's latency to %v", tt.method, tt.path, tt.body, provider, d)
			}
		}
	}
}
