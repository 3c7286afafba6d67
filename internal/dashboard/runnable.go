package dashboard

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/go-logr/logr"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
)

// Server timeouts, unless the Runnable sets its own.
const (
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 15 * time.Second
	DefaultWriteTimeout      = 30 * time.Second
	DefaultIdleTimeout       = 2 * time.Minute
	DefaultShutdownTimeout   = 10 * time.Second
)

// Runnable serves a Handler on an address until its context ends; add it
// to a manager with mgr.Add. Every replica serves (NeedLeaderElection is
// false): the dashboard only reads the replica's own cache.
type Runnable struct {
	// Addr to listen on, e.g. ":8082". "0" disables serving: Start
	// returns at once.
	Addr string
	// Listener, when set, is served instead of listening on Addr.
	Listener net.Listener
	// Handler to serve, typically New(mgr.GetCache(), Options{...}).
	Handler http.Handler
	// Filter, when set, wraps Handler, e.g. for authentication and
	// authorization: the filters of controller-runtime's metrics server fit,
	// so filters.WithAuthenticationAndAuthorization(mgr.GetConfig(),
	// mgr.GetHTTPClient()) can be used as it is.
	Filter metricsserver.Filter
	// TLSConfig, when set, serves HTTPS; it must hold the certificate
	// (Certificates or GetCertificate).
	TLSConfig *tls.Config
	// Logger for the server's messages; discarded when unset.
	Logger logr.Logger

	// Timeouts; the Default* constants when zero.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout, ShutdownTimeout time.Duration
}

// NeedLeaderElection implements manager.LeaderElectionRunnable: the
// dashboard runs on every replica.
func (r *Runnable) NeedLeaderElection() bool { return false }

// Start serves until ctx ends, then shuts down gracefully, giving requests
// in flight up to ShutdownTimeout to finish.
func (r *Runnable) Start(ctx context.Context) error {
	if r.Listener == nil && r.Addr == "0" {
		return nil
	}
	log := r.Logger
	if log.GetSink() == nil {
		log = logr.Discard()
	}
	handler := r.Handler
	if handler == nil {
		return errors.New("dashboard: no handler to serve")
	}
	if r.Filter != nil {
		filtered, err := r.Filter(log, handler)
		if err != nil {
			return fmt.Errorf("dashboard: applying the filter: %w", err)
		}
		handler = filtered
	}
	ln, err := r.listen()
	if err != nil {
		return err
	}
	srv := r.server(handler)
	errs := make(chan error, 1)
	go func() {
		log.Info("serving the dashboard", "address", ln.Addr().String(), "tls", r.TLSConfig != nil)
		if r.TLSConfig != nil {
			errs <- srv.ServeTLS(ln, "", "")
		} else {
			errs <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errs:
		return fmt.Errorf("dashboard: serving: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), or(r.ShutdownTimeout, DefaultShutdownTimeout))
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("dashboard: shutting down: %w", err)
	}
	if err := <-errs; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("dashboard: serving: %w", err)
	}
	return nil
}

func (r *Runnable) listen() (net.Listener, error) {
	if r.Listener != nil {
		return r.Listener, nil
	}
	ln, err := net.Listen("tcp", r.Addr)
	if err != nil {
		return nil, fmt.Errorf("dashboard: listening on %q: %w", r.Addr, err)
	}
	return ln, nil
}

func (r *Runnable) server(handler http.Handler) *http.Server {
	return &http.Server{
		Handler:           handler,
		TLSConfig:         r.TLSConfig,
		ReadHeaderTimeout: or(r.ReadHeaderTimeout, DefaultReadHeaderTimeout),
		ReadTimeout:       or(r.ReadTimeout, DefaultReadTimeout),
		WriteTimeout:      or(r.WriteTimeout, DefaultWriteTimeout),
		IdleTimeout:       or(r.IdleTimeout, DefaultIdleTimeout),
		MaxHeaderBytes:    1 << 16,
	}
}

func or(d, fallback time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return fallback
}
