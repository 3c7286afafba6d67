package providers

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
)

// geminiTestKey is distinctive, so that a leak is easy to find.
const geminiTestKey = APIKey("AIza-test-SECRET-1234567890")

// geminiFixture reads a recorded body from testdata/gemini.
func geminiFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "gemini", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// geminiAnswers answers every request with status, header and body.
func geminiAnswers(status int, header http.Header, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header()[k] = v
		}
		if len(body) > 0 && body[0] == '{' {
			w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}
}

// newTestGemini starts h as a fake Gemini API and a client of it.
func newTestGemini(t testing.TB, h http.Handler, edit ...func(*Config)) Provider {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cfg := Config{Name: "gemini", Model: "gemini-2.5-flash", BaseURL: srv.URL, APIKey: geminiTestKey, Timeout: 5 * time.Second}
	for _, e := range edit {
		e(&cfg)
	}
	p, err := newGemini(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// geminiTestRequest is a small request with a schema.
func geminiTestRequest() Request {
	return Request{
		Prompt: engine.Prompt{
			System: "Answer with JSON.",
			User:   `{"data": {"region": "USA"}}`,
			Schema: map[string]any{"type": "object", "properties": map[string]any{"summary": map[string]any{"type": "string"}},
				"required": []any{"summary"}, "additionalProperties": false},
		},
		MaxOutputTokens: 1234,
	}
}

// asGeminiError fails the test unless err is a *Error of gemini.
func asGeminiError(t testing.TB, err error) *Error {
	t.Helper()
	var pe *Error
	if !errors.As(err, &pe) || pe.Provider != "gemini" {
		t.Fatalf("error = %v (%T), want a gemini *Error", err, err)
	}
	return pe
}

func TestGeminiSendsTheRequest(t *testing.T) {
	var got struct {
		method, path, query, key string
		body                     map[string]any
	}
	h := func(w http.ResponseWriter, r *http.Request) {
		got.method, got.path, got.query, got.key = r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("x-goog-api-key")
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &got.body); err != nil {
			t.Errorf("the body is not JSON: %v\n%s", err, b)
		}
		geminiAnswers(200, nil, geminiFixture(t, "answer.json"))(w, r)
	}
	srv := httptest.NewServer(http.HandlerFunc(h))
	defer srv.Close()
	p, err := newGemini(Config{Name: "gemini", Model: "gemini-2.5-flash", BaseURL: srv.URL + "/proxy", APIKey: geminiTestKey})
	if err != nil {
		t.Fatal(err)
	}
	req := geminiTestRequest()
	if _, err := p.Forecast(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if got.method != http.MethodPost || got.path != "/proxy/v1beta/models/gemini-2.5-flash:generateContent" || got.query != "" {
		t.Errorf("request = %s %s?%s", got.method, got.path, got.query)
	}
	if got.key != string(geminiTestKey) {
		t.Errorf("x-goog-api-key = %q", got.key)
	}
	want := map[string]any{
		"systemInstruction": map[string]any{"role": "user", "parts": []any{map[string]any{"text": req.Prompt.System}}},
		"contents":          []any{map[string]any{"role": "user", "parts": []any{map[string]any{"text": req.Prompt.User}}}},
	}
	for k, v := range want {
		if !reflect.DeepEqual(got.body[k], v) {
			t.Errorf("%s = %#v, want %#v", k, got.body[k], v)
		}
	}
	gen, _ := got.body["generationConfig"].(map[string]any)
	schema, _ := json.Marshal(req.Prompt.Schema)
	sent, _ := json.Marshal(gen["responseJsonSchema"])
	if gen["responseMimeType"] != "application/json" || gen["maxOutputTokens"] != 1234.0 || string(sent) != string(schema) {
		t.Errorf("generationConfig = %#v", gen)
	}
	if temp, ok := gen["temperature"].(float64); !ok || temp > 0.5 {
		t.Errorf("temperature = %v, want a low one", gen["temperature"])
	}
}

func TestGeminiReadsTheAnswer(t *testing.T) {
	p := newTestGemini(t, geminiAnswers(200, nil, geminiFixture(t, "answer.json")))
	resp, err := p.Forecast(context.Background(), geminiTestRequest())
	if err != nil {
		t.Fatal(err)
	}
	if resp.Text != `{"summary": "Demand keeps rising.", "predictions": []}` {
		t.Errorf("Text = %q, want the parts concatenated", resp.Text)
	}
	if resp.Model != "gemini-2.5-flash" || resp.Latency <= 0 || p.Name() != "gemini" {
		t.Errorf("Model = %q, Latency = %s, Name = %q", resp.Model, resp.Latency, p.Name())
	}
	if want := (Usage{PromptTokens: 812, CompletionTokens: 192, TotalTokens: 1004}); resp.Usage != want {
		t.Errorf("Usage = %+v, want %+v (thoughts count as completion)", resp.Usage, want)
	}
}

func TestGeminiModelDefaultsToTheConfigured(t *testing.T) {
	body := `{"candidates": [{"content": {"parts": [{"text": "{}"}]}, "finishReason": "STOP"}]}`
	p := newTestGemini(t, geminiAnswers(200, nil, []byte(body)), func(c *Config) { c.Model = "gemini-2.0-flash" })
	resp, err := p.Forecast(context.Background(), geminiTestRequest())
	if err != nil || resp.Model != "gemini-2.0-flash" || resp.Text != "{}" {
		t.Fatalf("Forecast = %+v, %v", resp, err)
	}
}

func TestGeminiAnswersThatCannotBeUsed(t *testing.T) {
	tests := []struct {
		name, body    string
		wantClass     Class
		wantReason    string
		wantInMessage string
	}{
		{"thinking used the budget", string(geminiFixture(t, "max_tokens_thinking.json")), InvalidOutput, ReasonTruncated, "4096 spent on thinking"},
		{"cut answer", string(geminiFixture(t, "max_tokens_cut.json")), InvalidOutput, ReasonTruncated, "output limit of 1234"},
		{"safety", string(geminiFixture(t, "safety.json")), RequestCaused, ReasonBlocked, "SAFETY"},
		{"blocked prompt", string(geminiFixture(t, "prompt_blocked.json")), RequestCaused, ReasonBlocked, "PROHIBITED_CONTENT"},
		{"no candidates", string(geminiFixture(t, "no_candidates.json")), InvalidOutput, ReasonEmptyAnswer, "no candidates"},
		{"empty text", `{"candidates": [{"content": {"parts": [{"text": " "}]}, "finishReason": "STOP"}]}`, InvalidOutput, ReasonEmptyAnswer, "no text"},
		{"only thoughts", `{"candidates": [{"content": {"parts": [{"text": "hmm", "thought": true}]}, "finishReason": "STOP"}]}`, InvalidOutput, ReasonEmptyAnswer, "no text"},
		{"prose", "Sure! Here is your forecast.", InvalidOutput, ReasonInvalidResponse, "not the Gemini API's JSON"},
		{"empty body", "", InvalidOutput, ReasonInvalidResponse, ""},
		{"null", "null", InvalidOutput, ReasonInvalidResponse, ""},
		{"an array", "[]", InvalidOutput, ReasonInvalidResponse, ""},
		{"candidates not a list", `{"candidates": 5}`, InvalidOutput, ReasonInvalidResponse, ""},
		{"null candidate", `{"candidates": [null]}`, InvalidOutput, ReasonInvalidResponse, ""},
		{"cut JSON", `{"candidates": [{"content": {"parts": [{"text": "{}"}]}`, InvalidOutput, ReasonInvalidResponse, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newTestGemini(t, geminiAnswers(200, nil, []byte(tt.body)))
			_, err := p.Forecast(context.Background(), geminiTestRequest())
			pe := asGeminiError(t, err)
			if pe.Class != tt.wantClass || pe.Reason != tt.wantReason || !strings.Contains(pe.Message, tt.wantInMessage) {
				t.Errorf("error = %s/%s %q, want %s/%s containing %q", pe.Class, pe.Reason, pe.Message, tt.wantClass, tt.wantReason, tt.wantInMessage)
			}
		})
	}
}

func TestGeminiSendsEachCallOnce(t *testing.T) {
	var calls atomic.Int32
	answers := map[int]string{
		503: string(geminiFixture(t, "error_503_unavailable.json")),
		200: `{"candidates": [{"content": {"parts": [{"text": "{\"a\":"}]}, "continuationToken": "Y29udGludWU="}]}`,
	}
	for status, body := range answers {
		calls.Store(0)
		p := newTestGemini(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			geminiAnswers(status, nil, []byte(body))(w, r)
		}))
		_, _ = p.Forecast(context.Background(), geminiTestRequest())
		if n := calls.Load(); n != 1 {
			t.Errorf("HTTP %d: the SDK sent %d requests; retries and continuation are the controllers' call", status, n)
		}
	}
}

func TestGeminiConcurrentCallsKeepTheirOwnAnswers(t *testing.T) {
	h := func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if strings.Contains(string(b), "busy") {
			geminiAnswers(503, nil, geminiFixture(t, "error_503_unavailable.json"))(w, r)
			return
		}
		geminiAnswers(200, nil, geminiFixture(t, "answer.json"))(w, r)
	}
	p := newTestGemini(t, http.HandlerFunc(h))
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			req := geminiTestRequest()
			busy := i%2 == 0
			if busy {
				req.Prompt.User = "busy"
			}
			_, err := p.Forecast(context.Background(), req)
			if busy != (err != nil) {
				t.Errorf("call %d (busy %v): error %v", i, busy, err)
			}
		})
	}
	wg.Wait()
}
