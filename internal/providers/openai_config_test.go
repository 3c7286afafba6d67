package providers

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

// openaiRoundTrip is an http.RoundTripper written as a function.
type openaiRoundTrip func(*http.Request) (*http.Response, error)

func (f openaiRoundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// openaiCannedClient answers every request with status and body, and
// records the URLs asked.
func openaiCannedClient(status int, body string, urls *[]string) *http.Client {
	return &http.Client{Transport: openaiRoundTrip(func(r *http.Request) (*http.Response, error) {
		*urls = append(*urls, r.Method+" "+r.URL.String())
		return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
	})}
}

func TestOpenAIDefaultBasesAndHTTPClient(t *testing.T) {
	want := map[string][]string{
		"openai":      {"POST https://api.openai.com/v1/chat/completions", "GET https://api.openai.com/v1/models"},
		"groq":        {"POST https://api.groq.com/openai/v1/chat/completions", "GET https://api.groq.com/openai/v1/models"},
		"huggingface": {"POST https://router.huggingface.co/v1/chat/completions", "GET https://router.huggingface.co/v1/models"},
		"cloudflare":  {"POST https://api.cloudflare.com/client/v4/accounts/acct-123/ai/v1/chat/completions", "GET https://api.cloudflare.com/client/v4/user/tokens/verify"},
	}
	body := strings.TrimSuffix(openaiCompletion("{}", "stop"), "}") +
		`,"object":"list","data":[],"success":true,"result":{"status":"active"}}`
	for name, urls := range want {
		var got []string
		prov := openaiBuild(t, name, "", func(c *Config) { c.HTTPClient = openaiCannedClient(200, body, &got) })
		if _, err := prov.Forecast(context.Background(), openaiTestRequest()); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := prov.Probe(context.Background()); err != nil {
			t.Fatalf("%s probe: %v", name, err)
		}
		if !reflect.DeepEqual(got, urls) {
			t.Errorf("%s asked %v, want %v", name, got, urls)
		}
	}
}

func TestOpenAIIgnoresTheOpenAIEnvironment(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "sk-env-other")
	t.Setenv("OPENAI_ORG_ID", "org-env")
	var auth, org string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth, org = r.Header.Get("Authorization"), r.Header.Get("OpenAI-Organization")
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"data":[]}`)
	}))
	defer srv.Close()
	if err := openaiBuild(t, "groq", srv.URL).Probe(context.Background()); err != nil {
		t.Fatal(err)
	}
	if auth != "Bearer "+string(openaiTestKey) || org != "" {
		t.Errorf("groq got Authorization %q and OpenAI-Organization %q from the environment", auth, org)
	}
}

func TestOpenAIConfigErrors(t *testing.T) {
	_, err := newCloudflare(Config{Name: "cloudflare", APIKey: openaiTestKey})
	if pe := openaiAsError(t, "cloudflare", err); pe.Class != Rejected || pe.Reason != ReasonInvalidConfig {
		t.Errorf("no account: %v", err)
	}
	for _, p := range openaiTestProviders {
		cfg := openaiTestConfig(p.name, "api.example.com/v1")
		if prov, err := p.build(cfg); err == nil || prov != nil {
			t.Errorf("%s accepted a base URL without a scheme (or returned a typed nil)", p.name)
		}
	}
}

func TestOpenAIModelDefaults(t *testing.T) {
	var urls []string
	body := `{"choices":[{"finish_reason":"stop","message":{"content":"{}"}}]}` // no "model"
	prov, err := newGroq(Config{APIKey: openaiTestKey, HTTPClient: openaiCannedClient(200, body, &urls)})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := prov.Forecast(context.Background(), openaiTestRequest())
	if err != nil || resp.Model != DefaultModel("groq") {
		t.Errorf("Forecast = %+v, %v; want the default model named", resp, err)
	}
}
