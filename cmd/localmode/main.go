// Command localmode is the operator's main job on a machine without a
// cluster (`make run-local`): it starts a local control plane, installs the
// CRDs and the samples, and runs the manager in the foreground until Ctrl-C.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"go.uber.org/zap/zapcore"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/controlplane"
	"github.com/bottleneck-io/bottleneck-operator/internal/operator"
)

// flags of local mode; the defaults suit a developer's machine.
var (
	metricsAddr   = flag.String("metrics-bind-address", "127.0.0.1:8080", "The address of the plain-HTTP metrics endpoint, 0 to disable it.")
	probeAddr     = flag.String("health-probe-bind-address", "127.0.0.1:8081", "The address of the health probes, 0 to disable them.")
	dashboardAddr = flag.String("dashboard-bind-address", "127.0.0.1:8082", "The address of the dashboard and its JSON API, 0 to disable it.")
	kubeconfigOut = flag.String("kubeconfig-out", "", "Where to write the admin kubeconfig (default bin/localmode/kubeconfig).")
	fakeAddr      = flag.String("fake-providers", "", "Serve the five provider APIs from an in-process fake server at this address (e.g. 127.0.0.1:8099) "+
		"and point the lock at it with placeholder keys, to watch real provider traffic and failovers without keys or network.")
)

func main() {
	// Readable console lines at info level: at debug every Kubernetes
	// Event is echoed too, and buries the "what to type next" block.
	// --zap-log-level=debug brings them back.
	zapOpts := zap.Options{Development: true, Level: zapcore.InfoLevel}
	zapOpts.BindFlags(flag.CommandLine)
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "Usage: %s [flags]\n\nStarts a local control plane, installs the CRDs and the samples, and runs\n"+
			"the operator in the foreground until Ctrl-C.\n\nFlags:\n", os.Args[0])
		flag.PrintDefaults()
	}
	flag.Parse()
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&zapOpts)))
	if err := run(interruptible()); err != nil {
		fmt.Fprintln(os.Stderr, "local mode:", err)
		os.Exit(1)
	}
}

// interruptible returns a context cancelled by the first Ctrl-C or SIGTERM.
// Later signals are swallowed: a terminal sends Ctrl-C to make, go run and
// local mode at once, and local mode must live on until it has stopped
// kube-apiserver and etcd, which run in process groups of their own.
func interruptible() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-signals
		cancel()
		for range signals {
		}
	}()
	return ctx
}

func run(ctx context.Context) error {
	root, err := controlplane.Root()
	if err != nil {
		return err
	}
	fmt.Println("starting a local control plane (kube-apiserver and etcd) ...")
	env, err := controlplane.Start(root)
	if err != nil {
		return err
	}
	defer func() {
		fmt.Println("stopping the local control plane ...")
		if err := env.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stopping the control plane:", err)
		}
	}()

	kubeconfig := *kubeconfigOut
	if kubeconfig == "" {
		kubeconfig = filepath.Join(root, "bin", "localmode", "kubeconfig")
	}
	if err := os.MkdirAll(filepath.Dir(kubeconfig), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(kubeconfig, env.Kubeconfig, 0o600); err != nil {
		return err
	}
	defer os.Remove(kubeconfig)

	c, err := client.New(env.Config, client.Options{Scheme: operator.Scheme})
	if err != nil {
		return err
	}
	samples, err := filepath.Glob(filepath.Join(root, "config", "samples", "*_v1alpha1_*.yaml"))
	if err != nil {
		return err
	}
	sort.Strings(samples)
	creds, fakeURL := credentialsFromEnv(), ""
	if *fakeAddr != "" {
		if fakeURL, err = startFake(ctx, *fakeAddr); err != nil {
			return err
		}
		creds = fakeCredentials()
	}
	if err := createSecrets(ctx, c, creds); err != nil {
		return err
	}
	if err := controlplane.Apply(ctx, c, samples...); err != nil {
		return fmt.Errorf("applying the samples: %w", err)
	}
	if fakeURL != "" {
		if err := configureLock(ctx, c, pointAtFake(fakeURL)); err != nil {
			return fmt.Errorf("pointing the lock at the fake providers: %w", err)
		}
	} else if account := os.Getenv("CLOUDFLARE_ACCOUNT_ID"); account != "" {
		if err := configureLock(ctx, c, func(p *v1.ProviderSpec) {
			if p.Name == v1.ProviderCloudflare {
				p.AccountID = account
			}
		}); err != nil {
			return fmt.Errorf("setting the Cloudflare account: %w", err)
		}
	} else if _, ok := creds[v1.ProviderCloudflare]; ok {
		fmt.Println("CLOUDFLARE_API_TOKEN is set but CLOUDFLARE_ACCOUNT_ID is not: Cloudflare will fail with the sample's placeholder account")
	}

	dashboard, dashboardURL, err := listenDashboard(*dashboardAddr)
	if err != nil {
		return err
	}
	mgr, err := operator.New(ctx, env.Config, operator.Options{
		Metrics:                metricsserver.Options{BindAddress: *metricsAddr},
		HealthProbeBindAddress: *probeAddr,
		ForecastConcurrency:    4,
		CredentialsNamespace:   operator.DefaultCredentialsNamespace,
		Dashboard:              operator.DashboardOptions{Listener: dashboard},
	})
	if err != nil {
		return err
	}
	printWelcome(root, kubeconfig, env.Config.Host, *metricsAddr, dashboardURL, creds)
	if fakeURL != "" {
		printFakeHelp(fakeURL)
	}
	return mgr.Start(ctx)
}

