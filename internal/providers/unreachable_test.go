package providers

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// unreachableCase is a way for a call never to reach the provider's HTTP
// server: base is the base URL to configure, client the HTTP client (nil:
// the default).
type unreachableCase struct {
	name   string
	base   string
	client *http.Client
}

// unreachableCases sets up each way: a refused connection, a name that does
// not resolve, a proxy that refuses, a plain HTTP server behind an https
// URL, and a TLS server whose certificate nobody vouches for.
func unreachableCases(t *testing.T) []unreachableCase {
	t.Helper()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	plain := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(plain.Close)
	untrusted := httptest.NewUnstartedServer(http.NotFoundHandler())
	untrusted.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are the point
	untrusted.StartTLS()
	t.Cleanup(untrusted.Close)
	// A resolver that fails at once, so that no test waits on real DNS.
	noDNS := &net.Dialer{Resolver: &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
		return nil, errors.New("no DNS server here")
	}}}
	proxy, _ := url.Parse(closed.URL)
	return []unreachableCase{
		{"refused", closed.URL, nil},
		{"DNS", "http://api.provider.invalid", &http.Client{Transport: &http.Transport{DialContext: noDNS.DialContext}}},
		{"proxy", plain.URL, &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}}},
		{"plain HTTP behind https", "https://" + strings.TrimPrefix(plain.URL, "http://"), nil},
		{"untrusted certificate", untrusted.URL, nil},
	}
}

// assertUnreachable fails unless err is an Unreachable ConnectionFailed
// *Error of provider.
func assertUnreachable(t *testing.T, provider string, err error) {
	t.Helper()
	var pe *Error
	if !errors.As(err, &pe) || pe.Provider != provider || pe.Class != Unreachable || pe.Reason != ReasonConnectionFailed {
		t.Errorf("error = %v, want an Unreachable/ConnectionFailed *Error of %s", err, provider)
	}
}

func TestOpenAIUnreachable(t *testing.T) {
	for _, p := range openaiTestProviders {
		for _, tc := range unreachableCases(t) {
			t.Run(p.name+"/"+tc.name, func(t *testing.T) {
				prov := openaiBuild(t, p.name, tc.base, func(c *Config) { c.HTTPClient = tc.client })
				_, err := prov.Forecast(context.Background(), openaiTestRequest())
				assertUnreachable(t, p.name, err)
				assertUnreachable(t, p.name, prov.Probe(context.Background()))
				assertUnreachable(t, p.name, prov.ProbeCompletion(context.Background()))
				openaiAssertNoKey(t, err)
			})
		}
	}
}

func TestGeminiUnreachable(t *testing.T) {
	for _, tc := range unreachableCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			p, err := newGemini(Config{Name: "gemini", Model: "gemini-2.5-flash", BaseURL: tc.base, APIKey: geminiTestKey,
				HTTPClient: tc.client, Timeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			_, err = p.Forecast(context.Background(), geminiTestRequest())
			assertUnreachable(t, "gemini", err)
			assertUnreachable(t, "gemini", p.Probe(context.Background()))
			assertUnreachable(t, "gemini", p.ProbeCompletion(context.Background()))
			if err != nil && strings.Contains(err.Error(), "SECRET") {
				t.Errorf("the key leaked: %v", err)
			}
		})
	}
}
