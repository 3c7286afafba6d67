// Package operator wires the controllers into a controller-runtime manager.
// The manager binary (main.go), local mode and the end-to-end tests all
// build it here, so they run the same operator.
package operator

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	crmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/controllers"
	"github.com/bottleneck-io/bottleneck-operator/internal/gate"
	"github.com/bottleneck-io/bottleneck-operator/internal/metrics"
	"github.com/bottleneck-io/bottleneck-operator/internal/providers"
)

// Scheme knows the built-in kinds and the operator's own.
var Scheme = runtime.NewScheme()

func init() {
	utilruntime.Must(clientgoscheme.AddToScheme(Scheme))
	utilruntime.Must(v1.AddToScheme(Scheme))
}

// LeaderElectionID names the Lease the replicas compete for.
const LeaderElectionID = "bottleneck-operator.forecast.bottleneck.io"

// Options configure the manager.
type Options struct {
	Metrics                metricsserver.Options
	HealthProbeBindAddress string
	// PprofBindAddress serves Go's pprof endpoints; off when "" or "0".
	PprofBindAddress        string
	LeaderElection          bool
	LeaderElectionNamespace string
	// ForecastConcurrency is the number of Forecasts reconciled at once.
	// Provider calls are not bounded by it: they go through the provider
	// gates, whose spec.providers[].limits bound them.
	ForecastConcurrency int
	// CredentialsNamespace is the only namespace whose Secrets the operator
	// reads and watches: the provider API keys live there.
	CredentialsNamespace string
	// NewProvider builds provider clients; providers.New when nil.
	NewProvider func(providers.Config) (providers.Provider, error)
	// Clock is the controllers' clock; the real one when nil.
	Clock clock.PassiveClock
	// Dashboard configures the read-only dashboard and JSON API; off when
	// zero.
	Dashboard DashboardOptions
	// GracefulShutdownTimeout is how long the stopping manager waits for
	// the provider calls in flight and the writes of their outcomes;
	// DefaultGracefulShutdownTimeout when zero.
	GracefulShutdownTimeout time.Duration
}

// DefaultGracefulShutdownTimeout covers a call started just before the
// stop at the default provider timeout (30 s), and the write of its
// outcome, with margin.
const DefaultGracefulShutdownTimeout = 40 * time.Second

// DefaultCredentialsNamespace is where the provider API keys live unless
// --credentials-namespace says otherwise.
const DefaultCredentialsNamespace = "bottleneck-system"

// New builds a manager running both controllers.
func New(ctx context.Context, cfg *rest.Config, o Options) (ctrl.Manager, error) {
	if o.CredentialsNamespace == "" {
		o.CredentialsNamespace = DefaultCredentialsNamespace
	}
	if o.GracefulShutdownTimeout == 0 {
		o.GracefulShutdownTimeout = DefaultGracefulShutdownTimeout
	}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		GracefulShutdownTimeout:       &o.GracefulShutdownTimeout,
		Scheme:                        Scheme,
		Metrics:                       o.Metrics,
		HealthProbeBindAddress:        o.HealthProbeBindAddress,
		PprofBindAddress:              o.PprofBindAddress,
		LeaderElection:                o.LeaderElection,
		LeaderElectionID:              LeaderElectionID,
		LeaderElectionNamespace:       o.LeaderElectionNamespace,
		LeaderElectionReleaseOnCancel: true,
		Cache: cache.Options{DefaultTransform: slimForCache, ByObject: map[client.Object]cache.ByObject{
			&corev1.Secret{}: {Namespaces: map[string]cache.Config{o.CredentialsNamespace: {}}},
		}},
	})
	if err != nil {
		return nil, fmt.Errorf("creating the manager: %w", err)
	}
	if err := Register(ctx, mgr, o); err != nil {
		return nil, err
	}
	if err := addDashboard(mgr, o.Dashboard); err != nil {
		return nil, err
	}
	forecasts := metrics.ForecastCollector{List: func(ctx context.Context) ([]v1.Forecast, error) {
		var list v1.ForecastList
		err := mgr.GetClient().List(ctx, &list)
		return list.Items, err
	}}
	if err := crmetrics.Registry.Register(forecasts); err != nil && !errors.As(err, &prometheus.AlreadyRegisteredError{}) {
		return nil, fmt.Errorf("registering the Forecast metrics: %w", err)
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		return nil, err
	}
	if err := mgr.AddReadyzCheck("informers", cacheSynced(mgr.GetCache())); err != nil {
		return nil, err
	}
	return mgr, nil
}

// Register adds both controllers to mgr.
func Register(ctx context.Context, mgr ctrl.Manager, o Options) error {
	if o.NewProvider == nil {
		o.NewProvider = providers.New
	}
	if o.Clock == nil {
		o.Clock = clock.RealClock{}
	}
	credentials := controllers.Credentials{Reader: mgr.GetClient(), Namespace: o.CredentialsNamespace}
	if err := (&controllers.ProviderLockReconciler{
		Client:      mgr.GetClient(),
		Credentials: credentials,
		NewProvider: o.NewProvider,
		Recorder:    mgr.GetEventRecorder("providerlock-controller"),
		Clock:       o.Clock,
	}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("setting up the ProviderLock controller: %w", err)
	}
	gates := gate.NewRegistry(o.Clock.Now)
	if err := crmetrics.Registry.Register(metrics.GateCollector{Gates: gates.Gates, Now: o.Clock.Now}); err != nil &&
		!errors.As(err, &prometheus.AlreadyRegisteredError{}) {
		return fmt.Errorf("registering the gate metrics: %w", err)
	}
	if err := (&controllers.ForecastReconciler{
		Client:                  mgr.GetClient(),
		APIReader:               mgr.GetAPIReader(),
		Credentials:             credentials,
		Recorder:                mgr.GetEventRecorder("forecast-controller"),
		Clock:                   o.Clock,
		NewProvider:             o.NewProvider,
		MaxConcurrentReconciles: o.ForecastConcurrency,
		Gates:                   gates,
	}).SetupWithManager(ctx, mgr); err != nil {
		return fmt.Errorf("setting up the Forecast controller: %w", err)
	}
	return nil
}
