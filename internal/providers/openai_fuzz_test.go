package providers

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// openaiKnownClasses are the classes an error status may have: a status
// means the request reached the provider, so it is never Unreachable, and
// never InvalidInput, which only the package's own checks decide.
var openaiKnownClasses = map[Class]bool{Transient: true, RateLimited: true, Rejected: true, InvalidOutput: true, RequestCaused: true}

// openaiFixtures are answers shaped like the providers' real ones.
func openaiFixtures(t testing.TB) map[string][]byte {
	paths, err := filepath.Glob(filepath.Join("testdata", "openai", "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	out := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = b
	}
	return out
}

func TestOpenAIFixtures(t *testing.T) {
	want := map[string]struct {
		model, reason string
		total         int
	}{
		"openai-answer.json":      {"gpt-4o-mini-2024-07-18", "", 876},
		"groq-answer.json":        {"llama-3.3-70b-versatile", "", 574},
		"huggingface-answer.json": {"meta-llama/Llama-3.1-8B-Instruct", "", 90},
		"cloudflare-answer.json":  {"@cf/meta/llama-3.1-8b-instruct", "", 160},
		"openai-truncated.json":   {"", ReasonTruncated, 0},
		"openai-refusal.json":     {"", ReasonBlocked, 0},
	}
	for name, body := range openaiFixtures(t) {
		w, ok := want[name]
		if !ok {
			t.Errorf("fixture %s has no expectation", name)
			continue
		}
		provider := strings.Split(name, "-")[0]
		resp, err := openaiAnswerTo(t, provider, body)
		switch {
		case w.reason != "":
			if pe := openaiAsError(t, provider, err); pe.Reason != w.reason {
				t.Errorf("%s: error = %v, want %s", name, err, w.reason)
			}
		case err != nil:
			t.Errorf("%s: %v", name, err)
		case resp.Model != w.model || resp.Usage.TotalTokens != w.total || !strings.Contains(resp.Text, `"summary"`):
			t.Errorf("%s: response = %+v", name, resp)
		}
	}
}

// openaiAnswerTo asks provider for a forecast that the transport answers
// with a 200 and body, without a network.
func openaiAnswerTo(t testing.TB, provider string, body []byte) (Response, error) {
	var urls []string
	prov := openaiBuild(t, provider, "", func(c *Config) { c.HTTPClient = openaiCannedClient(200, string(body), &urls) })
	return prov.Forecast(context.Background(), openaiTestRequest())
}

// FuzzOpenAIErrorBody checks that any error status, rate-limit headers and
// body classify without a panic into a known class, keep the status, and
// never show the key.
func FuzzOpenAIErrorBody(f *testing.F) {
	for _, row := range openaiErrorRows {
		f.Add(row.status, row.header.Get("Retry-After"), row.header.Get("X-Ratelimit-Reset-Tokens"), []byte(row.body))
	}
	for _, row := range openaiHostileBodies {
		f.Add(row.status, "", "", []byte(row.body))
	}
	f.Add(429, "Wed, 21 Oct 2015 07:28:00 GMT", "1m2.5s", []byte(`{"error":{"message":"try again in 99999999999h","code":["x"]}}`))
	f.Add(413, "-1", "9223372036854775807ns", []byte(`{"errors":[{"code":{"a":1}},{"code":3036}],"error":"TPM"}`))
	f.Add(400, "", "", []byte(`{"error":{"message":{"nested":"`+string(openaiTestKey)+`"}}}`))
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, status int, retryAfter, reset string, body []byte) {
		status = 400 + (status%200+200)%200
		h := http.Header{"Retry-After": {retryAfter}, "X-Ratelimit-Reset-Tokens": {reset}, "X-Ratelimit-Remaining-Tokens": {"0"}}
		e := openaiHTTPError("groq", status, h, append(body, []byte(" "+string(openaiTestKey))...), openaiTestKey, now)
		if e == nil || !openaiKnownClasses[e.Class] || e.Reason == "" || e.StatusCode != status || e.RetryAfter < 0 {
			t.Fatalf("openaiHTTPError(%d, %q) = %+v", status, body, e)
		}
		if e.Provider != "groq" || strings.Contains(e.Error(), string(openaiTestKey)) {
			t.Fatalf("error %q", e.Error())
		}
		if status >= 500 && e.Class != Transient {
			t.Fatalf("a %d is %s, want Transient", status, e.Class)
		}
	})
}

// FuzzOpenAIAnswer checks that any 200 body gives either a non-empty answer
// or an InvalidOutput *Error (RequestCaused when a filter or a refusal
// blocked it), without a panic.
func FuzzOpenAIAnswer(f *testing.F) {
	for _, body := range openaiFixtures(f) {
		f.Add(body)
	}
	for _, s := range []string{"", "null", "[]", "{}", `{"choices":null}`, `{"choices":[null]}`, `{"choices":[{"message":null}]}`,
		`{"choices":[{"message":{"content":7}}]}`, `{"choices":[{"finish_reason":"length"}]}`, `{"usage":{"total_tokens":1e99}}`,
		`{"choices":[{"message":{"content":"x"}}],"usage":{"prompt_tokens":-1,"total_tokens":"9"}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		resp, err := openaiAnswerTo(t, "openai", body)
		if err == nil {
			if strings.TrimSpace(resp.Text) == "" {
				t.Fatalf("an empty answer passed: %+v", resp)
			}
			return
		}
		pe, ok := err.(*Error)
		blocked := pe != nil && pe.Class == RequestCaused && pe.Reason == ReasonBlocked
		if !ok || (pe.Class != InvalidOutput && !blocked) || pe.Reason == "" || pe.Provider != "openai" {
			t.Fatalf("Forecast error = %#v (%v)", err, err)
		}
	})
}
