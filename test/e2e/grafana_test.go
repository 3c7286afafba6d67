package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/bottleneck-io/bottleneck-operator/internal/fakeprovider"
)

// The Grafana dashboard's promise: every metric it (and the alert rules)
// queries is one the manager serves, with the labels the queries select and
// group by, and no series carries a label that the scrape target's would
// replace (a Forecast's namespace as "namespace" would read as the
// operator's). Labelled series appear only once used,
// so the spec first drives the manager through a success, a 429 that fails
// the lock over, health probes, priced calls and a refused status write,
// then checks a scrape with
// hack/promqlnames, which parses the queries with Prometheus's own parser.
var _ = Describe("the Grafana dashboard", Label("grafana"), func() {
	It("queries only metrics the manager serves once they are used", func(ctx SpecContext) {
		checker := buildPromqlnames()
		kubeconfig := startControlPlane()
		fake := startFake(freeAddress())
		DeferCleanup(func() { fake.cleanup() })
		kubectlOK(ctx, kubeconfig, "create", "namespace", "bottleneck-system")
		for _, provider := range []string{"openai", "gemini"} {
			kubectlOK(ctx, kubeconfig, "create", "secret", "generic", provider+"-credentials", "-n", "bottleneck-system",
				"--from-literal=apiKey=e2e-placeholder")
		}
		metrics := freeAddress()
		manager := launch("manager", root, "--kubeconfig", kubeconfig, "--metrics-secure=false",
			"--metrics-bind-address="+metrics, "--health-probe-bind-address=127.0.0.1:0", "--dashboard-bind-address=0")
		DeferCleanup(func() { manager.cleanup() })

		By("a priced call that succeeds on openai")
		applyYAML(ctx, kubeconfig, pricedLockYAML(fake.url))
		waitActive(ctx, kubeconfig, "openai")
		applyYAML(ctx, kubeconfig, forecastYAML(forecastOptions{name: "served", region: "USA"}))
		Eventually(func() string { return getForecast(ctx, kubeconfig, "served").condition("Ready").Status }).
			WithContext(ctx).Should(Equal("True"))

		By("a 429 pauses openai's gate and, at failureThreshold 1, fails the lock over to gemini")
		fake.set(ctx, "openai", `{"mode":"rate-limited","retryAfter":"1s"}`)
		applyYAML(ctx, kubeconfig, forecastYAML(forecastOptions{name: "limited", region: "DEU"}))
		waitActive(ctx, kubeconfig, "gemini")
		Eventually(func() string { return getForecast(ctx, kubeconfig, "limited").condition("Ready").Status }).
			WithContext(ctx).Should(Equal("True"))

		By("a result that an admission policy refuses to store")
		refuseResults(ctx, kubeconfig)
		applyYAML(ctx, kubeconfig, forecastYAML(forecastOptions{name: "refused", region: "SGP", labels: `e2e-refuse: "yes"`}))

		By("every metric the dashboard and the rules query is in /metrics, with the labels they read")
		Eventually(func(g Gomega) {
			out, ok := checkScrape(checker, scrape(ctx, metrics))
			g.Expect(ok).To(BeTrue(), out)
		}).WithContext(ctx).WithTimeout(20 * time.Second).WithPolling(time.Second).Should(Succeed())
	})
})

// queriedFiles are the files whose PromQL must read only served metrics;
// the rules are checked once they exist.
func queriedFiles() []string {
	GinkgoHelper()
	files := []string{filepath.Join(root, "config/grafana/bottleneck-operator.json")}
	if rules := filepath.Join(root, "config/prometheus/rules.yaml"); fileExists(rules) {
		files = append(files, rules)
	}
	return files
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// buildPromqlnames builds hack/promqlnames, a module of its own, into the
// suite's binaries.
func buildPromqlnames() string {
	GinkgoHelper()
	bin := filepath.Join(binDir, "promqlnames")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = filepath.Join(root, "hack/promqlnames")
	out, err := build.CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), "building hack/promqlnames: %s", out)
	return bin
}

// refuseResults applies refusePolicyYAML and waits until the API server
// enforces it (on a dry run), so that the next labelled Forecast's result
// is refused.
func refuseResults(ctx SpecContext, kubeconfig string) {
	GinkgoHelper()
	applyYAML(ctx, kubeconfig, refusePolicyYAML)
	applyYAML(ctx, kubeconfig, forecastYAML(forecastOptions{name: "policy-check", region: "SGP", labels: `e2e-refuse: "yes"`, suspend: true}))
	Eventually(func() string {
		out, _ := run(ctx, kubeconfig, "patch", "forecast", "policy-check", "--subresource=status", "--type=merge", "--dry-run=server",
			"-p", `{"status":{"predictions":[{"period":"2026-01","value":"1","lower":"1","upper":"1"}]}}`)
		return out
	}).WithContext(ctx).Should(ContainSubstring("results of Forecasts labelled e2e-refuse are refused"))
}

// checkScrape runs the checker on a scrape and returns its output, which
// names each missing metric and the panel or rule that queries it, and
// whether every metric was there.
func checkScrape(checker, scraped string) (string, bool) {
	GinkgoHelper()
	exposition := filepath.Join(GinkgoT().TempDir(), "metrics.txt")
	Expect(os.WriteFile(exposition, []byte(scraped), 0o600)).To(Succeed())
	cmd := exec.Command(checker, append([]string{"-exposition", exposition}, queriedFiles()...)...)
	out, err := cmd.CombinedOutput()
	if err == nil {
		fmt.Fprint(GinkgoWriter, string(out))
	}
	return string(out), err == nil
}

// pricedLockYAML is a lock of openai (priced, with a concurrency limit) and
// gemini on the fake, then baseline, that fails over on the first failure
// and probes every 10s.
func pricedLockYAML(fakeURL string) string {
	return fmt.Sprintf(`apiVersion: forecast.bottleneck.io/v1alpha1
kind: ProviderLock
metadata:
  name: default
spec:
  failureThreshold: 1
  healthCheck: {interval: 10s}
  providers:
  - name: openai
    baseURL: %s
    timeout: 5s
    credentialsRef: {namespace: bottleneck-system, name: openai-credentials, key: apiKey}
    limits: {maxConcurrent: 2}
    pricing: {promptPerMillion: "2.5", completionPerMillion: "10"}
  - name: gemini
    baseURL: %s
    timeout: 5s
    credentialsRef: {namespace: bottleneck-system, name: gemini-credentials, key: apiKey}
  - name: baseline
`, fakeprovider.BaseURL(fakeURL, "openai"), fakeprovider.BaseURL(fakeURL, "gemini"))
}
