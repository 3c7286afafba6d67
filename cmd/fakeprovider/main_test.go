package main

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bottleneck-io/bottleneck-operator/internal/fakeprovider"

	"github.com/bottleneck-io/bottleneck-operator/internal/syncbuffer"
)

func request(t *testing.T, method, url, body string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer sk-proj-SECRETSECRETSECRET1234")
	return http.DefaultClient.Do(req)
}

// waitForGenerate waits until the fake at url has counted n generate calls
// to provider, and fails the test if it has not within a few seconds.
func waitForGenerate(t *testing.T, url, provider string, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var counts map[string]struct{ Generate int }
		resp, err := http.Get(url + "/admin/requests")
		if err == nil {
			err = json.NewDecoder(resp.Body).Decode(&counts)
			resp.Body.Close()
		}
		switch {
		case err != nil:
			t.Fatalf("GET /admin/requests: %v", err)
		case counts[provider].Generate >= n:
			return
		case time.Now().After(deadline):
			t.Fatalf("%s got %d generate calls, want %d", provider, counts[provider].Generate, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestServeUntilSignalled(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	var out, logs syncbuffer.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, fakeprovider.New(), &out, log.New(&logs, "", 0)) }()

	resp, err := request(t, "GET", url+"/openai/v1/models", "")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("models: %v %v", err, resp)
	}
	resp.Body.Close()
	for _, p := range fakeprovider.Providers() {
		if !strings.Contains(out.String(), fakeprovider.BaseURL(url, p)) {
			t.Errorf("the base URL of %s is not printed:\n%s", p, out.String())
		}
	}
	if !strings.Contains(out.String(), "curl -X PUT "+url+"/admin/providers/openai/mode") {
		t.Errorf("no admin example:\n%s", out.String())
	}

	// A reset goes through the access log's wrapper to the connection.
	resp, err = request(t, "PUT", url+"/admin/providers/groq/mode", `{"mode":"reset","count":1}`)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("admin: %v %v", err, resp)
	}
	resp.Body.Close()
	if resp, err := request(t, "GET", url+"/groq/openai/v1/models", ""); err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil {
			t.Error("the reset did not cut the body")
		}
	}

	// A hanging request does not keep the server from stopping.
	resp, err = request(t, "PUT", url+"/admin/providers/openai/mode", `{"mode":"hang"}`)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	hung := make(chan error, 1)
	go func() {
		resp, err := http.Get(url + "/openai/v1/models") // no key: a hang is not reached
		if err == nil {
			resp.Body.Close()
		}
		req, _ := http.NewRequest("POST", url+"/openai/v1/chat/completions", strings.NewReader(`{}`))
		req.Header.Set("Authorization", "Bearer sk-test")
		resp, err = http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		hung <- err
	}()
	// Stop only once the fake holds the request: one that never arrived
	// would fail too, and prove nothing.
	waitForGenerate(t, url, fakeprovider.OpenAI, 1)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve: %v", err)
		}
	case <-time.After(shutdownGrace + 3*time.Second):
		t.Fatal("serve did not return after the signal")
	}
	if err := <-hung; err == nil {
		t.Error("the hanging request got an answer")
	}
	if l := logs.String(); !strings.Contains(l, "GET /openai/v1/models 200") || strings.Contains(l, "SECRET") {
		t.Errorf("access log:\n%s", l)
	}
}

func TestLatencyFlag(t *testing.T) {
	tests := []struct {
		args     []string
		latency  time.Duration
		contains string // of newFake's error; "" means none
	}{
		{nil, 0, ""},
		{[]string{"-latency", "500ms"}, 500 * time.Millisecond, ""},
		{[]string{"-latency=10m"}, 10 * time.Minute, ""},
		{[]string{"-latency", "-1s"}, 0, "negative"},
		{[]string{"-latency", "1h"}, 0, "above the longest"},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("fakeprovider", flag.ContinueOnError)
		opts, err := parseFlags(fs, tt.args)
		if err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		fake, err := newFake(opts.latency)
		if tt.contains != "" {
			if err == nil || !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("%v: %v, want an error with %q", tt.args, err, tt.contains)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		for _, p := range fakeprovider.Providers() {
			if got := fake.Latency(p); got != tt.latency {
				t.Errorf("%v: %s's latency %v, want %v", tt.args, p, got, tt.latency)
			}
		}
	}
	fs := flag.NewFlagSet("fakeprovider", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if _, err := parseFlags(fs, []string{"-latency", "soon"}); err == nil {
		t.Error("-latency soon was accepted")
	}
}

func TestServeWithLatency(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	fake, err := newFake(200 * time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	var out syncbuffer.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, fake, &out, nil) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()

	start := time.Now()
	resp, err := request(t, "POST", url+"/groq/openai/v1/chat/completions", `{"model":"llama-3.1-8b-instant","messages":[{"role":"user","content":"hi"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if took := time.Since(start); resp.StatusCode != http.StatusOK || took < 200*time.Millisecond {
		t.Errorf("generate: %d after %v, want 200 after the latency", resp.StatusCode, took)
	}
	var calls struct {
		Calls []fakeprovider.Call `json:"calls"`
	}
	resp, err = http.Get(url + "/admin/calls?provider=groq")
	if err == nil {
		err = json.NewDecoder(resp.Body).Decode(&calls)
		resp.Body.Close()
	}
	if err != nil || len(calls.Calls) != 1 || calls.Calls[0].Finished.Sub(calls.Calls[0].Started) < 200*time.Millisecond {
		t.Errorf("GET /admin/calls: %v %+v", err, calls)
	}
	if !strings.Contains(out.String(), "/admin/providers/openai/latency") || !strings.Contains(out.String(), "/admin/calls") {
		t.Errorf("the latency and calls examples are not printed:\n%s", out.String())
	}
}
