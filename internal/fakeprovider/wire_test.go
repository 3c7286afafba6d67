package fakeprovider

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
)

// checkForecast asserts text is a forecast valid under the operator's schema
// for portData, from the provider titled title.
func checkForecast(t *testing.T, title, text string) forecast {
	t.Helper()
	var f forecast
	dec := json.NewDecoder(strings.NewReader(text))
	dec.DisallowUnknownFields() // the schema forbids other properties
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("answer is not the schema's JSON: %v\n%s", err, text)
	}
	periods := portData().Periods()
	if len(f.Predictions) != len(periods) {
		t.Fatalf("%d predictions, want %d", len(f.Predictions), len(periods))
	}
	for i, p := range f.Predictions {
		if p.Period != periods[i] {
			t.Errorf("prediction %d period %q, want %q", i, p.Period, periods[i])
		}
		if p.Lower > p.Value || p.Value > p.Upper {
			t.Errorf("prediction %d: %v <= %v <= %v does not hold", i, p.Lower, p.Value, p.Upper)
		}
	}
	if !slices.Contains([]string{"Low", "Moderate", "High", "Critical"}, f.RiskLevel) {
		t.Errorf("riskLevel %q is not in the enum", f.RiskLevel)
	}
	if f.Confidence < 0 || f.Confidence > 100 {
		t.Errorf("confidence %v", f.Confidence)
	}
	if n := len(f.Bottlenecks); n < 1 || n > 2 {
		t.Errorf("%d bottlenecks, want one or two", n)
	}
	if !strings.Contains(f.Summary, title) {
		t.Errorf("summary does not name %s: %q", title, f.Summary)
	}
	return f
}

