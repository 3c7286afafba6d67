package operator

import (
	"crypto/tls"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
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
