package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/bottleneck-io/bottleneck-operator/internal/controlplane"
)

var _ = Describe("the manager binary", func() {
	It("brings the samples to Ready on baseline and stops cleanly", func(ctx SpecContext) {
		env, err := controlplane.Start(root)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(env.Stop)
		kubeconfig := filepath.Join(GinkgoT().TempDir(), "kubeconfig")
		Expect(os.WriteFile(kubeconfig, env.Kubeconfig, 0o600)).To(Succeed())

		By("applying the samples with kubectl, as a user would")
		out, err := run(ctx, kubeconfig, "apply", "-k", "config/samples")
		Expect(err).NotTo(HaveOccurred(), out)

		By("running the manager binary")
		manager := start("manager", root, "--kubeconfig", kubeconfig,
			"--metrics-bind-address=0", "--health-probe-bind-address=127.0.0.1:0")

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

		By("stopping the manager with SIGTERM, as the kubelet would")
		Expect(manager.stop(syscall.SIGTERM, 15*time.Second)).To(Succeed(), manager.output.String())
	})
})
