package fakeprovider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
)

// testKey is the key tests send; it must never come back unmasked.
const testKey = "sk-proj-TESTKEY0000000000abcd"

// cloudflareCompat names Cloudflare's OpenAI-compatible endpoint in tables
// that cover it beside the native one.
const cloudflareCompat = "cloudflare-compat"

// wireProviders are the endpoints tables run over: the five providers and
// Cloudflare's OpenAI-compatible endpoint.
var wireProviders = []string{OpenAI, Gemini, Groq, Cloudflare, cloudflareCompat, HuggingFace}

// generatePath is where each endpoint's generate calls go.
var generatePath = map[string]string{
	OpenAI:           "/openai/v1/chat/completions",
	Gemini:           "/gemini/v1beta/models/gemini-2.5-flash:generateContent",
	Groq:             "/groq/openai/v1/chat/completions",
	Cloudflare:       "/cloudflare/client/v4/accounts/acc123/ai/run/@cf/meta/llama-3.1-8b-instruct",
	cloudflareCompat: "/cloudflare/client/v4/accounts/acc123/ai/v1/chat/completions",
	HuggingFace:      "/huggingface/v1/chat/completions",
}

// probePath is each provider's health probe.
var probePath = map[string]string{
	OpenAI:      "/openai/v1/models",
	Gemini:      "/gemini/v1beta/models",
	Groq:        "/groq/openai/v1/models",
	Cloudflare:  "/cloudflare/client/v4/user/tokens/verify",
	HuggingFace: "/huggingface/v1/models",
}

// providerOf is the provider behind an endpoint name of wireProviders.
func providerOf(endpoint string) string {
	if endpoint == cloudflareCompat {
		return Cloudflare
	}
	return endpoint
}

// portData is a request as the operator makes it: monthly port throughput,
// 24 months to 2025-06, capacity 1000 kTEU, six months ahead.
func portData() engine.Data {
	values := []float64{
		792, 801, 815, 823, 809, 836, 850, 861, 842, 858, 874, 889,
		877, 893, 905, 921, 908, 926, 934, 947, 929, 941, 956, 933,
	}
	capacity := 1000.0
	d := engine.Data{Region: "USA", Subject: "container port throughput", Unit: "kTEU", Period: engine.PeriodMonth, Horizon: 6, Capacity: &capacity}
	for i, v := range values {
		year, month := 2023+(i/12), i%12+7
		if month > 12 {
			year, month = year+1, month-12
		}
		d.History = append(d.History, engine.Point{Period: fmt.Sprintf("%04d-%02d", year, month), Value: v})
	}
	return d
}

// requestBody is the body the operator's client sends to endpoint for p,
// with maxTokens as its output bound (0: none).
func requestBody(endpoint string, p engine.Prompt, maxTokens int) map[string]any {
	switch endpoint {
	case Gemini:
		config := map[string]any{"responseMimeType": "application/json", "responseJsonSchema": p.Schema}
		if maxTokens > 0 {
			config["maxOutputTokens"] = maxTokens
		}
		return map[string]any{
			"systemInstruction": map[string]any{"parts": []any{map[string]any{"text": p.System}}},
			"contents":          []any{map[string]any{"role": "user", "parts": []any{map[string]any{"text": p.User}}}},
			"generationConfig":  config,
		}
	case Cloudflare:
		body := map[string]any{
			"messages":        []any{map[string]any{"role": "system", "content": p.System}, map[string]any{"role": "user", "content": p.User}},
			"response_format": map[string]any{"type": "json_schema", "json_schema": p.Schema},
		}
		if maxTokens > 0 {
			body["max_tokens"] = maxTokens
		}
		return body
	}
	body := map[string]any{
		"model":           "test-model",
		"messages":        []any{map[string]any{"role": "system", "content": p.System}, map[string]any{"role": "user", "content": p.User}},
		"response_format": map[string]any{"type": "json_schema", "json_schema": map[string]any{"name": "forecast", "schema": p.Schema, "strict": true}},
	}
	if maxTokens > 0 {
		body["max_completion_tokens"] = maxTokens
	}
	return body
}