func TestGoodAnswer(t *testing.T) {
	titles := map[string]string{OpenAI: "OpenAI", Gemini: "Gemini", Groq: "Groq", Cloudflare: "Cloudflare", HuggingFace: "Hugging Face"}
	for _, endpoint := range wireProviders {
		t.Run(endpoint, func(t *testing.T) {
			w := generate(t, New(), endpoint)
			if w.Code != http.StatusOK {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
			a := readAnswer(t, endpoint, w.Body.Bytes())
			checkForecast(t, titles[providerOf(endpoint)], a.text)
			var env map[string]any
			mustUnmarshal(t, w.Body.Bytes(), &env)
			switch endpoint {
			case Gemini:
				if a.finish != "STOP" || env["modelVersion"] != "gemini-2.5-flash" || env["usageMetadata"] == nil {
					t.Errorf("finish %q, envelope %v", a.finish, env)
				}
			case Cloudflare:
				if !a.object {
					t.Error("result.response is a string; with a json_schema it is an object")
				}
				if env["success"] != true || len(env["errors"].([]any)) != 0 || env["messages"] == nil {
					t.Errorf("envelope %v", env)
				}
			default:
				usage, _ := env["usage"].(map[string]any)
				if a.finish != "stop" || env["object"] != "chat.completion" || env["model"] != "test-model" || env["id"] == "" || env["created"] == nil {
					t.Errorf("finish %q, envelope %v", a.finish, env)
				}
				if usage["total_tokens"] != usage["prompt_tokens"].(float64)+usage["completion_tokens"].(float64) {
					t.Errorf("usage %v", usage)
				}
			}
		})
	}
}

func TestGoodAnswerIsDeterministic(t *testing.T) {
	for _, endpoint := range wireProviders {
		var bodies []string
		for range 2 {
			s := New()
			s.now = func() time.Time { return time.Unix(1750000000, 0) }
			bodies = append(bodies, generate(t, s, endpoint).Body.String())
		}
		if bodies[0] != bodies[1] {
			t.Errorf("%s: two servers answered differently:\n%s\n%s", endpoint, bodies[0], bodies[1])
		}
	}
}

func TestRateLimitHeadersOnSuccess(t *testing.T) {
	for _, provider := range []string{OpenAI, Groq} {
		s := New()
		var remaining []int
		for range 2 {
			w := generate(t, s, provider)
			for _, name := range []string{"x-ratelimit-reset-requests", "x-ratelimit-reset-tokens"} {
				if _, err := time.ParseDuration(w.Header().Get(name)); err != nil {
					t.Errorf("%s %s: %v", provider, name, err)
				}
			}
			for _, name := range []string{"x-ratelimit-limit-requests", "x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens"} {
				if n, err := strconv.Atoi(w.Header().Get(name)); err != nil || n <= 0 {
					t.Errorf("%s %s = %q", provider, name, w.Header().Get(name))
				}
			}
			n, _ := strconv.Atoi(w.Header().Get("x-ratelimit-remaining-requests"))
			remaining = append(remaining, n)
		}
		if remaining[1] != remaining[0]-1 {
			t.Errorf("%s: remaining requests %v, want one fewer per call", provider, remaining)
		}
	}
	for _, provider := range []string{Gemini, Cloudflare, HuggingFace} {
		if h := generate(t, New(), provider).Header().Get("x-ratelimit-remaining-requests"); h != "" {
			t.Errorf("%s sends rate-limit headers it does not have", provider)
		}
	}
}

func TestContentModes(t *testing.T) {
	// finishes are the finish reason of a complete and of a cut answer.
	finishes := map[string][2]string{OpenAI: {"stop", "length"}, Gemini: {"STOP", "MAX_TOKENS"}, Cloudflare: {"", ""}}
	for _, endpoint := range wireProviders {
		done, cut := finishes[OpenAI][0], finishes[OpenAI][1]
		if f, ok := finishes[endpoint]; ok {
			done, cut = f[0], f[1]
		}
		tests := []struct {
			mode  Mode
			check func(t *testing.T, a answer, body string)
		}{
			{ModeProse, func(t *testing.T, a answer, _ string) {
				if a.finish != done || a.text == "" || strings.ContainsAny(a.text, "{}") {
					t.Errorf("finish %q, text %q", a.finish, a.text)
				}
			}},
			{ModeFenced, func(t *testing.T, a answer, _ string) {
				_, rest, ok := strings.Cut(a.text, "```json\n")
				inner, _, closed := strings.Cut(rest, "\n```")
				if !ok || !closed || a.finish != done {
					t.Fatalf("finish %q, no ```json fence: %q", a.finish, a.text)
				}
				checkForecast(t, "", inner)
			}},
			{ModeTruncated, func(t *testing.T, a answer, _ string) {
				if a.finish != cut || a.object || json.Valid([]byte(a.text)) || !strings.HasPrefix(a.text, "{") {
					t.Errorf("finish %q, object %v, text %q", a.finish, a.object, a.text)
				}
			}},
			{ModeEmpty, func(t *testing.T, a answer, _ string) {
				want := 0
				if endpoint == Cloudflare {
					want = 1 // the envelope always has a response; it is ""
				}
				if a.choices != want || a.text != "" {
					t.Errorf("choices %d, text %q", a.choices, a.text)
				}
			}},
			{ModeBlocked, func(t *testing.T, a answer, body string) {
				switch endpoint {
				case Gemini:
					if a.choices != 0 || !strings.Contains(body, `"blockReason":"SAFETY"`) {
						t.Errorf("body %s", body)
					}
				case Cloudflare:
					if a.object || a.text == "" || strings.Contains(a.text, "{") {
						t.Errorf("text %q", a.text)
					}
				default:
					if a.choices != 1 || a.finish != "content_filter" || a.text != "" {
						t.Errorf("finish %q, text %q", a.finish, a.text)
					}
				}
			}},
			{ModeSchema, func(t *testing.T, a answer, _ string) {
				var v map[string]any
				if err := json.Unmarshal([]byte(a.text), &v); err != nil {
					t.Fatalf("not JSON: %v", err)
				}
				if _, ok := v["predictions"]; ok || a.finish != done {
					t.Errorf("finish %q, answer %v", a.finish, v)
				}
			}},
		}
		for _, tt := range tests {
			t.Run(endpoint+"/"+string(tt.mode), func(t *testing.T) {
				s := New()
				mustSetMode(t, s, providerOf(endpoint), tt.mode, 1)
				w := generate(t, s, endpoint)
				if w.Code != http.StatusOK {
					t.Fatalf("status %d: %s", w.Code, w.Body)
				}
				tt.check(t, readAnswer(t, endpoint, w.Body.Bytes()), w.Body.String())
			})
		}
	}
}

func TestOutputLimitCutsTheAnswer(t *testing.T) {
	p := engine.BuildPrompt(portData())
	// Cloudflare's native API bounds an answer to 256 tokens when the request
	// sets none, and says nothing when it cuts.
	body := requestBody(Cloudflare, p, 0)
	w := send(t, New(), Cloudflare, http.MethodPost, generatePath[Cloudflare], testKey, body)
	a := readAnswer(t, Cloudflare, w.Body.Bytes())
	if a.object || json.Valid([]byte(a.text)) || len(a.text) != cloudflareDefaultMaxTokens*charsPerToken {
		t.Errorf("without max_tokens: object %v, %d bytes: %q", a.object, len(a.text), a.text)
	}
	for _, endpoint := range []string{OpenAI, Gemini} {
		w := send(t, New(), endpoint, http.MethodPost, generatePath[endpoint], testKey, requestBody(endpoint, p, 50))
		a := readAnswer(t, endpoint, w.Body.Bytes())
		if a.finish != map[string]string{OpenAI: "length", Gemini: "MAX_TOKENS"}[endpoint] || len(a.text) != 50*charsPerToken {
			t.Errorf("%s with a 50-token limit: finish %q, %d bytes", endpoint, a.finish, len(a.text))
		}
	}
}

func TestAnswerWithoutSchemaOrData(t *testing.T) {
	body := map[string]any{
		"model":           "test-model",
		"messages":        []any{map[string]any{"role": "user", "content": []any{map[string]any{"type": "text", "text": "Forecast please, as JSON."}}}},
		"response_format": map[string]any{"type": "json_object"},
	}
	w := send(t, New(), OpenAI, http.MethodPost, generatePath[OpenAI], testKey, body)
	var f forecast
	mustUnmarshal(t, []byte(readAnswer(t, OpenAI, w.Body.Bytes()).text), &f)
	if len(f.Predictions) != len(fallbackLabels) || f.Predictions[0].Period != "t+1" || f.Predictions[0].Value < 100 {
		t.Errorf("fallback forecast %+v", f)
	}

	// Without a schema, the labels come from the user message's "periods".
	p := engine.BuildPrompt(portData())
	body = map[string]any{"prompt": p.User, "max_tokens": 4096}
	w = send(t, New(), Cloudflare, http.MethodPost, generatePath[Cloudflare], testKey, body)
	a := readAnswer(t, Cloudflare, w.Body.Bytes())
	if a.object {
		t.Error("response is an object although no json_schema was sent")
	}
	checkForecast(t, "Cloudflare", a.text)
}
