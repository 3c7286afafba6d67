package e2e

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// rarerPaths are the granted permissions a short run may not use, each with
// the code path that needs it. Nothing else may stay unused: a verb no code
// path needs is removed from the role instead.
var rarerPaths = map[permission]string{
	{Group: "forecast.bottleneck.io", Resource: "forecasts", Verb: "get"}: "ForecastReconciler.cacheBehind reads the live Forecast " +
		"only from an API server whose resourceVersions do not compare as numbers (before Kubernetes 1.35)",
	{Group: "events.k8s.io", Resource: "events", Verb: "patch"}: "the events recorder patches an Event to count it again in " +
		"its series only when the same event repeats within 6 minutes",
	{Group: "", Resource: "events", Verb: "patch", Namespace: installNamespace}: "the leader election recorder (core Events) " +
		"patches an Event only to count it again when it repeats",
	{Group: "forecast.bottleneck.io", Resource: "forecasts", Verb: "list"}:      listFallback,
	{Group: "forecast.bottleneck.io", Resource: "providerlocks", Verb: "list"}:  listFallback,
	{Group: "", Resource: "configmaps", Verb: "list"}:                           listFallback,
	{Group: "", Resource: "secrets", Verb: "list", Namespace: installNamespace}: listFallback,
}

// listFallback is why the cache may list: its informers stream the initial
// list in a watch (WatchList, what a 1.37 API server does), and list only
// when the API server cannot, an older one or a failed watch-list.
const listFallback = "the informers' fallback from a streamed watch-list to a LIST"

