package providers

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
)

func TestGeminiUsesTheCallersHTTPClient(t *testing.T) {
	var used atomic.Bool
	transport := geminiRoundTripFunc(func(r *http.Request) (*http.Response, error) {
		used.Store(true)
		return http.DefaultTransport.RoundTrip(r)
	})
	client := &http.Client{Transport: transport}
	p := newTestGemini(t, geminiAnswers(200, nil, geminiFixture(t, "answer.json")), func(c *Config) { c.HTTPClient = client })
	if _, err := p.Forecast(context.Background(), geminiTestRequest()); err != nil {
		t.Fatal(err)
	}
	if !used.Load() {
		t.Error("the configured HTTP client was not used")
	}
	if fmt.Sprintf("%p", client.Transport) != fmt.Sprintf("%p", transport) {
		t.Error("the caller's client was modified")
	}
}

// geminiRoundTripFunc adapts a function to http.RoundTripper.
type geminiRoundTripFunc func(*http.Request) (*http.Response, error)

func (f geminiRoundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestGeminiProbe(t *testing.T) {
	var path, query, key string
	p := newTestGemini(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path, query, key = r.Method+" "+r.URL.Path, r.URL.RawQuery, r.Header.Get("x-goog-api-key")
		geminiAnswers(200, nil, geminiFixture(t, "models.json"))(w, r)
	}))
	if err := p.Probe(context.Background()); err != nil {
		t.Fatal(err)
	}
	if path != "GET /v1beta/models" || query != "pageSize=1" || key != string(geminiTestKey) {
		t.Errorf("probe sent %s?%s with key %q", path, query, key)
	}

	bad := newTestGemini(t, geminiAnswers(400, nil, geminiFixture(t, "error_400_api_key_invalid.json")))
	pe := asGeminiError(t, bad.Probe(context.Background()))
	if pe.Class != Rejected || pe.Reason != ReasonUnauthorized {
		t.Errorf("probe with a bad key = %s/%s, want Rejected/Unauthorized", pe.Class, pe.Reason)
	}
}

func TestGeminiProbeWantsTheAPIsJSON(t *testing.T) {
	p := newTestGemini(t, geminiAnswers(200, http.Header{"Content-Type": {"text/html"}}, []byte("<html>captive portal</html>")))
	if pe := asGeminiError(t, p.Probe(context.Background())); pe.Class != InvalidOutput || pe.Reason != ReasonInvalidResponse {
		t.Errorf("probe of an HTML 200 = %s/%s, want InvalidOutput/InvalidResponse", pe.Class, pe.Reason)
	}
}

func TestGeminiRefusesABadBaseURL(t *testing.T) {
	for _, base := range []string{"generativelanguage.googleapis.com", "ftp://example.com", "http://[::1"} {
		_, err := newGemini(Config{Name: "gemini", Model: "gemini-2.5-flash", BaseURL: base, APIKey: geminiTestKey})
		if pe := asGeminiError(t, err); pe.Class != Rejected || pe.Reason != ReasonInvalidConfig {
			t.Errorf("base %q = %s/%s, want Rejected/InvalidConfig, as the other providers say", base, pe.Class, pe.Reason)
		}
	}
}

func TestGeminiNeedsAKey(t *testing.T) {
	t.Setenv("GEMINI_API_KEY", "AIza-from-the-environment")
	t.Setenv("GOOGLE_API_KEY", "AIza-from-the-environment")
	_, err := newGemini(Config{Name: "gemini", Model: "gemini-2.5-flash"})
	if pe := asGeminiError(t, err); pe.Class != Rejected || pe.Reason != ReasonUnauthorized {
		t.Errorf("no key = %s/%s, want Rejected/Unauthorized", pe.Class, pe.Reason)
	}
}

func TestGeminiRefusesAModelNameTheSDKCannotSend(t *testing.T) {
	for _, model := range []string{"gemini?alt=sse", "gemini&x", "../tunedModels/x"} {
		_, err := newGemini(Config{Name: "gemini", Model: model, APIKey: geminiTestKey})
		if pe := asGeminiError(t, err); pe.Class != Rejected || pe.Reason != ReasonUnknownModel {
			t.Errorf("model %q = %s/%s, want Rejected/UnknownModel", model, pe.Class, pe.Reason)
		}
	}
}
