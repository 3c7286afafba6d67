package providers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bottleneck-io/bottleneck-operator/internal/fakeprovider"
)

// probeCapture wraps the fake provider and keeps the body of the last POST
// (a completion) and what the fake answered to it.
type probeCapture struct {
	next http.Handler

	mu           sync.Mutex
	body, answer []byte
}

func (c *probeCapture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		c.next.ServeHTTP(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	tee := &probeTee{ResponseWriter: w}
	c.next.ServeHTTP(tee, r)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.body, c.answer = body, tee.written.Bytes()
}

// last returns the last completion request, decoded, and the fake's answer.
func (c *probeCapture) last(t *testing.T) (map[string]any, string) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	var req map[string]any
	if err := json.Unmarshal(c.body, &req); err != nil {
		t.Fatalf("the completion request is not JSON: %v\n%s", err, c.body)
	}
	return req, string(c.answer)
}

// probeTee copies what is written to the response.
type probeTee struct {
	http.ResponseWriter
	written bytes.Buffer
}

func (t *probeTee) Write(b []byte) (int, error) {
	t.written.Write(b)
	return t.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (t *probeTee) Unwrap() http.ResponseWriter { return t.ResponseWriter }

// probeClient builds provider name against the fake served at url.
func probeClient(t *testing.T, name, url string) Provider {
	t.Helper()
	base := fakeprovider.BaseURL(url, name)
	if name != "gemini" {
		return openaiBuild(t, name, base)
	}
	p, err := newGemini(Config{Name: name, Model: DefaultModel(name), BaseURL: base, APIKey: geminiTestKey, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// probeBound reads the output bound and the temperature of a completion
// request in provider's wire format.
func probeBound(provider string, req map[string]any) (maxTokens, temperature any) {
	switch provider {
	case "gemini":
		gen, _ := req["generationConfig"].(map[string]any)
		return gen["maxOutputTokens"], gen["temperature"]
	case "openai", "groq":
		return req["max_completion_tokens"], req["temperature"]
	default:
		return req["max_tokens"], req["temperature"]
	}
}

func TestProbeCompletionAgainstTheFake(t *testing.T) {
	tests := []struct {
		mode       fakeprovider.Mode
		wantClass  Class // "" means it passes
		wantReason string
	}{
		{fakeprovider.ModeOK, "", ""},
		{fakeprovider.ModeProse, InvalidOutput, ReasonNoJSON},
		{fakeprovider.ModeOverloaded, Transient, ""},
		{fakeprovider.ModeUnauthorized, Rejected, ReasonUnauthorized},
	}
	for _, name := range []string{"openai", "groq", "cloudflare", "huggingface", "gemini"} {
		for _, tt := range tests {
			t.Run(name+"/"+string(tt.mode), func(t *testing.T) {
				fake := fakeprovider.New()
				if err := fake.SetMode(name, tt.mode, 0); err != nil {
					t.Fatal(err)
				}
				capture := &probeCapture{next: fake}
				srv := httptest.NewServer(capture)
				defer srv.Close()

				err := probeClient(t, name, srv.URL).ProbeCompletion(context.Background())
				req, answer := capture.last(t)
				if limit, temp := probeBound(name, req); limit != float64(ProbeMaxOutputTokens) || temp != 0.0 {
					t.Errorf("the probe sent an output bound of %v and a temperature of %v, want %d and 0", limit, temp, ProbeMaxOutputTokens)
				}
				if !strings.Contains(string(capture.body), `{\"ok\":true}`) {
					t.Errorf("the probe does not ask for {\"ok\":true}: %s", capture.body)
				}
				var pe *Error
				switch {
				case tt.wantClass == "" && err != nil:
					t.Fatalf("ProbeCompletion = %v (answer %s), want it to pass", err, answer)
				case tt.wantClass == "":
				case !errors.As(err, &pe) || pe.Provider != name || pe.Class != tt.wantClass:
					t.Errorf("ProbeCompletion = %v, want a %s *Error of %s", err, tt.wantClass, name)
				case tt.wantReason != "" && pe.Reason != tt.wantReason:
					t.Errorf("ProbeCompletion = %v, want reason %s", err, tt.wantReason)
				}
			})
		}
	}
}

func TestProbeCompletionAnswers(t *testing.T) {
	geminiAnswer := func(text, finish string) string {
		b, _ := json.Marshal(map[string]any{"candidates": []any{map[string]any{
			"content": map[string]any{"role": "model", "parts": []any{map[string]any{"text": text}}}, "finishReason": finish}}})
		return string(b)
	}
	tests := []struct {
		name, text, finish string
		wantClass          Class // "" means it passes
		wantReason         string
	}{
		{"exact", `{"ok":true}`, "stop", "", ""},
		{"fenced, with prose", "Sure:\n```json\n{\"ok\": true}\n```", "stop", "", ""},
		{"cut after the object", `{"ok":true} I hope this h`, "length", "", ""},
		{"a brace in prose first", `Here {it is}: {"ok":true}`, "stop", "", ""},
		{"cut inside the object: the model was answering", `{"ok":tr`, "length", "", ""},
		{"cut before a word: a thinking model spent the bound", ``, "length", "", ""},
		{"prose", "OK, all good.", "stop", InvalidOutput, ReasonNoJSON},
		{"cut prose: the model was answering", "OK, all good, I will", "length", "", ""},
		{"an array", `[true]`, "stop", InvalidOutput, ReasonNoJSON},
		{"malformed", `{"ok":true,}`, "stop", InvalidOutput, ReasonNoJSON},
	}
	for _, tt := range tests {
		for _, name := range []string{"openai", "gemini"} {
			t.Run(name+"/"+tt.name, func(t *testing.T) {
				var prov Provider
				if name == "gemini" {
					finish := map[string]string{"stop": "STOP", "length": "MAX_TOKENS"}[tt.finish]
					prov = newTestGemini(t, geminiAnswers(200, nil, []byte(geminiAnswer(tt.text, finish))))
				} else {
					prov = openaiBuild(t, name, openaiServe(t, 200, nil, openaiCompletion(tt.text, tt.finish)).URL)
				}
				err := prov.ProbeCompletion(context.Background())
				if tt.wantClass == "" {
					if err != nil {
						t.Fatalf("ProbeCompletion = %v, want it to pass", err)
					}
					return
				}
				var pe *Error
				if !errors.As(err, &pe) || pe.Class != tt.wantClass || pe.Reason != tt.wantReason {
					t.Errorf("ProbeCompletion = %v, want %s/%s", err, tt.wantClass, tt.wantReason)
				}
			})
		}
	}
}

func TestProbeCompletionClassifiesAsForecastDoes(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		body       string
		wantClass  Class
		wantReason string
	}{
		{"content filter", 200, openaiCompletion("", "content_filter"), RequestCaused, ReasonBlocked},
		{"no choices", 200, `{"choices":[]}`, InvalidOutput, ReasonEmptyAnswer},
		{"rate limited", 429, `{"error":{"message":"Rate limit reached.","code":"rate_limit_exceeded"}}`, RateLimited, ReasonRateLimited},
		{"unknown model", 404, `{"error":{"message":"no such model","code":"model_not_found"}}`, Rejected, ReasonUnknownModel},
		{"parameter refused", 400, `{"error":{"message":"bad value","type":"invalid_request_error","param":"temperature"}}`, RequestCaused, ReasonBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := openaiBuild(t, "groq", openaiServe(t, tt.status, nil, tt.body).URL).ProbeCompletion(context.Background())
			if pe := openaiAsError(t, "groq", err); pe.Class != tt.wantClass || pe.Reason != tt.wantReason {
				t.Errorf("ProbeCompletion = %v, want %s/%s", err, tt.wantClass, tt.wantReason)
			}
		})
	}
	p := newTestGemini(t, geminiAnswers(200, nil, geminiFixture(t, "max_tokens_thinking.json")))
	if err := p.ProbeCompletion(context.Background()); err != nil {
		t.Errorf("a thinking model that spent the bound before writing = %v, want a pass: it was answering", err)
	}
	p = newTestGemini(t, geminiAnswers(200, nil, geminiFixture(t, "prompt_blocked.json")))
	if pe := asGeminiError(t, p.ProbeCompletion(context.Background())); pe.Class != RequestCaused || pe.Reason != ReasonBlocked {
		t.Errorf("a blocked prompt = %v, want RequestCaused/Blocked", pe)
	}
}

func TestBaselineProbeCompletion(t *testing.T) {
	p, _ := New(Config{Name: "baseline"})
	if err := p.ProbeCompletion(context.Background()); err != nil {
		t.Errorf("baseline ProbeCompletion = %v, want nil", err)
	}
}
