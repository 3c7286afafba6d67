package fakeprovider

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	clients "github.com/bottleneck-io/bottleneck-operator/internal/providers"
)

// The operator's own clients (internal/providers) against the fake's rate
// limits: the wait a retryAfter sets is the wait they read, and a hintless
// 429 leaves them none.

// operatorClient builds the operator's client of provider, as a
// ProviderLock configures it, against the fake served at srv.
func operatorClient(t *testing.T, srv *httptest.Server, provider string) clients.Provider {
	t.Helper()
	p, err := clients.New(clients.Config{
		Name: provider, BaseURL: BaseURL(srv.URL, provider), AccountID: "acc123",
		APIKey: testKey, Timeout: 5 * time.Second, HTTPClient: srv.Client(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// rateLimitedBy sets provider to one 429 with retryAfter and returns the
// error the operator's client makes of it.
func rateLimitedBy(t *testing.T, provider string, retryAfter time.Duration) *clients.Error {
	t.Helper()
	s := New()
	srv := serve(t, s)
	mustSet(t, s, provider, Setting{Mode: ModeRateLimited, Count: 1, RetryAfter: retryAfter})
	_, err := operatorClient(t, srv, provider).Forecast(context.Background(), clients.NewRequest(portData()))
	var pe *clients.Error
	if !errors.As(err, &pe) {
		t.Fatalf("%s: Forecast = %v, want a *clients.Error", provider, err)
	}
	if pe.Class != clients.RateLimited || pe.StatusCode != 429 {
		t.Errorf("%s: %v, want a RateLimited 429", provider, pe)
	}
	if s.Requests(provider) != 1 {
		t.Errorf("%s: the client sent %d requests, want 1", provider, s.Requests(provider))
	}
	return pe
}

func TestClientsReadTheRetryAfter(t *testing.T) {
	tests := []struct {
		provider   string
		retryAfter time.Duration
		want       time.Duration
	}{
		{OpenAI, 20 * time.Second, 20 * time.Second},
		{Groq, 20 * time.Second, 20 * time.Second},
		{Gemini, 20 * time.Second, 20 * time.Second},
		{OpenAI, 1500 * time.Millisecond, 1500 * time.Millisecond}, // retry-after-ms keeps the milliseconds
		{Gemini, 90 * time.Second, 90 * time.Second},
		// The usual hints.
		{OpenAI, 0, openAIRetryAfter},
		{Groq, 0, 6 * time.Second}, // retry-after, the 5.289s rounded up, comes first
		{Gemini, 0, geminiRetryDelay},
		{Cloudflare, 0, 0},
		{HuggingFace, 0, 0},
		// No hint at all, on every provider.
		{OpenAI, NoRetryHint, 0},
		{Groq, NoRetryHint, 0},
		{Gemini, NoRetryHint, 0},
		{Cloudflare, NoRetryHint, 0},
		{HuggingFace, NoRetryHint, 0},
	}
	for _, tt := range tests {
		name := formatRetryAfter(tt.retryAfter)
		if name == "" {
			name = "usual"
		}
		t.Run(tt.provider+"/"+name, func(t *testing.T) {
			if got := rateLimitedBy(t, tt.provider, tt.retryAfter).RetryAfter; got != tt.want {
				t.Errorf("RetryAfter = %v, want %v", got, tt.want)
			}
		})
	}
}