// send makes a request to h with key in the provider's auth header ("" for
// none) and body as JSON (nil for none).
func send(t *testing.T, h http.Handler, provider, method, path, key string, body any) *httptest.ResponseRecorder {
	t.Helper()
	var buf bytes.Buffer
	if body != nil {
		if raw, ok := body.([]byte); ok {
			buf.Write(raw)
		} else if err := json.NewEncoder(&buf).Encode(body); err != nil {
			t.Fatal(err)
		}
	}
	r := httptest.NewRequest(method, path, &buf)
	r.Header.Set("Content-Type", "application/json")
	if key != "" {
		if provider == Gemini {
			r.Header.Set("x-goog-api-key", key)
		} else {
			r.Header.Set("Authorization", "Bearer "+key)
		}
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// generate sends the operator's request for portData to endpoint.
func generate(t *testing.T, h http.Handler, endpoint string) *httptest.ResponseRecorder {
	t.Helper()
	return generateFor(t, h, endpoint, portData())
}

// generateFor sends the operator's request for d to endpoint.
func generateFor(t *testing.T, h http.Handler, endpoint string, d engine.Data) *httptest.ResponseRecorder {
	t.Helper()
	return send(t, h, providerOf(endpoint), http.MethodPost, generatePath[endpoint], testKey, requestBody(endpoint, engine.BuildPrompt(d), 4096))
}

// probe sends provider's health probe.
func probe(t *testing.T, h http.Handler, provider string) *httptest.ResponseRecorder {
	t.Helper()
	return send(t, h, provider, http.MethodGet, probePath[provider], testKey, nil)
}

// answer is what a client reads from a 200.
type answer struct {
	text    string // the answer text ("" when none)
	finish  string // finish_reason / finishReason ("" when none)
	choices int    // choices or candidates
	object  bool   // Cloudflare native: result.response was an object
}

// readAnswer reads the answer out of endpoint's wire format.
func readAnswer(t *testing.T, endpoint string, body []byte) answer {
	t.Helper()
	switch endpoint {
	case Gemini:
		var r struct {
			Candidates []struct {
				Content struct {
					Role  string `json:"role"`
					Parts []struct {
						Text string `json:"text"`
					} `json:"parts"`
				} `json:"content"`
				FinishReason string `json:"finishReason"`
			} `json:"candidates"`
		}
		mustUnmarshal(t, body, &r)
		a := answer{choices: len(r.Candidates)}
		if len(r.Candidates) > 0 {
			for _, p := range r.Candidates[0].Content.Parts {
				a.text += p.Text
			}
			a.finish = r.Candidates[0].FinishReason
		}
		return a
	case Cloudflare:
		var r struct {
			Result struct {
				Response json.RawMessage `json:"response"`
			} `json:"result"`
			Success bool `json:"success"`
		}
		mustUnmarshal(t, body, &r)
		var s string
		if json.Unmarshal(r.Result.Response, &s) == nil {
			return answer{text: s, choices: 1}
		}
		return answer{text: string(r.Result.Response), choices: 1, object: true}
	}
	var r struct {
		Choices []struct {
			Message struct {
				Content *string `json:"content"`
			} `json:"message"`
			FinishReason string `json:"finish_reason"`
		} `json:"choices"`
	}
	mustUnmarshal(t, body, &r)
	a := answer{choices: len(r.Choices)}
	if len(r.Choices) > 0 {
		if c := r.Choices[0].Message.Content; c != nil {
			a.text = *c
		}
		a.finish = r.Choices[0].FinishReason
	}
	return a
}

func mustUnmarshal(t *testing.T, body []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("body is not the expected JSON: %v\n%s", err, body)
	}
}

// mustSetMode sets a mode, with testLocation for ModeRedirect, and fails
// the test on error.
func mustSetMode(t *testing.T, s *Server, provider string, mode Mode, count int) {
	t.Helper()
	mustSet(t, s, provider, settingOf(mode, count))
}

// mustSet sets a setting and fails the test on error.
func mustSet(t *testing.T, s *Server, provider string, set Setting) {
	t.Helper()
	if err := s.Set(provider, set); err != nil {
		t.Fatal(err)
	}
}

// testLocation is where tests redirect to.
const testLocation = "http://127.0.0.1:4567/capture"

// settingOf is mode for count requests, with testLocation for ModeRedirect,
// which needs one.
func settingOf(mode Mode, count int) Setting {
	set := Setting{Mode: mode, Count: count}
	if mode == ModeRedirect {
		set.Location = testLocation
	}
	return set
}
