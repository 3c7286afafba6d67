package chart

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The chart with default values must install what `kubectl apply -k
// config/default` does, and with monitoring on what config/monitoring does,
// object by object. One difference is deliberate: the chart does not create
// its release namespace (Helm stores the release there before it creates any
// object; users pass --create-namespace or create it with its pod-security
// label, see the chart's README).
func TestChartMatchesKustomize(t *testing.T) {
	root := repoRoot(t)
	for _, tc := range []struct {
		name          string
		kustomization string
		monitoring    bool
	}{
		{"default values", "config/default", false},
		{"monitoring on", "config/monitoring", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := decode(t, check(RenderKustomize(filepath.Join(root, tc.kustomization)))(t))
			delete(want, "Namespace//"+Namespace)
			got := decode(t, check(RenderChart(filepath.Join(root, ChartPath), Values(tc.monitoring)))(t))
			if diff := Diff(want, got); diff != "" {
				t.Errorf("the chart differs from %s:\n%s", tc.kustomization, diff)
			}
		})
	}
}

// The chart passes `helm lint --strict`, with the default values and with
// every optional object on.
func TestChartLints(t *testing.T) {
	dir := filepath.Join(repoRoot(t), ChartPath)
	for name, values := range map[string]map[string]any{
		"default values": Values(false),
		"monitoring on":  Values(true),
		"everything on": {
			"serviceMonitor":       map[string]any{"enabled": true, "additionalLabels": map[string]any{"release": "prometheus"}},
			"prometheusRule":       map[string]any{"enabled": true},
			"dashboard":            map[string]any{"expose": true, "secure": true},
			"credentialsNamespace": "provider-keys",
			"podAnnotations":       map[string]any{"example.com/team": "data"},
			"extraArgs":            []any{"--zap-log-level=debug"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			problems := check(LintChart(dir, values))(t)
			for _, p := range problems {
				t.Error(p)
			}
		})
	}
}

// The files the chart cannot template must be exact copies of the
// generated or hand-written sources: `make manifests` copies them.
func TestChartCopiesAreCurrent(t *testing.T) {
	root := repoRoot(t)
	for copied, source := range map[string]string{
		"crds/forecast.bottleneck.io_forecasts.yaml":     "config/crd/bases/forecast.bottleneck.io_forecasts.yaml",
		"crds/forecast.bottleneck.io_providerlocks.yaml": "config/crd/bases/forecast.bottleneck.io_providerlocks.yaml",
		"files/role.yaml":  "config/rbac/role.yaml",
		"files/rules.yaml": "config/prometheus/rules.yaml",
	} {
		got := readFile(t, filepath.Join(root, ChartPath, copied))
		if !bytes.Equal(got, readFile(t, filepath.Join(root, source))) {
			t.Errorf("%s/%s is not a copy of %s: run make manifests", ChartPath, copied, source)
		}
	}
}

func repoRoot(t *testing.T) string {
	t.Helper()
	return check(RepoRoot("."))(t)
}

func decode(t *testing.T, manifest []byte) map[string]Object {
	t.Helper()
	return check(Decode(manifest))(t)
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	return check(os.ReadFile(path))(t)
}

// check returns v, failing the test that calls the result if err is set.
func check[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
