package providers

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// redirectClient is one client under test, built against base with the
// caller's HTTP client hc (nil: none).
type redirectClient struct {
	name  string
	build func(t *testing.T, base string, hc *http.Client) Provider
}

// redirectClients are every client that talks HTTP.
func redirectClients() []redirectClient {
	var out []redirectClient
	for _, p := range openaiTestProviders {
		out = append(out, redirectClient{p.name, func(t *testing.T, base string, hc *http.Client) Provider {
			return openaiBuild(t, p.name, base, func(c *Config) { c.HTTPClient = hc })
		}})
	}
	return append(out, redirectClient{"gemini", func(t *testing.T, base string, hc *http.Client) Provider {
		p, err := newGemini(Config{Name: "gemini", Model: "gemini-2.5-flash", BaseURL: base, APIKey: geminiTestKey, HTTPClient: hc, Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}})
}

func TestCrossHostRedirectIsRefused(t *testing.T) {
	var reached atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
	}))
	defer elsewhere.Close()
	// The Location carries a key-shaped query, as a Gemini URL could.
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+r.URL.Path+"?key="+string(geminiTestKey), http.StatusTemporaryRedirect)
	}))
	defer origin.Close()
	host := strings.TrimPrefix(elsewhere.URL, "http://")

	for _, c := range redirectClients() {
		for _, hc := range []*http.Client{nil, {}} {
			prov := c.build(t, origin.URL+"/v1", hc)
			for call, do := range everyCall {
				t.Run(c.name+"/"+call, func(t *testing.T) {
					err := do(prov)
					var pe *Error
					if !errors.As(err, &pe) || pe.Provider != c.name || pe.Class != Rejected || pe.Reason != ReasonCrossHostRedirect {
						t.Fatalf("error = %v, want a Rejected/CrossHostRedirect *Error of %s", err, c.name)
					}
					if !strings.Contains(pe.Message, host) || strings.Contains(pe.Message, "key=") || strings.Contains(pe.Message, "/v1") {
						t.Errorf("message %q should name the host %s and nothing of the path or query", pe.Message, host)
					}
					for e := error(pe); e != nil; e = errors.Unwrap(e) {
						if s := e.Error(); strings.Contains(s, "SECRET") {
							t.Errorf("the key leaked: %s", s)
						}
					}
				})
			}
			if hc != nil && hc.CheckRedirect != nil {
				t.Errorf("%s set CheckRedirect on the caller's HTTP client", c.name)
			}
		}
	}
	if n := reached.Load(); n != 0 {
		t.Errorf("the other host received %d requests, want none", n)
	}
}

func TestSameHostRedirectIsFollowed(t *testing.T) {
	for _, c := range []struct {
		name, from, to, answer string
	}{
		{"openai", "/v1/chat/completions", "/moved/v1/chat/completions", openaiCompletion(`{"summary":"ok"}`, "stop")},
		{"gemini", "/v1/v1beta/models/gemini-2.5-flash:generateContent", "/moved", string(geminiFixture(t, "answer.json"))},
	} {
		t.Run(c.name, func(t *testing.T) {
			var body map[string]any
			var auth string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case c.from:
					http.Redirect(w, r, c.to, http.StatusTemporaryRedirect)
				case c.to:
					b, _ := io.ReadAll(r.Body)
					_ = json.Unmarshal(b, &body)
					auth = r.Header.Get("Authorization") + r.Header.Get("x-goog-api-key")
					w.Header().Set("Content-Type", "application/json")
					_, _ = io.WriteString(w, c.answer)
				default:
					http.NotFound(w, r)
				}
			}))
			defer srv.Close()
			var prov Provider
			for _, rc := range redirectClients() {
				if rc.name == c.name {
					prov = rc.build(t, srv.URL+"/v1", nil)
				}
			}
			resp, err := prov.Forecast(context.Background(), openaiTestRequest())
			if err != nil || resp.Text == "" {
				t.Fatalf("Forecast = %+v, %v; want the redirected answer", resp, err)
			}
			if len(body) == 0 || auth == "" {
				t.Errorf("the redirected request lost its body (%v) or its key", body)
			}
		})
	}
}

func TestRedirectLoopIsTransient(t *testing.T) {
	var hops atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hops.Add(1)
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
	}))
	defer srv.Close()
	err := openaiBuild(t, "groq", srv.URL).Probe(context.Background())
	if pe := openaiAsError(t, "groq", err); pe.Class != Transient || pe.Reason != ReasonServerError {
		t.Errorf("error = %v, want Transient/ServerError", err)
	}
	if n := hops.Load(); n != maxRedirects {
		t.Errorf("%d requests, want %d", n, maxRedirects)
	}
}
