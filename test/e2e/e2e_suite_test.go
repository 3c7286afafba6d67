// Package e2e runs the operator as a user would: the built manager binary
// (and local mode) against a real kube-apiserver and etcd, driven with the
// kubectl built beside them.
package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/bottleneck-io/bottleneck-operator/internal/controlplane"
	"github.com/bottleneck-io/bottleneck-operator/internal/syncbuffer"
)

var (
	root    string
	binDir  string // the binaries built for this run
	kubectl string
)

func TestE2E(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "End-to-end suite")
}

var _ = BeforeSuite(func() {
	SetDefaultEventuallyTimeout(30 * time.Second)
	SetDefaultEventuallyPollingInterval(100 * time.Millisecond)
	EnforceDefaultTimeoutsWhenUsingContexts()
	var err error
	root, err = controlplane.Root()
	Expect(err).NotTo(HaveOccurred())
	kubectl = filepath.Join(controlplane.BinaryDir(root), "kubectl")
	Expect(kubectl).To(BeAnExistingFile(), "run `make controlplane` first")
	binDir = GinkgoT().TempDir()
	buildImageManager(root, filepath.Join(binDir, "manager"))
	for name, pkg := range map[string]string{"localmode": "./cmd/localmode", "fakeprovider": "./cmd/fakeprovider"} {
		// Built as the image builds the manager, to share its build cache.
		build := exec.Command("go", "build", "-trimpath", "-o", filepath.Join(binDir, name), pkg)
		build.Dir = root
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		out, err := build.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), "building %s: %s", name, out)
	}
	// E2E_MANAGER runs the specs against another build of the manager, e.g.
	// an older release, to show what a change fixes.
	if other := os.Getenv("E2E_MANAGER"); other != "" {
		Expect(os.Symlink(other, filepath.Join(binDir, "manager.other"))).To(Succeed())
		Expect(os.Rename(filepath.Join(binDir, "manager.other"), filepath.Join(binDir, "manager"))).To(Succeed())
	}
})

// startControlPlane starts a kube-apiserver and etcd for the spec (stopped
// when it ends) and returns the path of a kubeconfig for them.
func startControlPlane() string {
	GinkgoHelper()
	_, kubeconfig := startControlPlaneEnv()
	return kubeconfig
}

// startControlPlaneEnv is startControlPlane that also returns the
// environment, for a spec that restarts its API server.
func startControlPlaneEnv() (*controlplane.Environment, string) {
	GinkgoHelper()
	env, err := controlplane.Start(root)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(env.Stop)
	kubeconfig := filepath.Join(GinkgoT().TempDir(), "kubeconfig")
	Expect(os.WriteFile(kubeconfig, env.Kubeconfig, 0o600)).To(Succeed())
	return env, kubeconfig
}

// process is a binary started by a test, with its output kept for failures.
type process struct {
	cmd    *exec.Cmd
	output *syncbuffer.Buffer
	done   chan error
	// interruptFirst has cleanup send SIGINT, and wait, before it kills:
	// local mode's kube-apiserver and etcd are in process groups of their
	// own, which outlive a SIGKILL of local mode.
	interruptFirst bool
}

func start(name string, dir string, args ...string) *process {
	GinkgoHelper()
	p := launch(name, dir, args...)
	DeferCleanup(p.cleanup)
	return p
}

// launch starts a binary whose end the caller sees to (cleanup).
func launch(name string, dir string, args ...string) *process {
	GinkgoHelper()
	p := &process{cmd: exec.Command(filepath.Join(binDir, name), args...), output: &syncbuffer.Buffer{}, done: make(chan error, 1)}
	p.cmd.Dir = dir
	p.cmd.Stdout, p.cmd.Stderr = p.output, p.output
	Expect(p.cmd.Start()).To(Succeed())
	go func() { p.done <- p.cmd.Wait() }()
	return p
}

// startLocalMode starts local mode, which a failed spec's cleanup stops as
// Ctrl-C would, so that the control plane it started stops with it.
func startLocalMode(args ...string) *process {
	GinkgoHelper()
	p := start("localmode", root, args...)
	p.interruptFirst = true
	return p
}

// cleanup stops the process if it still runs, and prints its output when
// the spec failed.
func (p *process) cleanup() {
	if p.cmd.ProcessState == nil {
		p.end()
	}
	if CurrentSpecReport().Failed() {
		fmt.Fprintf(GinkgoWriter, "--- output of %s ---\n%s\n", filepath.Base(p.cmd.Path), p.output.String())
	}
}

// end ends the process: with SIGINT first when it must stop its own
// children, with SIGKILL when that does not end it within 30 seconds.
func (p *process) end() {
	if p.interruptFirst && p.cmd.Process.Signal(os.Interrupt) == nil {
		select {
		case <-p.done:
			return
		case <-time.After(30 * time.Second):
		}
	}
	_ = p.cmd.Process.Kill()
	<-p.done
}

// stop sends sig and returns the exit error, or fails after the timeout.
func (p *process) stop(sig os.Signal, timeout time.Duration) error {
	GinkgoHelper()
	Expect(p.cmd.Process.Signal(sig)).To(Succeed())
	select {
	case err := <-p.done:
		return err
	case <-time.After(timeout):
		Fail(fmt.Sprintf("%s did not stop within %s after %s", p.cmd.Path, timeout, sig))
		return nil
	}
}

// run runs kubectl with the kubeconfig and returns its output.
func run(ctx context.Context, kubeconfig string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, kubectl, append([]string{"--kubeconfig", kubeconfig}, args...)...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	return string(out), err
}
