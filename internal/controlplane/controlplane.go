// Package controlplane starts a real kube-apiserver and etcd, built from
// source by hack/build-controlplane.sh, through envtest. The test suites,
// the end-to-end tests and local mode all use it.
package controlplane

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// KubernetesVersion is the version of the binaries hack/build-controlplane.sh builds.
const KubernetesVersion = "1.37.2"

// Root returns the repository root: the nearest folder above the working
// directory that holds the operator's go.mod.
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "hack", "build-controlplane.sh")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("cannot find the repository root (no hack/build-controlplane.sh above the working directory)")
		}
		dir = parent
	}
}

// BinaryDir is where the control-plane binaries are: $CONTROLPLANE_DIR or
// bin/k8s/<version>-<os>-<arch> under root.
func BinaryDir(root string) string {
	if dir := os.Getenv("CONTROLPLANE_DIR"); dir != "" {
		return dir
	}
	return filepath.Join(root, "bin", "k8s", fmt.Sprintf("%s-%s-%s", KubernetesVersion, runtime.GOOS, runtime.GOARCH))
}

// Environment is a running control plane with the operator's CRDs.
type Environment struct {
	*envtest.Environment
	Config *rest.Config
	// Kubeconfig is a kubeconfig of an admin user, for kubectl and the
	// manager binary.
	Kubeconfig []byte
}

// Start starts the control plane and installs the CRDs from config/crd/bases.
func Start(root string) (*Environment, error) {
	bin := BinaryDir(root)
	for _, name := range []string{"kube-apiserver", "etcd"} {
		if _, err := os.Stat(filepath.Join(bin, name)); err != nil {
			return nil, fmt.Errorf("%s is missing from %s: run `make controlplane` (hack/build-controlplane.sh) first", name, bin)
		}
	}
	env := &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join(root, "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
		BinaryAssetsDirectory: bin,
	}
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("starting the control plane: %w", err)
	}
	e := &Environment{Environment: env, Config: cfg}
	user, err := env.AddUser(envtest.User{Name: "admin", Groups: []string{"system:masters"}}, nil)
	if err == nil {
		e.Kubeconfig, err = user.KubeConfig()
	}
	if err != nil {
		_ = env.Stop()
		return nil, fmt.Errorf("creating an admin kubeconfig: %w", err)
	}
	return e, nil
}

// Apply creates every object of the YAML files (multi-document) in paths;
// namespaced objects without a namespace go to `default`, as with kubectl.
func Apply(ctx context.Context, c client.Client, paths ...string) error {
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		err = applyStream(ctx, c, f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	return nil
}

func applyStream(ctx context.Context, c client.Client, r io.Reader) error {
	dec := utilyaml.NewYAMLOrJSONDecoder(r, 4096)
	for {
		var obj unstructured.Unstructured
		if err := dec.Decode(&obj.Object); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		if len(obj.Object) == 0 {
			continue
		}
		if namespaced, err := c.IsObjectNamespaced(&obj); err != nil {
			return err
		} else if namespaced && obj.GetNamespace() == "" {
			obj.SetNamespace("default")
		}
		if err := c.Create(ctx, &obj); err != nil {
			return fmt.Errorf("creating %s %s: %w", obj.GetKind(), obj.GetName(), err)
		}
	}
}
