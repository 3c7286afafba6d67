package fakeprovider

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// The 429s a retryAfter shapes, on the wire: the wait in every place the
// provider writes one, or in none.

func TestRetryAfterOnTheWire(t *testing.T) {
	const twenty = 20 * time.Second
	tests := []struct {
		endpoint   string
		retryAfter time.Duration
		want       wantReply
		absent     string // a substring the body must not hold
	}{
		{OpenAI, twenty, wantReply{status: 429, fields: map[string]any{"error.code": "rate_limit_exceeded"}, contains: "Please try again in 20s. Visit",
			headers: map[string]string{"retry-after-ms": "20000", "retry-after": "20", "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "20s"}}, ""},
		{OpenAI, 1500 * time.Millisecond, wantReply{status: 429, contains: "Please try again in 1.5s.",
			headers: map[string]string{"retry-after-ms": "1500", "retry-after": "2", "x-ratelimit-reset-requests": "1.5s"}}, ""},
		{OpenAI, NoRetryHint, wantReply{status: 429, fields: map[string]any{"error.code": "rate_limit_exceeded"}, contains: "Requested 1. Visit",
			headers: map[string]string{"retry-after-ms": "", "retry-after": "", "x-ratelimit-reset-requests": "", "x-ratelimit-reset-tokens": "", "x-ratelimit-remaining-requests": "0"}}, "try again in"},
		{Groq, twenty, wantReply{status: 429, fields: map[string]any{"error.code": "rate_limit_exceeded", "error.type": "tokens"}, contains: "Please try again in 20s. Need more tokens?",
			headers: map[string]string{"retry-after": "20", "x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "20s"}}, ""},
		{Groq, 2500 * time.Millisecond, wantReply{status: 429, contains: "Please try again in 2.5s.",
			headers: map[string]string{"retry-after": "3", "x-ratelimit-reset-tokens": "2.5s"}}, ""},
		{Groq, NoRetryHint, wantReply{status: 429, fields: map[string]any{"error.code": "rate_limit_exceeded"}, contains: "Requested 1230. Need more tokens?",
			headers: map[string]string{"retry-after": "", "x-ratelimit-reset-requests": "", "x-ratelimit-reset-tokens": "", "x-ratelimit-remaining-tokens": "0"}}, "try again in"},
		{Gemini, twenty, wantReply{status: 429, contains: "Please retry in 20s.", headers: map[string]string{"retry-after": ""},
			fields: map[string]any{"error.status": "RESOURCE_EXHAUSTED", "error.details.0.violations.0.quotaId": quotaPerMinute, "error.details.2.@type": "type.googleapis.com/google.rpc.RetryInfo", "error.details.2.retryDelay": "20s"}}, ""},
		{Gemini, 90 * time.Second, wantReply{status: 429, contains: "Please retry in 90s.", fields: map[string]any{"error.details.2.retryDelay": "90s"}}, ""},
		{Gemini, NoRetryHint, wantReply{status: 429, headers: map[string]string{"retry-after": ""},
			fields: map[string]any{"error.code": 429.0, "error.status": "RESOURCE_EXHAUSTED", "error.message": "Resource has been exhausted (e.g. check quota)."}}, "details"},
		{Cloudflare, NoRetryHint, errorTable[Cloudflare][ModeRateLimited], "try again in"},
		{cloudflareCompat, NoRetryHint, errorTable[Cloudflare][ModeRateLimited], "try again in"},
		{HuggingFace, NoRetryHint, errorTable[HuggingFace][ModeRateLimited], "try again in"},
	}
	for _, tt := range tests {
		t.Run(tt.endpoint+"/"+formatRetryAfter(tt.retryAfter), func(t *testing.T) {
			s := New()
			mustSet(t, s, providerOf(tt.endpoint), Setting{Mode: ModeRateLimited, Count: 1, RetryAfter: tt.retryAfter})
			w := generate(t, s, tt.endpoint)
			tt.want.check(t, w.Code, w.Header(), w.Body.Bytes())
			checkErrorShape(t, providerOf(tt.endpoint), w.Code, w.Body.Bytes())
			if tt.absent != "" && strings.Contains(w.Body.String(), tt.absent) {
				t.Errorf("the body holds %q: %s", tt.absent, w.Body)
			}
			if w := generate(t, s, tt.endpoint); w.Code != http.StatusOK {
				t.Errorf("the mode outlived its count: %d", w.Code)
			}
		})
	}
}

func TestRetryAfterRefused(t *testing.T) {
	tests := []struct {
		provider string
		set      Setting
		contains string // "" means accepted
	}{
		{OpenAI, Setting{Mode: ModeRateLimited, RetryAfter: 20 * time.Second}, ""},
		{Gemini, Setting{Mode: ModeRateLimited, RetryAfter: 24 * time.Hour}, ""},
		{Cloudflare, Setting{Mode: ModeRateLimited, RetryAfter: NoRetryHint}, ""},
		{HuggingFace, Setting{Mode: ModeRateLimited, RetryAfter: NoRetryHint, Match: "ZZZ"}, ""},
		{OpenAI, Setting{Mode: ModeQuota, RetryAfter: 20 * time.Second}, "a retryAfter goes with mode rate-limited only, not with mode quota"},
		{OpenAI, Setting{Mode: ModeOK, RetryAfter: NoRetryHint}, "rate-limited only"},
		{Cloudflare, Setting{Mode: ModeRateLimited, RetryAfter: 20 * time.Second}, "cloudflare's 429 has no wait hint in reality"},
		{HuggingFace, Setting{Mode: ModeRateLimited, RetryAfter: time.Second}, "huggingface's 429 has no wait hint in reality"},
		{OpenAI, Setting{Mode: ModeRateLimited, RetryAfter: -2 * time.Second}, "negative"},
		{OpenAI, Setting{Mode: ModeRateLimited, RetryAfter: 25 * time.Hour}, "above the longest"},
		{Groq, Setting{Mode: ModeRateLimited, RetryAfter: 1500 * time.Microsecond}, "not whole milliseconds"},
	}
	for _, tt := range tests {
		err := New().Set(tt.provider, tt.set)
		switch {
		case tt.contains == "" && err != nil:
			t.Errorf("%s %+v: %v", tt.provider, tt.set, err)
		case tt.contains != "" && (err == nil || !strings.Contains(err.Error(), tt.contains)):
			t.Errorf("%s %+v: %v, want an error with %q", tt.provider, tt.set, err, tt.contains)
		}
	}
}

func TestAdminRetryAfter(t *testing.T) {
	tests := []struct {
		provider, body string
		status         int
		contains       string
	}{
		{OpenAI, `{"mode":"rate-limited","retryAfter":"20s"}`, 200, `{"provider":"openai","mode":"rate-limited","remaining":0,"retryAfter":"20s"}`},
		{Groq, `{"mode":"rate-limited","retryAfter":"0s","count":2}`, 200, `{"provider":"groq","mode":"rate-limited","remaining":2,"retryAfter":"0s"}`},
		{Gemini, `{"mode":"rate-limited","retryAfter":"0"}`, 200, `"retryAfter":"0s"`},
		{Gemini, `{"mode":"rate-limited","retryAfter":"1500ms"}`, 200, `"retryAfter":"1.5s"`},
		{Cloudflare, `{"mode":"rate-limited","retryAfter":"0s"}`, 200, `"retryAfter":"0s"`},
		{OpenAI, `{"mode":"rate-limited"}`, 200, `{"provider":"openai","mode":"rate-limited","remaining":0}`},
		{Cloudflare, `{"mode":"rate-limited","retryAfter":"20s"}`, 400, "no wait hint in reality"},
		{HuggingFace, `{"mode":"rate-limited","retryAfter":"20s"}`, 400, "no wait hint in reality"},
		{OpenAI, `{"mode":"overloaded","retryAfter":"20s"}`, 400, "rate-limited only"},
		{OpenAI, `{"mode":"rate-limited","retryAfter":"soon"}`, 400, `retryAfter \"soon\" is not a duration`},
		{OpenAI, `{"mode":"rate-limited","retryAfter":"-5s"}`, 400, "negative"},
		{OpenAI, `{"mode":"rate-limited","retryAfter":20}`, 400, "the body must be"},
	}
	for _, tt := range tests {
		s := New()
		code, body := admin(t, s, "PUT", "/admin/providers/"+tt.provider+"/mode", tt.body)
		if code != tt.status || !strings.Contains(string(body), tt.contains) {
			t.Errorf("PUT %s %s: %d %s", tt.provider, tt.body, code, body)
		}
		if tt.status != 200 {
			if cur := s.Current(tt.provider); cur != okSetting {
				t.Errorf("a refused PUT changed %s to %+v", tt.provider, cur)
			}
			continue
		}
		if _, got := admin(t, s, "GET", "/admin/providers/"+tt.provider+"/mode", ""); !strings.Contains(string(got), tt.contains) {
			t.Errorf("GET %s after %s: %s", tt.provider, tt.body, got)
		}
	}
	// Another mode drops the wait, as it drops a location.
	s := New()
	admin(t, s, "PUT", "/admin/providers/openai/mode", `{"mode":"rate-limited","retryAfter":"20s"}`)
	admin(t, s, "PUT", "/admin/providers/openai/mode", `{"mode":"quota"}`)
	if _, body := admin(t, s, "GET", "/admin/providers/openai/mode", ""); strings.Contains(string(body), "retryAfter") {
		t.Errorf("the wait outlived its mode: %s", body)
	}
}
