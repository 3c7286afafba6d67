package providers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
)

// openaiTestKey is distinctive so that a leak cannot hide.
const openaiTestKey = APIKey("sk-test-SECRET-1234567890")

// openaiTestProviders are the providers of the OpenAI-shaped client.
var openaiTestProviders = []struct {
	name       string
	build      Constructor
	model      string
	tokenField string // the token bound it sends
	basePath   string // the path of the base URL given in the tests
	chatPath   string // where its completions go under that base
}{
	{"openai", newOpenAI, "gpt-4o-mini", "max_completion_tokens", "/proxy/v1", "/proxy/v1/chat/completions"},
	{"groq", newGroq, "llama-3.3-70b-versatile", "max_completion_tokens", "/openai/v1", "/openai/v1/chat/completions"},
	{"huggingface", newHuggingFace, "meta-llama/Llama-3.1-8B-Instruct:novita", "max_tokens", "/v1", "/v1/chat/completions"},
	{"cloudflare", newCloudflare, "@cf/meta/llama-3.1-8b-instruct", "max_tokens", "/client/v4", "/client/v4/accounts/acct-123/ai/v1/chat/completions"},
}

func openaiTestConfig(name, base string) Config {
	return Config{Name: name, Model: DefaultModel(name), BaseURL: base, AccountID: "acct-123", APIKey: openaiTestKey, Timeout: 5 * time.Second}
}

// openaiBuild builds provider name against base.
func openaiBuild(t testing.TB, name, base string, edit ...func(*Config)) Provider {
	t.Helper()
	for _, p := range openaiTestProviders {
		if p.name == name {
			cfg := openaiTestConfig(name, base)
			for _, e := range edit {
				e(&cfg)
			}
			prov, err := p.build(cfg)
			if err != nil {
				t.Fatal(err)
			}
			return prov
		}
	}
	t.Fatalf("no provider %q", name)
	return nil
}

// openaiServe starts a server that answers every request with status,
// headers and body.
func openaiServe(t testing.TB, status int, header http.Header, body string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, vs := range header {
			w.Header()[k] = vs
		}
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// openaiCompletion is a chat completion with one choice.
func openaiCompletion(content, finish string) string {
	b, _ := json.Marshal(map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion", "created": 1767225600, "model": "answering-model",
		"choices": []any{map[string]any{"index": 0, "finish_reason": finish,
			"message": map[string]any{"role": "assistant", "content": content, "refusal": nil}}},
		"usage": map[string]any{"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150},
	})
	return string(b)
}

func openaiTestRequest() Request {
	return Request{
		Prompt: engine.Prompt{System: "You forecast.", User: `{"data":{}}`,
			Schema: map[string]any{"type": "object", "additionalProperties": false,
				"properties": map[string]any{"summary": map[string]any{"type": "string"}}, "required": []any{"summary"}}},
		MaxOutputTokens: 1234,
	}
}

// openaiAsError returns err as an *Error of provider, or fails.
func openaiAsError(t testing.TB, provider string, err error) *Error {
	t.Helper()
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("error = %v (%T), want an *Error", err, err)
	}
	if pe.Provider != provider {
		t.Errorf("Provider = %q, want %q", pe.Provider, provider)
	}
	openaiAssertNoKey(t, err)
	return pe
}

// openaiAssertNoKey fails when the key shows in err or in any error it wraps.
func openaiAssertNoKey(t testing.TB, err error) {
	t.Helper()
	for e := err; e != nil; e = errors.Unwrap(e) {
		if s := e.Error(); strings.Contains(s, string(openaiTestKey)) || strings.Contains(s, "SECRET") {
			t.Fatalf("the key leaked: %s", s)
		}
	}
}

func TestOpenAIRequestShape(t *testing.T) {
	for _, p := range openaiTestProviders {
		t.Run(p.name, func(t *testing.T) {
			var method, path, auth string
			var body map[string]any
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				method, path, auth = r.Method, r.URL.Path, r.Header.Get("Authorization")
				_ = json.NewDecoder(r.Body).Decode(&body)
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("X-Ratelimit-Remaining-Requests", "41")
				w.Header().Set("X-Ratelimit-Reset-Requests", "1.5s")
				_, _ = io.WriteString(w, openaiCompletion(`{"summary":"ok"}`, "stop"))
			}))
			defer srv.Close()
			prov := openaiBuild(t, p.name, srv.URL+p.basePath+"/", func(c *Config) { c.Model = p.model })
			req := openaiTestRequest()
			resp, err := prov.Forecast(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if method != http.MethodPost || path != p.chatPath || auth != "Bearer "+string(openaiTestKey) {
				t.Errorf("request = %s %s (auth %q), want POST %s with the bearer key", method, path, auth, p.chatPath)
			}
			want := map[string]any{
				"model": p.model,
				"messages": []any{
					map[string]any{"role": "system", "content": req.Prompt.System},
					map[string]any{"role": "user", "content": req.Prompt.User},
				},
				"response_format": map[string]any{"type": "json_schema", "json_schema": map[string]any{
					"name": "forecast", "strict": true, "schema": openaiJSON(t, req.Prompt.Schema)}},
				"temperature": 0.2,
				p.tokenField:  1234.0,
			}
			if !reflect.DeepEqual(body, want) {
				t.Errorf("body =\n%v\nwant\n%v", body, want)
			}
			if resp.Text != `{"summary":"ok"}` || resp.Model != "answering-model" ||
				resp.Usage != (Usage{PromptTokens: 120, CompletionTokens: 30, TotalTokens: 150}) || resp.Latency <= 0 {
				t.Errorf("response = %+v", resp)
			}
			if h := resp.Headroom; h == nil || *h != (Headroom{RemainingRequests: 41, RemainingTokens: -1, ResetRequests: 1500 * time.Millisecond}) {
				t.Errorf("headroom = %+v, want 41 requests left for 1.5s", h)
			}
			if prov.Name() != p.name {
				t.Errorf("Name() = %q", prov.Name())
			}
		})
	}
}

