package v1alpha1_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/controlplane"
)

// This suite checks the API itself on a real API server: what admission
// accepts and refuses, with which message. No controller runs.

var (
	ctx    = context.Background()
	k8s    client.Client
	env    *controlplane.Environment
	root   string
	scheme = runtime.NewScheme()
)

func TestAPI(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "API validation suite")
}

var _ = BeforeSuite(func() {
	SetDefaultEventuallyTimeout(30 * time.Second)
	SetDefaultEventuallyPollingInterval(100 * time.Millisecond)
	EnforceDefaultTimeoutsWhenUsingContexts()
	Expect(clientgoscheme.AddToScheme(scheme)).To(Succeed())
	Expect(v1.AddToScheme(scheme)).To(Succeed())
	var err error
	root, err = controlplane.Root()
	Expect(err).NotTo(HaveOccurred())
	env, err = controlplane.Start(root)
	Expect(err).NotTo(HaveOccurred())
	k8s, err = client.New(env.Config, client.Options{Scheme: scheme})
	Expect(err).NotTo(HaveOccurred())
})

var _ = AfterSuite(func() {
	if env != nil {
		Expect(env.Stop()).To(Succeed())
	}
})

func samplePath(name string) string { return filepath.Join(root, "config", "samples", name) }

// kubectl runs the kubectl built with the control plane as the admin user.
func kubectl(args ...string) (string, error) {
	kubeconfig := filepath.Join(GinkgoT().TempDir(), "kubeconfig")
	if err := os.WriteFile(kubeconfig, env.Kubeconfig, 0o600); err != nil {
		return "", err
	}
	cmd := exec.Command(filepath.Join(controlplane.BinaryDir(root), "kubectl"), append([]string{"--kubeconfig", kubeconfig}, args...)...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}
