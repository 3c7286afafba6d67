package dashboard

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/testr"
	"sigs.k8s.io/controller-runtime/pkg/manager"
)

var (
	_ manager.Runnable               = &Runnable{}
	_ manager.LeaderElectionRunnable = &Runnable{}
)

// startRunnable starts r on a free local port and returns its base URL and
// a function that stops it and returns Start's error.
func startRunnable(t *testing.T, r *Runnable) (string, func() error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.Listener = ln
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Start(ctx) }()
	stop := func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("Start did not return after its context ended")
			return nil
		}
	}
	t.Cleanup(func() { cancel() })
	return "http://" + ln.Addr().String(), stop
}

func TestRunnableServesAndStops(t *testing.T) {
	r := &Runnable{Handler: newTestHandler(fixtures()...)}
	if r.NeedLeaderElection() {
		t.Error("the dashboard should serve on every replica")
	}
	base, stop := startRunnable(t, r)
	res, err := http.Get(base + "/api/v1/providerlock")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `"activeProvider":"gemini"`) {
		t.Errorf("GET: %d %s", res.StatusCode, body)
	}
	if err := stop(); err != nil {
		t.Errorf("Start returned %v after a clean stop", err)
	}
	if _, err := http.Get(base + "/"); err == nil {
		t.Error("the server still answers after its context ended")
	}
}

func TestRunnableTimeouts(t *testing.T) {
	srv := (&Runnable{}).server(http.NotFoundHandler())
	if srv.ReadHeaderTimeout != DefaultReadHeaderTimeout || srv.ReadTimeout != DefaultReadTimeout ||
		srv.WriteTimeout != DefaultWriteTimeout || srv.IdleTimeout != DefaultIdleTimeout {
		t.Errorf("default timeouts: %v %v %v %v", srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout)
	}
	srv = (&Runnable{ReadHeaderTimeout: time.Second, WriteTimeout: 2 * time.Second}).server(http.NotFoundHandler())
	if srv.ReadHeaderTimeout != time.Second || srv.WriteTimeout != 2*time.Second {
		t.Errorf("set timeouts: %v %v", srv.ReadHeaderTimeout, srv.WriteTimeout)
	}
}

// A client that never finishes its headers is cut off.
func TestRunnableReadHeaderTimeout(t *testing.T) {
	base, _ := startRunnable(t, &Runnable{Handler: newTestHandler(), ReadHeaderTimeout: 200 * time.Millisecond})
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n")); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	_, err = io.ReadAll(conn) // returns when the server closes the connection
	if err != nil {
		t.Fatalf("the server did not close a slow connection: %v", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("closed after %v", took)
	}
}

// The filter hook takes controller-runtime's metrics filters as they are.
func TestRunnableFilter(t *testing.T) {
	logs := make(chan logr.Logger, 1)
	onlyWithToken := func(log logr.Logger, next http.Handler) (http.Handler, error) {
		logs <- log
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer good" {
				http.Error(w, "Unauthorized", http.StatusUnauthorized)
				return
			}
			next.ServeHTTP(w, r)
		}), nil
	}
	base, _ := startRunnable(t, &Runnable{Handler: newTestHandler(fixtures()...), Filter: onlyWithToken, Logger: testr.New(t)})
	if log := <-logs; log.GetSink() == nil {
		t.Error("the filter did not get the Runnable's logger")
	}
	res, err := http.Get(base + "/api/v1/summary")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("without a token: %d", res.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/summary", nil)
	req.Header.Set("Authorization", "Bearer good")
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("with a token: %d", res.StatusCode)
	}
}

func TestRunnableErrors(t *testing.T) {
	failing := func(logr.Logger, http.Handler) (http.Handler, error) { return nil, errors.New("no authenticator") }
	err := (&Runnable{Addr: "127.0.0.1:0", Handler: newTestHandler(), Filter: failing}).Start(context.Background())
	if err == nil || !strings.Contains(err.Error(), "no authenticator") {
		t.Errorf("a failing filter: %v", err)
	}
	if err := (&Runnable{Addr: "127.0.0.1:0"}).Start(context.Background()); err == nil {
		t.Error("no handler: no error")
	}
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	if err := (&Runnable{Addr: taken.Addr().String(), Handler: newTestHandler()}).Start(context.Background()); err == nil {
		t.Error("an address in use: no error")
	}
	if err := (&Runnable{Addr: "0", Handler: newTestHandler()}).Start(context.Background()); err != nil {
		t.Errorf(`Addr "0" should disable serving: %v`, err)
	}
}

func TestRunnableTLS(t *testing.T) {
	ts := httptest.NewTLSServer(http.NotFoundHandler()) // borrow its certificate
	cert := ts.TLS.Certificates[0]
	pool := x509.NewCertPool()
	pool.AddCert(ts.Certificate())
	ts.Close()

	base, _ := startRunnable(t, &Runnable{Handler: newTestHandler(fixtures()...), TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}}})
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "example.com"}}}
	res, err := client.Get(strings.Replace(base, "http://", "https://", 1) + "/api/v1/summary")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("over TLS: %d", res.StatusCode)
	}
}
