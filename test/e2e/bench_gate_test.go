package e2e

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/fakeprovider"
	"github.com/bottleneck-io/bottleneck-operator/internal/operator"
)

// The gate's benchmark: one table of throughput, rate, pause and fairness
// figures, all measured in one run against the built manager. `make
// bench-e2e` runs it with GATE_BENCH_N=1000 (the figures); `make
// test` runs it with 100 Forecasts so that it keeps working, and asserts
// only what does not depend on the machine's speed.
var _ = Describe("the gate benchmark", Label("bench"), Ordered, func() {
	var (
		kubeconfig string
		fake       *fakeServer
		manager    *process
		k8s        client.WithWatch
		n          = 100
		rows       [][2]string
	)
	if s := os.Getenv("GATE_BENCH_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	row := func(what, figure string) { rows = append(rows, [2]string{what, figure}) }
	// serve makes provider answer after latency in mode, and locks it.
	serve := func(ctx context.Context, provider, latency, mode string) {
		fake.reset(ctx)
		fake.latency(ctx, provider, latency)
		fake.set(ctx, provider, mode)
		applyYAML(ctx, kubeconfig, benchLockYAML(fake.url, provider))
		waitActive(ctx, kubeconfig, provider)
	}

	BeforeAll(func(ctx SpecContext) {
		kubeconfig = startControlPlane()
		fake = startFake(freeAddress())
		DeferCleanup(func() { fake.cleanup() })
		k8s = watchClientFor(kubeconfig)
		kubectlOK(ctx, kubeconfig, "create", "namespace", "bottleneck-system")
		for _, p := range []string{"openai", "gemini", "huggingface"} {
			kubectlOK(ctx, kubeconfig, "create", "secret", "generic", p+"-credentials", "-n", "bottleneck-system",
				"--from-literal=apiKey=e2e-placeholder-key")
		}
		for _, ns := range []string{"instant", "slow", "rpm", "pause", "tenant-a", "tenant-b"} {
			kubectlOK(ctx, kubeconfig, "create", "namespace", ns)
		}
		manager = launch("manager", root, "--kubeconfig", kubeconfig, "--metrics-bind-address=0",
			"--health-probe-bind-address=127.0.0.1:0", "--dashboard-bind-address=0")
		DeferCleanup(func() { manager.cleanup() })
		DeferCleanup(func() {
			if CurrentSpecReport().Failed() {
				fmt.Fprintf(GinkgoWriter, "--- output of the manager ---\n%s\n", manager.output.String())
			}
		})
	})
	AfterAll(func() {
		heading := fmt.Sprintf("\ngate benchmark: %d Forecasts, %d CPUs, %s\n", n, runtime.NumCPU(), time.Now().UTC().Format("2006-01-02"))
		reportBenchTable("gate benchmark", heading, [2]int{72, 40}, rows, "GATE_BENCH_OUT")
	})

	It("counts the calls started during a 20 s Retry-After, 20 Forecasts, default limits", func(ctx SpecContext) {
		serve(ctx, "openai", "200ms", `{"mode":"rate-limited","retryAfter":"20s"}`)
		createForecasts(ctx, k8s, "pause", "fc", 20, "USA")
		var first fakeprovider.Call
		Eventually(func() []fakeprovider.Call { return fake.calls(ctx, "openai") }).WithContext(ctx).ShouldNot(BeEmpty())
		first = fake.calls(ctx, "openai")[0]
		time.Sleep(time.Until(first.Finished.Add(18 * time.Second)))
		fake.set(ctx, "openai", `{"mode":"ok"}`)
		time.Sleep(time.Until(first.Finished.Add(21 * time.Second))) // the log lists calls once they end
		during := callsBetween(fake.calls(ctx, "openai"), first.Started, first.Finished.Add(20*time.Second))
		row("20 Forecasts, 429 asking 20 s (openai defaults: 5 at once): calls in those 20 s", fmt.Sprintf("%d (target ≤ 6: %s)", during, verdict(during <= 6)))
		Expect(during).To(BeNumerically("<=", 6))
		Eventually(func() int { return readyCount(ctx, k8s, "pause") }).WithContext(ctx).WithTimeout(90 * time.Second).Should(Equal(20))
	})

	It("measures throughput against an instant and a 500 ms provider with maxConcurrent 50", func(ctx SpecContext) {
		applyYAML(ctx, kubeconfig, benchLockYAML(fake.url, "huggingface"))
		waitActive(ctx, kubeconfig, "huggingface")
		instant := timeToReady(ctx, k8s, "instant", n, "USA")

		fake.latency(ctx, "huggingface", "500ms")
		slow := timeToReady(ctx, k8s, "slow", n, "USA")
		ideal := time.Duration(float64(n) / 50 * float64(500*time.Millisecond))
		target := max(ideal*13/10, instant*13/10)
		counts := fake.requests(ctx)["huggingface"]
		row(fmt.Sprintf("%d Forecasts, instant provider: first create → last Ready", n), instant.Round(10*time.Millisecond).String())
		row(fmt.Sprintf("%d Forecasts, 500 ms provider, maxConcurrent 50 (ideal %s)", n, ideal), slow.Round(10*time.Millisecond).String())
		row("  target max(1.3 × ideal, 1.3 × instant)", fmt.Sprintf("%s (%s)", target.Round(10*time.Millisecond), verdict(slow <= target)))
		row("  most calls in flight at once (fake's count)", strconv.Itoa(counts.MaxInFlight))
		Expect(counts.MaxInFlight).To(BeNumerically("<=", 50))
	})

	It("measures the rate under requestsPerMinute 600", func(ctx SpecContext) {
		serve(ctx, "gemini", "500ms", `{"mode":"ok"}`)
		timeToReady(ctx, k8s, "rpm", n, "USA")
		calls := fake.calls(ctx, "gemini")
		peak := 0
		for i := range calls {
			peak = max(peak, callsBetween(calls, calls[i].Started, calls[i].Started.Add(time.Minute)))
		}
		// The gate lets a second's share (10) go at once, then spreads the
		// rest: the sustained rate is measured after that first burst.
		const burst = 10
		span := calls[len(calls)-1].Started.Sub(calls[burst].Started)
		rate := float64(len(calls)-1-burst) / span.Minutes()
		row("requestsPerMinute 600: most calls started in any 60 s", fmt.Sprintf("%d (%s)", peak, verdict(peak <= 600)))
		row("requestsPerMinute 600: sustained rate after the first second", fmt.Sprintf("%.0f/min, %.0f%% of the limit (%s)", rate, rate/6, verdict(rate >= 540 && rate <= 600*1.01)))
		Expect(peak).To(BeNumerically("<=", 600))
	})

	It("counts the calls of a busy namespace started before a new namespace's Forecast", func(ctx SpecContext) {
		serve(ctx, "openai", "200ms", `{"mode":"ok","match":"TENANT-B"}`)
		createForecasts(ctx, k8s, "tenant-a", "fc", n, "USA")
		Eventually(func() int { return len(fake.calls(ctx, "openai")) }).WithContext(ctx).Should(BeNumerically(">=", 20))
		created := time.Now()
		createForecasts(ctx, k8s, "tenant-b", "fc", 1, "TENANT-B")
		Eventually(func() int { return readyCount(ctx, k8s, "tenant-b") }).WithContext(ctx).Should(Equal(1))
		ahead := aCallsBeforeB(fake.calls(ctx, "openai"), created)
		row(fmt.Sprintf("%d Forecasts of namespace A waiting (openai defaults): A's calls started before B's one", n), fmt.Sprintf("%d (target ≤ 10: %s)", ahead, verdict(ahead <= 10)))
		Expect(ahead).To(BeNumerically("<=", 10))
	})
})

// benchLockYAML lists every provider of the benchmark on the fake, with the
// limits each scenario needs, and overrides the lock to active.
func benchLockYAML(fakeURL, active string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: forecast.bottleneck.io/v1alpha1\nkind: ProviderLock\nmetadata:\n  name: default\nspec:\n"+
		"  failureThreshold: 100\n  healthCheck: {interval: 0s}\n  override: %s\n  providers:\n", active)
	limits := map[string]string{
		"openai":      "", // the defaults
		"gemini":      "{maxConcurrent: 50, requestsPerMinute: 600, tokensPerMinute: 1000000000}",
		"huggingface": "{maxConcurrent: 50, requestsPerMinute: 1000000}",
	}
	for _, p := range []string{"openai", "gemini", "huggingface"} {
		fmt.Fprintf(&b, "  - name: %s\n    baseURL: %s\n    timeout: 30s\n    credentialsRef: {namespace: bottleneck-system, name: %s-credentials}\n",
			p, fakeprovider.BaseURL(fakeURL, p), p)
		if limits[p] != "" {
			fmt.Fprintf(&b, "    limits: %s\n", limits[p])
		}
	}
	b.WriteString("  - name: baseline\n")
	return b.String()
}