// The install, proven against a real API server: the manifests pass a
// server-side dry run, and the manager, running as its ServiceAccount with
// only the RBAC the install creates, does a whole run with the API
// server's audit log on; every request it made must have been granted, and
// every grant used.
var _ = Describe("the install", Ordered, Label("install"), func() {
	var (
		kubeconfig, auditLog string
		installYAML          string // config/default rendered, as `make build-installer` does
		install              []unstructured.Unstructured
	)
	BeforeAll(func(ctx SpecContext) {
		kubeconfig, auditLog = startAuditedControlPlane()
		installYAML = kubectlOK(ctx, kubeconfig, "kustomize", "config/default")
		install = decodeManifests(installYAML)
		// A dry run creates nothing, so namespaced objects would find no
		// namespace: create it, as the apply itself would first.
		kubectlOK(ctx, kubeconfig, "create", "namespace", installNamespace)
	})

	It("passes a server-side dry run of config/default (dist/install.yaml)", func(ctx SpecContext) {
		out := dryRun(ctx, kubeconfig, installYAML)
		Expect(out).To(ContainSubstring("deployment.apps/bottleneck-controller-manager"), out)
	})

	It("passes a server-side dry run of the monitoring overlay (config/monitoring) with the monitoring CRDs", func(ctx SpecContext) {
		installMonitoringCRDs(ctx, kubeconfig)
		out := dryRun(ctx, kubeconfig, kubectlOK(ctx, kubeconfig, "kustomize", "config/monitoring"))
		Expect(out).To(ContainSubstring("servicemonitor.monitoring.coreos.com/bottleneck-controller-manager-metrics-monitor"), out)
		Expect(out).To(ContainSubstring("prometheusrule.monitoring.coreos.com/bottleneck-controller-manager-alerts"), out)
	})

	It("passes a server-side dry run of the Helm chart with monitoring on", func(ctx SpecContext) {
		installMonitoringCRDs(ctx, kubeconfig)
		path := filepath.Join(GinkgoT().TempDir(), "chart.yaml")
		runCommand(ctx, root, "go", "-C", "hack/chart", "run", "./cmd/render", "-o", path, "-monitoring")
		manifest, err := os.ReadFile(path)
		Expect(err).NotTo(HaveOccurred())
		out := dryRun(ctx, kubeconfig, string(manifest))
		Expect(out).To(ContainSubstring("deployment.apps/bottleneck-controller-manager"), out)
		Expect(out).To(ContainSubstring("servicemonitor.monitoring.coreos.com/bottleneck-controller-manager-metrics-monitor"), out)
		Expect(out).To(ContainSubstring("prometheusrule.monitoring.coreos.com/bottleneck-controller-manager-alerts"), out)
	})

	It("runs the manager as its ServiceAccount with only the generated RBAC, every grant used", func(ctx SpecContext) {
		began := time.Now()
		kubectlOK(ctx, kubeconfig, "apply", "-f", writeRBAC(install))
		grants := grantsTo(install, installNamespace, managerAccount)
		Expect(grants).NotTo(BeEmpty())
		// A step that fails for want of a permission shows the refused
		// request here, rather than only the step's timeout.
		DeferCleanup(func() {
			if CurrentSpecReport().Failed() {
				problems := compareRBAC(readAudit(auditLog, managerUser), grants, rarerPaths).problems()
				fmt.Fprintf(GinkgoWriter, "--- RBAC problems in the audit log so far ---\n%s\n", strings.Join(problems, "\n"))
			}
		})

		By("a scraper allowed to read /metrics, and the provider keys")
		kubectlOK(ctx, kubeconfig, "create", "serviceaccount", "scraper", "-n", installNamespace)
		kubectlOK(ctx, kubeconfig, "create", "clusterrolebinding", "scraper-metrics", "--clusterrole=bottleneck-metrics-reader",
			"--serviceaccount="+installNamespace+":scraper")
		kubectlOK(ctx, kubeconfig, "create", "secret", "generic", "openai-credentials", "-n", installNamespace,
			"--from-literal=apiKey=sk-e2e-0000placeholder")
		fake := startFake(freeAddress())
		DeferCleanup(func() { fake.cleanup() })

		By("running the manager with a token of its ServiceAccount, leader election on")
		metricsAddr := freeAddress()
		manager := start("manager", root, "--kubeconfig", serviceAccountKubeconfig(ctx, kubeconfig, installNamespace, managerAccount),
			"--leader-elect", "--leader-election-namespace="+installNamespace, "--credentials-namespace="+installNamespace,
			"--metrics-bind-address="+metricsAddr, "--health-probe-bind-address=127.0.0.1:0", "--dashboard-bind-address=0")

		By("Forecasts become Ready on openai, one with its history in a ConfigMap")
		applyYAML(ctx, kubeconfig, lockYAML(fake.url, lockOptions{providers: []string{"openai", "baseline"}}))
		waitActive(ctx, kubeconfig, "openai")
		applyYAML(ctx, kubeconfig, historyConfigMapYAML)
		applyYAML(ctx, kubeconfig, forecastYAML(forecastOptions{name: "inline", region: "USA"}))
		applyYAML(ctx, kubeconfig, forecastYAML(forecastOptions{name: "from-configmap", region: "DEU", fromConfigMap: "backoff-history"}))
		kubectlOK(ctx, kubeconfig, "wait", "--for=condition=Ready", "forecasts", "--all", "--timeout=30s")

		By("openai fails for everyone: the lock fails over to baseline, and the Forecasts are Ready again")
		fake.set(ctx, "openai", `{"mode":"overloaded"}`)
		for i := range 3 {
			applyYAML(ctx, kubeconfig, forecastYAML(forecastOptions{name: fmt.Sprintf("outage-%d", i), region: "USA"}))
		}
		waitActive(ctx, kubeconfig, "baseline")
		kubectlOK(ctx, kubeconfig, "wait", "--for=condition=Ready", "forecasts", "--all", "--timeout=30s")
		Expect(kubectlOK(ctx, kubeconfig, "get", "events", "--field-selector", "involvedObject.kind=ProviderLock", "-o", "name")).
			NotTo(BeEmpty(), "the move is announced in an Event")
		Expect(kubectlOK(ctx, kubeconfig, "get", "lease", "-n", installNamespace, "-o", "jsonpath={.items[*].spec.holderIdentity}")).
			NotTo(BeEmpty(), "the manager holds the leader election Lease")

		By("scraping /metrics through the authentication and authorization filter")
		Eventually(func(g Gomega) {
			code, _, err := scrapeSecure(ctx, metricsAddr, "")
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(code).To(Equal(http.StatusUnauthorized), "no token, no metrics")
		}).WithContext(ctx).Should(Succeed())
		token := serviceAccountToken(ctx, kubeconfig, installNamespace, "scraper")
		code, body, err := scrapeSecure(ctx, metricsAddr, token)
		Expect(err).NotTo(HaveOccurred())
		Expect(code).To(Equal(http.StatusOK), body)
		Expect(body).To(ContainSubstring(`bottleneck_lock_active_provider{provider="baseline"} 1`))

		By("stopping it, which releases the Lease")
		Expect(manager.stop(syscall.SIGTERM, 15*time.Second)).To(Succeed())

		By("comparing what it did, in the audit log, with what the install grants it")
		report := compareRBAC(readAudit(auditLog, managerUser), grants, rarerPaths)
		fmt.Fprintf(GinkgoWriter, "the run took %s; the manager used:\n  %s\n", time.Since(began).Round(time.Second),
			strings.Join(permissionStrings(report.used), "\n  "))
		Expect(report.problems()).To(BeEmpty())
	})
})

func permissionStrings(ps []permission) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}
