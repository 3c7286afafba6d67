package operator

import (
	"crypto/tls"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-logr/logr"
)

func TestSelfSignedTLSServesHTTPS(t *testing.T) {
	cfg, err := selfSignedTLS()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok")
	}))
	srv.TLS = cfg
	srv.StartTLS()
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // a self-signed certificate
	resp, err := client.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.TLS == nil || len(resp.TLS.PeerCertificates) == 0 || resp.TLS.PeerCertificates[0].Subject.CommonName == "" {
		t.Fatalf("no certificate served: %+v", resp.TLS)
	}
	if resp.TLS.NegotiatedProtocol == "h2" {
		t.Error("HTTP/2 must stay off, as for the metrics endpoint")
	}
}

func TestDashboardEnabled(t *testing.T) {
	for addr, want := range map[string]bool{"": false, "0": false, ":8082": true, "127.0.0.1:0": true} {
		if got := (DashboardOptions{BindAddress: addr}).enabled(); got != want {
			t.Errorf("BindAddress %q: enabled = %v, want %v", addr, got, want)
		}
	}
}

func TestUnderPrefixAuthorizesThePrefixedPath(t *testing.T) {
	var authorized []string
	recordingFilter := func(_ logr.Logger, h http.Handler) (http.Handler, error) {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			authorized = append(authorized, r.URL.Path)
			h.ServeHTTP(w, r)
		}), nil
	}
	var served string
	dashboard := http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { served = r.URL.Path })
	h, err := underPrefix(recordingFilter)(logr.Discard(), dashboard)
	if err != nil {
		t.Fatal(err)
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/api/v1/forecasts?risk=High", nil))
	if len(authorized) != 1 || authorized[0] != "/bottleneck-dashboard/api/v1/forecasts" {
		t.Errorf("the filter authorized %v, want /bottleneck-dashboard/api/v1/forecasts (not /api/*, which every user may get)", authorized)
	}
	if served != "/api/v1/forecasts" {
		t.Errorf("the dashboard served %q, want the path as sent", served)
	}
}