// timeToReady creates n Forecasts in namespace and returns the time from the
// first create to the last one Ready, as a watch sees it.
func timeToReady(ctx context.Context, k8s client.WithWatch, namespace string, n int, region string) time.Duration {
	GinkgoHelper()
	w, err := k8s.Watch(ctx, &v1.ForecastList{}, client.InNamespace(namespace))
	Expect(err).NotTo(HaveOccurred())
	defer w.Stop()
	start := time.Now()
	go createForecasts(ctx, k8s, namespace, "fc", n, region)
	ready := map[string]bool{}
	deadline := time.After(10 * time.Minute)
	for len(ready) < n {
		select {
		case ev, ok := <-w.ResultChan():
			Expect(ok).To(BeTrue(), "the watch ended")
			if fc, isFC := ev.Object.(*v1.Forecast); isFC && ev.Type != watch.Deleted &&
				apimeta.IsStatusConditionTrue(fc.Status.Conditions, v1.ReadyCondition) {
				ready[fc.Name] = true
			}
		case <-deadline:
			Fail(fmt.Sprintf("%d of %d Forecasts Ready after 10 minutes", len(ready), n))
		}
	}
	return time.Since(start)
}

func watchClientFor(kubeconfig string) client.WithWatch {
	GinkgoHelper()
	cfg := restConfigFor(kubeconfig)
	c, err := client.NewWithWatch(cfg, client.Options{Scheme: operator.Scheme})
	Expect(err).NotTo(HaveOccurred())
	return c
}

// reportBenchTable writes heading and a table of (measure, figure) rows,
// in columns of the given widths, to the spec's output, to the report as
// name, and to the file $outVar names, when set.
func reportBenchTable(name, heading string, widths [2]int, rows [][2]string, outVar string) {
	GinkgoHelper()
	var b strings.Builder
	b.WriteString(heading)
	fmt.Fprintf(&b, "| %-*s | %-*s |\n|%s|%s|\n", widths[0], "measure", widths[1], "figure",
		strings.Repeat("-", widths[0]+2), strings.Repeat("-", widths[1]+2))
	for _, r := range rows {
		fmt.Fprintf(&b, "| %-*s | %-*s |\n", widths[0], r[0], widths[1], r[1])
	}
	fmt.Fprint(GinkgoWriter, b.String())
	AddReportEntry(name, b.String())
	if out := os.Getenv(outVar); out != "" {
		Expect(os.WriteFile(out, []byte(b.String()), 0o644)).To(Succeed())
	}
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}
