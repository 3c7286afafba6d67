package fakeprovider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
)

// The transport modes, over real TCP: a real httptest.Server and a real
// http.Client, as the operator's clients meet them.

// serve starts s on a real listener; the server is closed at the end of the
// test, which blocks until every handler has returned.
func serve(t *testing.T, s *Server) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv
}

// post sends the operator's request for portData to endpoint over the
// network, with the client's deadline.
func post(t *testing.T, srv *httptest.Server, endpoint string, timeout time.Duration) (*http.Response, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	return srv.Client().Do(newRequest(t, ctx, srv, endpoint))
}

// newRequest is the operator's request for portData to endpoint on srv.
func newRequest(t *testing.T, ctx context.Context, srv *httptest.Server, endpoint string) *http.Request {
	t.Helper()
	body, err := json.Marshal(requestBody(endpoint, engine.BuildPrompt(portData()), 4096))
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+generatePath[endpoint], bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return withKey(req, endpoint)
}

// withKey is req with testKey in provider's auth header.
func withKey(req *http.Request, provider string) *http.Request {
	if provider == Gemini {
		req.Header.Set("x-goog-api-key", testKey)
	} else {
		req.Header.Set("Authorization", "Bearer "+testKey)
	}
	return req
}

// waitIdle waits until no handler of s is running, and fails the test if
// one still runs after a while: hang and stall must end with the client.
func waitIdle(t *testing.T, s *Server) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for s.active.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d handlers still running after the client went away", s.active.Load())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestHangEndsWithTheClient(t *testing.T) {
	for _, endpoint := range wireProviders {
		s := New()
		srv := serve(t, s)
		mustSetMode(t, s, providerOf(endpoint), ModeHang, 1)
		start := time.Now()
		resp, err := post(t, srv, endpoint, 100*time.Millisecond)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("%s: answered %d while hanging", endpoint, resp.StatusCode)
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: %v, want the client's deadline", endpoint, err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s: the client waited %v", endpoint, d)
		}
		waitIdle(t, s)
		// The count is used up: the next call is answered.
		resp, err = post(t, srv, endpoint, 5*time.Second)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s after the hang: %v", endpoint, err)
		}
		resp.Body.Close()
	}
}

func TestStallSendsHeadersThenHangs(t *testing.T) {
	for _, endpoint := range wireProviders {
		s := New()
		srv := serve(t, s)
		mustSetMode(t, s, providerOf(endpoint), ModeStall, 0)
		resp, err := post(t, srv, endpoint, 200*time.Millisecond)
		if err != nil {
			t.Fatalf("%s: the headers did not arrive: %v", endpoint, err)
		}
		if resp.StatusCode != http.StatusOK || resp.ContentLength <= 0 {
			t.Fatalf("%s: status %d, length %d", endpoint, resp.StatusCode, resp.ContentLength)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: reading the body: %v, want the client's deadline", endpoint, err)
		}
		if len(got) == 0 || int64(len(got)) >= resp.ContentLength {
			t.Errorf("%s: read %d of %d bytes; want part of the body", endpoint, len(got), resp.ContentLength)
		}
		waitIdle(t, s)
	}
}

func TestStalledProbeEndsWithTheClient(t *testing.T) {
	s := New()
	srv := serve(t, s)
	mustSetMode(t, s, Cloudflare, ModeStall, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+probePath[Cloudflare], nil)
	resp, err := srv.Client().Do(withKey(req, Cloudflare))
	if err != nil {
		t.Fatalf("the headers did not arrive: %v", err)
	}
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !errors.Is(err, context.DeadlineExceeded) || s.Probes(Cloudflare) != 1 {
		t.Errorf("reading a stalled probe: %v", err)
	}
	waitIdle(t, s)
}

func TestResetClosesTheConnectionMidBody(t *testing.T) {
	for _, endpoint := range wireProviders {
		s := New()
		srv := serve(t, s)
		mustSetMode(t, s, providerOf(endpoint), ModeReset, 1)
		resp, err := post(t, srv, endpoint, 5*time.Second)
		if err != nil {
			t.Fatalf("%s: the headers did not arrive: %v", endpoint, err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || len(got) == 0 || int64(len(got)) >= resp.ContentLength {
			t.Errorf("%s: status %d, read %d of %d bytes", endpoint, resp.StatusCode, len(got), resp.ContentLength)
		}
		if !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("%s: reading the body: %v, want a reset", endpoint, err)
		}
		waitIdle(t, s)
		resp, err = post(t, srv, endpoint, 5*time.Second)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: after the reset: %v", endpoint, err)
		}
		resp.Body.Close()
	}
}

func TestServerCloseEndsHangingHandlers(t *testing.T) {
	s := New()
	srv := httptest.NewServer(s)
	mustSetMode(t, s, Groq, ModeHang, 0)
	req := newRequest(t, context.Background(), srv, Groq)
	errc := make(chan error, 1)
	go func() {
		resp, err := srv.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	deadline := time.Now().Add(5 * time.Second)
	for s.active.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the request never reached a handler")
		}
		time.Sleep(5 * time.Millisecond)
	}
	closed := make(chan struct{})
	go func() {
		srv.CloseClientConnections()
		srv.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close blocked on a hanging handler")
	}
	if err := <-errc; err == nil {
		t.Error("the client got an answer from a hanging server")
	}
	waitIdle(t, s)
}