// openaiJSON is v as encoding/json decodes it into any.
func openaiJSON(t *testing.T, v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

func TestOpenAIAnswers(t *testing.T) {
	noChoices := `{"id":"x","object":"chat.completion","model":"m","choices":[]}`
	refusal := `{"model":"m","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":null,"refusal":"I can't help with ` + string(openaiTestKey) + `"}}]}`
	tests := []struct {
		name, body string
		wantClass  Class
		wantReason string // "" means a good answer
	}{
		{"stop", openaiCompletion(`{"summary":"ok"}`, "stop"), "", ""},
		{"length", openaiCompletion(`{"summary":"o`, "length"), InvalidOutput, ReasonTruncated},
		{"length, complete JSON", openaiCompletion(`{"summary":"ok"}`, "length"), InvalidOutput, ReasonTruncated},
		{"length, no text", openaiCompletion("", "length"), InvalidOutput, ReasonTruncated},
		{"content filter", openaiCompletion("", "content_filter"), RequestCaused, ReasonBlocked},
		{"refusal", refusal, RequestCaused, ReasonBlocked},
		{"no choices", noChoices, InvalidOutput, ReasonEmptyAnswer},
		{"no choices field", `{"id":"x","model":"m"}`, InvalidOutput, ReasonEmptyAnswer},
		{"empty content", openaiCompletion("  ", "stop"), InvalidOutput, ReasonEmptyAnswer},
		{"prose", "The forecast is up.", InvalidOutput, ReasonInvalidResponse},
		{"cut JSON", `{"id":"x","choices":[`, InvalidOutput, ReasonInvalidResponse},
		{"empty body", "", InvalidOutput, ReasonInvalidResponse},
	}
	for _, p := range openaiTestProviders {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/%s", p.name, tt.name), func(t *testing.T) {
				srv := openaiServe(t, 200, nil, tt.body)
				resp, err := openaiBuild(t, p.name, srv.URL).Forecast(context.Background(), openaiTestRequest())
				if tt.wantReason == "" {
					if err != nil || resp.Text == "" {
						t.Fatalf("Forecast = %+v, %v", resp, err)
					}
					return
				}
				pe := openaiAsError(t, p.name, err)
				if pe.Class != tt.wantClass || pe.Reason != tt.wantReason {
					t.Errorf("error = %s/%s (%v), want %s/%s", pe.Class, pe.Reason, err, tt.wantClass, tt.wantReason)
				}
			})
		}
	}
}

func TestOpenAIRejectsAProseAnswerWithATextContentType(t *testing.T) {
	srv := openaiServe(t, 200, http.Header{"Content-Type": {"text/html"}}, "<html>Sign in to the Wi-Fi</html>")
	_, err := openaiBuild(t, "openai", srv.URL).Forecast(context.Background(), openaiTestRequest())
	if pe := openaiAsError(t, "openai", err); pe.Class != InvalidOutput || pe.Reason != ReasonInvalidResponse {
		t.Errorf("error = %v, want InvalidOutput/InvalidResponse", err)
	}
}

// TestOpenAISelfHostedWithoutAKey: an OpenAI-compatible server of one's
// own (vLLM, Ollama, llama.cpp) is asked with no Authorization header at
// all, not an empty bearer token, for completions and probes alike.
func TestOpenAISelfHostedWithoutAKey(t *testing.T) {
	var auths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auths = append(auths, r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodGet {
			_, _ = io.WriteString(w, `{"object":"list","data":[]}`)
			return
		}
		_, _ = io.WriteString(w, openaiCompletion(`{"summary":"ok"}`, "stop"))
	}))
	defer srv.Close()
	prov := openaiBuild(t, "openai", srv.URL+"/v1", func(c *Config) { c.APIKey = "" })
	if _, err := prov.Forecast(context.Background(), openaiTestRequest()); err != nil {
		t.Fatal(err)
	}
	if err := prov.Probe(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(auths) != 2 || auths[0] != "" || auths[1] != "" {
		t.Fatalf("Authorization headers %q, want none", auths)
	}
}
