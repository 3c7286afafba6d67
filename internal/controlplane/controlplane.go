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

// watchTerminationGrace is how long a stopping kube-apiserver lets open
// watches drain before it closes them.
const watchTerminationGrace = "2s"

// Environment is a running control plane with the operator's CRDs.
type Environment struct {
	*envtest.Environment
	Config *rest.Config
	// Kubeconfig is a kubeconfig of an admin user, for kubectl and the
	// manager binary.
	Kubeconfig []byte

	// certs keeps the API server's certificates and keys once
	// StopAPIServer has stopped it; Stop removes it.
	certs string
}

// Options change how Start starts the control plane; the zero value is
// what Start does.
type Options struct {
	// AuditPolicyFile, when set, turns the API server's audit log on with
	// this policy (an audit.k8s.io/v1 Policy), written as JSON lines to
	// AuditLogPath: a test reads it to see every request a client made and
	// what the API server answered.
	AuditPolicyFile string
	AuditLogPath    string
}

// Start starts the control plane and installs the CRDs from config/crd/bases.
func Start(root string) (*Environment, error) {
	return StartWith(root, Options{})
}

// StartWith is Start with options.
func StartWith(root string, opts Options) (*Environment, error) {
	if (opts.AuditPolicyFile == "") != (opts.AuditLogPath == "") {
		return nil, errors.New("an audit log needs both AuditPolicyFile and AuditLogPath")
	}
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
	// Without a watch termination grace period, a kube-apiserver told to
	// stop (Stop, StopAPIServer) stops listening at once but waits for
	// every open watch to end, which a running client never does, until
	// envtest kills it after 20 seconds: a restart would take that long.
	// With one, it closes the watches it has left after that period, as a
	// cluster's API server configured for graceful restarts does.
	api := env.ControlPlane.GetAPIServer().Configure()
	api.Set("shutdown-watch-termination-grace-period", watchTerminationGrace)
	if opts.AuditPolicyFile != "" {
		// Blocking mode: each event is in the file before the response is
		// sent, so a reader sees every request made so far.
		api.Set("audit-policy-file", opts.AuditPolicyFile).
			Set("audit-log-path", opts.AuditLogPath).
			Set("audit-log-format", "json").
			Set("audit-log-mode", "blocking")
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

// StopAPIServer stops the kube-apiserver and leaves etcd running, for
// StartAPIServer to start it again: a restart of the API server, as a
// cluster's control plane goes through on an upgrade. envtest alone would
// start it again with new serving certificates, since its Stop removes the
// directory they are in; StopAPIServer keeps a copy of that directory (the
// serving certificate, the client CA, the service-account keys) so that
// every kubeconfig made before, and every client running on one, works
// again once the API server is back.
func (e *Environment) StopAPIServer() error {
	api := e.ControlPlane.APIServer
	if api == nil {
		return errors.New("the control plane has no API server")
	}
	if e.certs == "" {
		keep, err := os.MkdirTemp("", "controlplane-certs-")
		if err != nil {
			return err
		}
		if err := os.CopyFS(keep, os.DirFS(api.CertDir)); err != nil {
			_ = os.RemoveAll(keep)
			return fmt.Errorf("keeping the API server's certificates: %w", err)
		}
		e.certs = keep
	}
	return api.Stop()
}

// StartAPIServer starts the kube-apiserver that StopAPIServer stopped, on
// the same address, with the same certificates and the same etcd, and
// returns once it is healthy.
func (e *Environment) StartAPIServer() error {
	api := e.ControlPlane.APIServer
	if api == nil || e.certs == "" {
		return errors.New("StartAPIServer starts an API server that StopAPIServer stopped")
	}
	// A CertDir given by the caller is one envtest neither replaces nor
	// removes, and the certificates it holds are used as they are.
	api.CertDir = e.certs
	return api.Start()
}

// Stop stops the control plane, and removes the certificates StopAPIServer
// kept.
func (e *Environment) Stop() error {
	err := e.Environment.Stop()
	if e.certs != "" {
		err = errors.Join(err, os.RemoveAll(e.certs))
	}
	return err
}
