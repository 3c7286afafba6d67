package operator

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"

	"github.com/go-logr/logr"

	"k8s.io/client-go/util/cert"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/metrics/filters"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/bottleneck-io/bottleneck-operator/internal/dashboard"
)

// DashboardOptions configure the read-only dashboard and JSON API, which
// every replica serves from its own informer cache.
type DashboardOptions struct {
	// BindAddress, e.g. ":8082"; "" or "0" turns the dashboard off.
	BindAddress string
	// Listener, when set, is served instead of BindAddress: local mode and
	// the tests listen on a free port and print it.
	Listener net.Listener
	// Secure serves HTTPS with a self-signed certificate and lets in only
	// callers the API server authenticates and authorizes to get the path
	// (a nonResourceURL), like the metrics endpoint.
	Secure bool
}

func (o DashboardOptions) enabled() bool {
	return o.Listener != nil || (o.BindAddress != "" && o.BindAddress != "0")
}

// addDashboard adds the dashboard's server to the manager.
func addDashboard(mgr ctrl.Manager, o DashboardOptions) error {
	if !o.enabled() {
		return nil
	}
	log := ctrl.Log.WithName("dashboard")
	// ConfigMaps are read as the Forecast controller reads them: uncached,
	// since the informer cache holds their metadata only.
	history := dashboard.NewConfigMapHistory(mgr.GetAPIReader(), dashboard.ConfigMapHistoryOptions{Logger: log})
	r := &dashboard.Runnable{
		Addr: o.BindAddress, Listener: o.Listener, Logger: log,
		Handler: dashboard.New(mgr.GetCache(), dashboard.Options{Logger: log, History: history.Load}),
	}
	if o.Secure {
		filter, err := filters.WithAuthenticationAndAuthorization(mgr.GetConfig(), mgr.GetHTTPClient())
		if err != nil {
			return fmt.Errorf("setting up the dashboard's authentication and authorization: %w", err)
		}
		if r.TLSConfig, err = selfSignedTLS(); err != nil {
			return err
		}
		r.Filter = underPrefix(filter)
	}
	if err := mgr.Add(r); err != nil {
		return fmt.Errorf("adding the dashboard: %w", err)
	}
	return nil
}

// authorizationPrefix goes before every dashboard path that the secure
// dashboard asks the API server to authorize: Kubernetes' default
// system:discovery role lets every authenticated user get /api/*, which must
// not open the dashboard's /api/v1. The dashboard-reader ClusterRole grants
// /bottleneck-dashboard/*.
const authorizationPrefix = "/bottleneck-dashboard"

// underPrefix makes filter see each request's path under
// authorizationPrefix; the dashboard behind it sees the path as sent.
func underPrefix(filter metricsserver.Filter) metricsserver.Filter {
	return func(log logr.Logger, h http.Handler) (http.Handler, error) {
		inner, err := filter(log, http.StripPrefix(authorizationPrefix, h))
		if err != nil {
			return nil, err
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			prefixed := r.Clone(r.Context())
			prefixed.URL.Path = authorizationPrefix + r.URL.Path
			if r.URL.RawPath != "" {
				prefixed.URL.RawPath = authorizationPrefix + r.URL.RawPath
			}
			inner.ServeHTTP(w, prefixed)
		}), nil
	}
}

// selfSignedTLS returns an HTTPS configuration with a certificate made up
// at start, as the metrics server does without a certificate directory.
func selfSignedTLS() (*tls.Config, error) {
	certPEM, keyPEM, err := cert.GenerateSelfSignedCertKey("bottleneck-operator-dashboard", nil, nil)
	if err != nil {
		return nil, fmt.Errorf("generating the dashboard's certificate: %w", err)
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("loading the dashboard's certificate: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}}, nil
}