// listenDashboard listens on the dashboard's address, so that a port 0
// becomes a real one before the URL is printed; nil when it is off.
func listenDashboard(addr string) (net.Listener, string, error) {
	if addr == "0" || addr == "" {
		return nil, "off (--dashboard-bind-address=0)", nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", fmt.Errorf("listening for the dashboard: %w (pick another --dashboard-bind-address)", err)
	}
	return ln, "http://" + ln.Addr().String() + "/", nil
}

func printWelcome(root, kubeconfig, host, metrics, dashboard string, creds credentials) {
	keys := "none: the lock runs on baseline, the offline forecaster (set OPENAI_API_KEY, GEMINI_API_KEY,\n               GROQ_API_KEY, CLOUDFLARE_API_TOKEN + CLOUDFLARE_ACCOUNT_ID or HF_TOKEN to use an LLM)"
	if len(creds) > 0 {
		var names []string
		for _, kv := range keyVariables {
			if _, ok := creds[kv.provider]; ok {
				names = append(names, string(kv.provider))
			}
		}
		keys = strings.Join(names, ", ") + " (Secrets in " + operator.DefaultCredentialsNamespace + ", from the environment)"
	}
	kubectl := filepath.Join(controlplane.BinaryDir(root), "kubectl")
	fmt.Printf(`
bottleneck-operator is running in local mode.

  dashboard:   %s
  API server:  %s
  kubeconfig:  %s
  metrics:     http://%s/metrics
  API keys:    %s

In another terminal:

  export KUBECONFIG=%s
  alias kubectl=%s
  kubectl get providerlock            # which provider is in charge (plock for short)
  kubectl get forecasts -A            # risk and confidence of each sample (fc for short)
  kubectl describe forecast usa-port-throughput
  kubectl get forecast usa-port-throughput -o jsonpath='{.status.predictions}'
  kubectl apply -k config/samples     # edit a sample and watch it re-run

Press Ctrl-C to stop the manager and the control plane.

`, dashboard, host, kubeconfig, metrics, keys, kubeconfig, kubectl)
}

func printFakeHelp(url string) {
	fmt.Printf(`The five LLM providers are served by a fake server at %s (placeholder keys).
Break the active provider and watch the lock and the Forecasts react:

  curl -X PUT %s/admin/providers/openai/mode -d '{"mode":"overloaded"}'     # 503 on every call
  curl -X PUT %s/admin/providers/openai/mode -d '{"mode":"unauthorized"}'   # a rejected key
  curl %s/admin/modes                                                    # every mode
  curl %s/admin/requests                                                 # calls per provider
  curl -X POST %s/admin/reset                                            # all healthy again

`, url, url, url, url, url, url)
}
