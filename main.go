// Command manager runs bottleneck-operator: the ProviderLock and Forecast
// controllers. See README.md.
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/KimMachineGun/automemlimit/memlimit"
	"github.com/go-logr/logr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/metrics/filters"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/bottleneck-io/bottleneck-operator/internal/operator"
)

// version is the release the binary was built from, stamped by the
// Makefile and the Dockerfile with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var (
		metricsAddr, probeAddr, leaderElectionNamespace string
		credentialsNamespace, dashboardAddr, pprofAddr  string
		leaderElect, secureMetrics, enableHTTP2         bool
		secureDashboard                                 bool
		forecastConcurrency                             int
		gracefulShutdown                                time.Duration
		printVersion                                    bool
	)
	flag.BoolVar(&printVersion, "version", false, "Print the version and exit.")
	flag.StringVar(&metricsAddr, "metrics-bind-address", "0",
		"The address the metrics endpoint binds to (e.g. :8443), 0 to disable it. It serves HTTPS unless --metrics-secure=false.")
	flag.StringVar(&probeAddr, "health-probe-bind-address", ":8081", "The address the /healthz and /readyz probes bind to.")
	flag.BoolVar(&leaderElect, "leader-elect", false,
		"Elect a leader before running the controllers, so that only one of several replicas works at a time.")
	flag.StringVar(&leaderElectionNamespace, "leader-election-namespace", "",
		"The namespace of the leader election Lease; in a cluster, the manager's own namespace by default.")
	flag.BoolVar(&secureMetrics, "metrics-secure", true,
		"Serve metrics over HTTPS, allowing only callers that are authenticated and authorized to get /metrics.")
	flag.BoolVar(&enableHTTP2, "enable-http2", false,
		"Allow HTTP/2 on the metrics server (off by default: HTTP/2 Stream Cancellation and Rapid Reset CVEs).")
	flag.StringVar(&credentialsNamespace, "credentials-namespace", envOr("POD_NAMESPACE", operator.DefaultCredentialsNamespace),
		"The only namespace whose Secrets the operator reads and watches; every credentialsRef of the ProviderLock must point there.")
	flag.IntVar(&forecastConcurrency, "forecast-concurrency", 8,
		"The number of Forecasts reconciled at once (reads and writes of the API server). Provider calls are not bounded by it: "+
			"each provider's gate bounds them by spec.providers[].limits (maxConcurrent, requestsPerMinute, tokensPerMinute).")
	flag.StringVar(&dashboardAddr, "dashboard-bind-address", "127.0.0.1:8082",
		"The address of the read-only dashboard and JSON API (served from the cache by every replica), 0 to disable it. "+
			"It shows every namespace's Forecasts, so it listens on loopback unless told otherwise: reach it with kubectl port-forward, "+
			"or serve it on :8082 with --dashboard-secure.")
	flag.BoolVar(&secureDashboard, "dashboard-secure", false,
		"Serve the dashboard over HTTPS, allowing only callers that are authenticated and authorized to get its paths, as for metrics "+
			"(browsers send no bearer token: use it for the JSON API, or reach the pages through kubectl port-forward).")
	flag.DurationVar(&gracefulShutdown, "graceful-shutdown-timeout", operator.DefaultGracefulShutdownTimeout,
		"How long a stopping manager waits for the provider calls in flight to end and their outcomes to be written. "+
			"Keep it above the longest spec.providers[].timeout (default 30s), and the pod's terminationGracePeriodSeconds above it.")
	flag.StringVar(&pprofAddr, "pprof-bind-address", "0",
		"The address of Go's pprof endpoints (/debug/pprof/), for profiling memory and CPU; 0 (the default) disables them. "+
			"They are unauthenticated: bind them to localhost and reach them with kubectl port-forward.")
	zapOpts := zap.Options{Development: false}
	zapOpts.BindFlags(flag.CommandLine)
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "Usage: %s [flags]\n\nRuns the bottleneck-operator controllers against the cluster of the\n"+
			"kubeconfig ($KUBECONFIG, --kubeconfig, or in-cluster config).\n\nFlags:\n", os.Args[0])
		flag.PrintDefaults()
	}
	flag.Parse()
	if printVersion {
		fmt.Println("bottleneck-operator", version)
		return
	}
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&zapOpts)))
	log := ctrl.Log.WithName("setup")
	setMemoryLimit(log)

	metrics := metricsserver.Options{BindAddress: metricsAddr, SecureServing: secureMetrics}
	if !enableHTTP2 {
		metrics.TLSOpts = []func(*tls.Config){func(c *tls.Config) { c.NextProtos = []string{"http/1.1"} }}
	}
	if secureMetrics {
		metrics.FilterProvider = filters.WithAuthenticationAndAuthorization
	}

	ctx := ctrl.SetupSignalHandler()
	mgr, err := operator.New(ctx, ctrl.GetConfigOrDie(), operator.Options{
		Metrics:                 metrics,
		HealthProbeBindAddress:  probeAddr,
		PprofBindAddress:        pprofAddr,
		LeaderElection:          leaderElect,
		LeaderElectionNamespace: leaderElectionNamespace,
		ForecastConcurrency:     forecastConcurrency,
		CredentialsNamespace:    credentialsNamespace,
		Dashboard:               operator.DashboardOptions{BindAddress: dashboardAddr, Secure: secureDashboard},
		GracefulShutdownTimeout: gracefulShutdown,
	})
	if err != nil {
		log.Error(err, "unable to set up the manager")
		os.Exit(1)
	}
	log.Info("starting the manager", "version", version)
	if err := mgr.Start(ctx); err != nil {
		log.Error(err, "the manager stopped with an error")
		os.Exit(1)
	}
}

// setMemoryLimit keeps the Go heap under 90% of the container's memory
// limit, read from the cgroup: near it the collector works harder instead
// of the kernel killing the pod. GOMEMLIMIT, or AUTOMEMLIMIT (a ratio, or
// "off"), in the environment takes precedence.
func setMemoryLimit(log logr.Logger) {
	limit, err := memlimit.Set()
	switch {
	case err != nil:
		log.Info("no memory limit read from the cgroup; the Go heap is not bounded", "reason", err.Error())
	case limit != math.MaxInt64:
		log.Info("the Go heap is bounded", "GOMEMLIMIT", limit)
	}
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
