package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("local mode", func() {
	It("brings the three samples to Ready on baseline, and Ctrl-C leaves no process behind", func(ctx SpecContext) {
		kubeconfig := filepath.Join(GinkgoT().TempDir(), "kubeconfig")
		started := time.Now()
		local := startLocalMode("--kubeconfig-out", kubeconfig,
			"--metrics-bind-address=0", "--health-probe-bind-address=0", "--dashboard-bind-address=127.0.0.1:0")
		Eventually(func() string { return local.output.String() }).WithTimeout(60 * time.Second).
			Should(ContainSubstring("Press Ctrl-C"))
		Expect(local.output.String()).To(ContainSubstring("kubeconfig:  " + kubeconfig))

		out, err := run(ctx, kubeconfig, "wait", "--for=condition=Ready", "forecasts", "--all", "-A", "--timeout=60s")
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(strings.Count(out, "condition met")).To(Equal(3), out)
		fmt.Fprintf(GinkgoWriter, "local mode: all three samples Ready %s after start\n", time.Since(started).Round(100*time.Millisecond))
		AddReportEntry("local mode start to all-Ready", time.Since(started).Round(100*time.Millisecond).String())

		out, err = run(ctx, kubeconfig, "get", "plock", "default", "-o", "jsonpath={.status.activeProvider} {.status.epoch}")
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(out).To(Equal("baseline 1"))

		children := childProcesses(local.cmd.Process.Pid)
		Expect(children).To(HaveLen(2), "kube-apiserver and etcd")

		By("the terminal shows info lines only: no Event echoed at debug level buries what to type next")
		Expect(local.output.String()).NotTo(ContainSubstring("\tDEBUG\t"))

		By("pressing Ctrl-C")
		Expect(local.stop(syscall.SIGINT, 30*time.Second)).To(Succeed(), local.output.String())
		for _, pid := range children {
			Expect(processExists(pid)).To(BeFalse(), "process %d outlived local mode", pid)
		}
		Expect(kubeconfig).NotTo(BeAnExistingFile(), "local mode removes its kubeconfig")
	})
})

// childProcesses lists the processes whose parent is pid.
func childProcesses(pid int) []int {
	GinkgoHelper()
	entries, err := os.ReadDir("/proc")
	Expect(err).NotTo(HaveOccurred())
	var out []int
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// The fields after the command name (which may hold spaces) in ")".
		rest := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(rest) > 1 && rest[1] == strconv.Itoa(pid) {
			out = append(out, child)
		}
	}
	return out
}

func processExists(pid int) bool {
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return false
	}
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z"
}

var _ = Describe("local mode with fake providers", func() {
	It("locks openai, served by the fake server, and its Forecasts name it", func(ctx SpecContext) {
		kubeconfig := filepath.Join(GinkgoT().TempDir(), "kubeconfig")
		local := startLocalMode("--kubeconfig-out", kubeconfig, "--fake-providers=127.0.0.1:0",
			"--metrics-bind-address=0", "--health-probe-bind-address=0", "--dashboard-bind-address=0")
		Eventually(func() string { return local.output.String() }).WithTimeout(60 * time.Second).
			Should(ContainSubstring("served by a fake server"))

		out, err := run(ctx, kubeconfig, "wait", "--for=condition=Ready", "forecasts", "--all", "-A", "--timeout=60s")
		Expect(err).NotTo(HaveOccurred(), out)
		out, err = run(ctx, kubeconfig, "get", "fc", "-A", "-o", "jsonpath={range .items[*]}{.status.provider}{\"\\n\"}{end}")
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(strings.Fields(out)).To(Equal([]string{"openai", "openai", "openai"}))
		out, err = run(ctx, kubeconfig, "get", "plock", "default", "-o", "jsonpath={.status.providers[*].state}")
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(out).To(Equal("Active Standby Standby Standby Standby Standby"))

		By("a scripted outage: openai answers 503, each sample asks once more, the third failure moves the lock")
		breakProvider(ctx, printed(local, `served by a fake server at (http://\S+) `), "openai")
		for _, fc := range []string{"usa-port-throughput", "deu-peak-load", "sgp-air-cargo"} {
			out, err = run(ctx, kubeconfig, "patch", "fc", fc, "--type", "merge", "-p", `{"spec":{"horizon":5}}`)
			Expect(err).NotTo(HaveOccurred(), out)
		}
		out, err = run(ctx, kubeconfig, "wait", "--for=jsonpath={.status.activeProvider}=gemini", "plock/default", "--timeout=60s")
		Expect(err).NotTo(HaveOccurred(), out)
		out, err = run(ctx, kubeconfig, "wait", "--for=condition=Ready", "forecasts", "--all", "-A", "--timeout=60s")
		Expect(err).NotTo(HaveOccurred(), out)

		lockYAML, err := run(ctx, kubeconfig, "get", "plock", "default", "-o", "yaml")
		Expect(err).NotTo(HaveOccurred(), lockYAML)
		AddReportEntry("kubectl get plock default -o yaml, after the outage", lockYAML)
		Expect(lockYAML).To(ContainSubstring("activeProvider: gemini"))
		Expect(lockYAML).To(ContainSubstring("epoch: 2"))
		Expect(lockYAML).To(MatchRegexp(`(?s)history:\s+- epoch: 2\s+from: openai\s+message: .*reason: FailureThreshold\s+time: \S+\s+to: gemini`))
		out, err = run(ctx, kubeconfig, "get", "plock", "default", "-o", "jsonpath={.status.history[0].message}")
		Expect(err).NotTo(HaveOccurred(), out)
		// Three samples, and perhaps the lock's confirming probe, seen together.
		Expect(out).To(MatchRegexp(`^openai failed [34] times since its last success \(threshold 3; [^)]*\); last: (health probe failed: )?openai: ServerError \(HTTP 503\)`))
		out, err = run(ctx, kubeconfig, "get", "plock", "default", "-o", `jsonpath={.status.providers[?(@.name=="openai")].state}`)
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(out).To(Equal("CoolingDown"))
		events, err := run(ctx, kubeconfig, "get", "events", "-A", "--field-selector", "involvedObject.kind=ProviderLock")
		Expect(err).NotTo(HaveOccurred(), events)
		AddReportEntry("kubectl get events, after the outage", events)
		Expect(events).To(MatchRegexp(`Warning\s+FailureThreshold\s+providerlock/default\s+lock moved from openai to gemini \(epoch 2\)`))
		out, err = run(ctx, kubeconfig, "get", "fc", "-A", "-o", "jsonpath={range .items[*]}{.status.provider}{\"\\n\"}{end}")
		Expect(err).NotTo(HaveOccurred(), out)
		Expect(strings.Fields(out)).To(Equal([]string{"gemini", "gemini", "gemini"}))

		Expect(local.stop(syscall.SIGINT, 30*time.Second)).To(Succeed(), local.output.String())
	})
})
