package e2e

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("the manager binary", func() {
	It("brings the samples to Ready on baseline and stops cleanly", func(ctx SpecContext) {
		kubeconfig := startControlPlane()

		By("applying the samples with kubectl, as a user would")
		out, err := run(ctx, kubeconfig, "apply", "-k", "config/samples")
		Expect(err).NotTo(HaveOccurred(), out)

		By("running the manager binary")
		metricsAddr, dashboardAddr := freeAddress(), freeAddress()
		manager := start("manager", root, "--kubeconfig", kubeconfig, "--metrics-secure=false",
			"--metrics-bind-address="+metricsAddr, "--health-probe-bind-address=127.0.0.1:0",
			"--dashboard-bind-address="+dashboardAddr)

		out, err = run(ctx, kubeconfig, "wait", "--for=condition=Ready", "forecasts", "--all", "-A", "--timeout=60s")
		Expect(err).NotTo(HaveOccurred(), out)

		out, err = run(ctx, kubeconfig, "get", "plock")
		Expect(err).NotTo(HaveOccurred(), out)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		Expect(lines).To(HaveLen(2), out)
		Expect(strings.Fields(lines[0])).To(Equal([]string{"NAME", "ACTIVE", "EPOCH", "FAILURES", "READY", "AGE"}))
		Expect(strings.Fields(lines[1])[:5]).To(Equal([]string{"default", "baseline", "1", "0", "True"}), out)

		out, err = run(ctx, kubeconfig, "get", "fc", "-A")
		Expect(err).NotTo(HaveOccurred(), out)
		lines = strings.Split(strings.TrimSpace(out), "\n")
		Expect(lines).To(HaveLen(4), out)
		Expect(lines[0]).To(MatchRegexp(`NAMESPACE\s+NAME\s+REGION\s+RISK\s+CONFIDENCE\s+PROVIDER\s+READY\s+AGE`))
		for _, line := range lines[1:] {
			Expect(line).To(MatchRegexp(`^default\s+\S+\s+(USA|DEU|SGP)\s+(Low|Moderate|High|Critical)\s+\d+\s+baseline\s+True\s`), out)
		}

		By("reading the Prometheus metrics")
		Eventually(func(g Gomega) {
			resp, err := http.Get("http://" + metricsAddr + "/metrics")
			g.Expect(err).NotTo(HaveOccurred())
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			g.Expect(err).NotTo(HaveOccurred())
			text := string(body)
			g.Expect(text).To(ContainSubstring(`bottleneck_lock_active_provider{provider="baseline"} 1`))
			g.Expect(text).To(ContainSubstring("bottleneck_lock_epoch 1"))
			g.Expect(text).To(ContainSubstring(`bottleneck_provider_requests_total{outcome="Succeeded",provider="baseline"} 3`))
			g.Expect(text).To(ContainSubstring(`bottleneck_lock_changes_total{from="none",reason="Initial",to="baseline"} 1`))
			g.Expect(text).To(MatchRegexp(`bottleneck_forecasts\{ready="True",risk_level="\w+"\} \d`))
		}).WithContext(ctx).Should(Succeed())

		By("reading the dashboard's JSON API, served from the manager's cache")
		Eventually(func(g Gomega) {
			resp, err := http.Get("http://" + dashboardAddr + "/api/v1/summary")
			g.Expect(err).NotTo(HaveOccurred())
			defer resp.Body.Close()
			g.Expect(resp.StatusCode).To(Equal(http.StatusOK))
			var summary struct {
				Total      int            `json:"total"`
				ByProvider map[string]int `json:"byProvider"`
			}
			g.Expect(json.NewDecoder(resp.Body).Decode(&summary)).To(Succeed())
			g.Expect(summary.Total).To(Equal(3))
			g.Expect(summary.ByProvider).To(HaveKeyWithValue("baseline", 3))
		}).WithContext(ctx).Should(Succeed())

		By("stopping the manager with SIGTERM, as the kubelet would")
		Expect(manager.stop(syscall.SIGTERM, 15*time.Second)).To(Succeed(), manager.output.String())

		By("starting it again: the lock keeps its epoch and audit trail")
		restarted := start("manager", root, "--kubeconfig", kubeconfig,
			"--metrics-bind-address=0", "--health-probe-bind-address=127.0.0.1:0", "--dashboard-bind-address=0")
		By("a Forecast applied now is served by the restarted manager")
		out, err = run(ctx, kubeconfig, "patch", "forecast", "usa-port-throughput", "--type", "merge", "-p", `{"spec":{"horizon":5}}`)
		Expect(err).NotTo(HaveOccurred(), out)
		Eventually(func(g Gomega) {
			out, err := run(ctx, kubeconfig, "get", "forecast", "usa-port-throughput", "-o",
				"jsonpath={.status.observedGeneration} {.metadata.generation} {.status.conditions[?(@.type==\"Ready\")].status}")
			g.Expect(err).NotTo(HaveOccurred(), out)
			f := strings.Fields(out)
			g.Expect(f).To(HaveLen(3), out)
			g.Expect(f[0]).To(Equal(f[1]), "the restarted manager reconciled the new generation")
			g.Expect(f[2]).To(Equal("True"))
		}).WithContext(ctx).WithTimeout(30 * time.Second).Should(Succeed())
		Consistently(func(g Gomega) {
			out, err := run(ctx, kubeconfig, "get", "plock", "default", "-o",
				"jsonpath={.status.activeProvider} {.status.epoch} {range .status.history[*]}{.reason},{end}")
			g.Expect(err).NotTo(HaveOccurred(), out)
			g.Expect(out).To(Equal("baseline 1 Initial,"))
		}).WithContext(ctx).WithTimeout(3 * time.Second).WithPolling(500 * time.Millisecond).Should(Succeed())
		out, err = run(ctx, kubeconfig, "wait", "--for=condition=Ready", "forecasts", "--all", "-A", "--timeout=30s")
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(restarted.stop(syscall.SIGTERM, 15*time.Second)).To(Succeed(), restarted.output.String())
	})
})

// freeAddress returns a loopback address with a port nobody listens on.
func freeAddress() string {
	GinkgoHelper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	defer l.Close()
	return l.Addr().String()
}
