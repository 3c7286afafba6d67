package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/fakeprovider"
)

// startFake serves the five provider APIs from an in-process fake server, so
// that local mode can show real provider traffic and a failover with no key
// and no network. It returns the server's URL.
func startFake(ctx context.Context, addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("listening for the fake providers: %w", err)
	}
	srv := &http.Server{Handler: fakeprovider.New(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Println("fake providers:", err)
		}
	}()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
		_ = srv.Close() // ends handlers that hang on purpose
	}()
	return "http://" + ln.Addr().String(), nil
}

// fakeCredentials are placeholder keys for every LLM provider: the fake
// accepts any key.
func fakeCredentials() credentials {
	out := credentials{}
	for _, kv := range keyVariables {
		out[kv.provider] = "fake-" + string(kv.provider) + "-key"
	}
	return out
}

// pointAtFake sends every LLM provider of the lock to the fake server.
func pointAtFake(url string) func(*v1.ProviderSpec) {
	return func(p *v1.ProviderSpec) {
		if base := fakeprovider.BaseURL(url, string(p.Name)); base != "" {
			p.BaseURL = base
		}
		if p.Name == v1.ProviderCloudflare {
			p.AccountID = "local-account"
		}
	}
}
