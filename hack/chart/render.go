// Package chart renders the operator's two installs, the Helm chart in
// charts/bottleneck-operator and the kustomize overlays in config/, so that a
// test can hold them to the same objects. It is a module of its own: the
// Helm SDK and kustomize stay out of the operator's go.mod.
package chart

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/v2/lint/support"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	release "helm.sh/helm/v4/pkg/release/v1"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

const (
	// ReleaseName and Namespace give the chart's objects the names and the
	// namespace of config/default (namePrefix bottleneck-, namespace
	// bottleneck-system), so that the two installs are interchangeable.
	ReleaseName = "bottleneck"
	Namespace   = "bottleneck-system"

	// ChartPath is the chart's directory, relative to the repository root.
	ChartPath = "charts/bottleneck-operator"

	// testedKubeVersion is the Kubernetes the chart is rendered and linted
	// for: the project's local control plane. Helm's client-side default is
	// an old v1.20, below the chart's kubeVersion.
	testedKubeVersion = "v1.37.2"
)

// Values returns the values of the default install, with the Prometheus
// Operator's ServiceMonitor and PrometheusRule when monitoring is set.
func Values(monitoring bool) map[string]any {
	if !monitoring {
		return map[string]any{}
	}
	on := map[string]any{"enabled": true}
	return map[string]any{"serviceMonitor": on, "prometheusRule": on}
}

// RenderChart renders the chart in dir as `helm template --include-crds`
// does: client-side, with release ReleaseName in Namespace. It returns the
// manifest as multi-document YAML, CRDs first.
func RenderChart(dir string, values map[string]any) ([]byte, error) {
	chrt, err := loader.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("loading the chart %s: %w", dir, err)
	}
	install := action.NewInstall(action.NewConfiguration(action.ConfigurationSetLogger(slog.DiscardHandler)))
	install.DryRunStrategy = action.DryRunClient
	install.ReleaseName = ReleaseName
	install.Namespace = Namespace
	install.Replace = true // no cluster to look for an earlier release in
	install.IncludeCRDs = true
	kubeVersion, err := common.ParseKubeVersion(testedKubeVersion)
	if err != nil {
		return nil, err
	}
	install.KubeVersion = kubeVersion
	releaser, err := install.Run(chrt, values)
	if err != nil {
		return nil, fmt.Errorf("rendering the chart %s: %w", dir, err)
	}
	rel, ok := releaser.(*release.Release)
	if !ok {
		return nil, fmt.Errorf("rendering the chart %s: unexpected release type %T", dir, releaser)
	}
	return []byte(rel.Manifest), nil
}

// LintChart runs Helm's chart linter (`helm lint --strict`) on the chart in
// dir with values, for the Kubernetes the project tests against. It
// returns every message at warning level or above, each with its file.
func LintChart(dir string, values map[string]any) ([]string, error) {
	lint := action.NewLint()
	lint.Strict = true
	lint.Namespace = Namespace
	kubeVersion, err := common.ParseKubeVersion(testedKubeVersion)
	if err != nil {
		return nil, err
	}
	lint.KubeVersion = kubeVersion
	result := lint.Run([]string{dir}, values)
	var problems []string
	for _, msg := range result.Messages {
		if msg.Severity >= support.WarningSev {
			problems = append(problems, msg.Error())
		}
	}
	for _, err := range result.Errors {
		problems = append(problems, err.Error())
	}
	return slices.Compact(slices.Sorted(slices.Values(problems))), nil
}

// RenderKustomize builds the kustomization in dir as `kubectl kustomize`
// does (kubectl 1.37 embeds the same kustomize API), without needing a
// kubectl binary.
func RenderKustomize(dir string) ([]byte, error) {
	resources, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return nil, fmt.Errorf("building %s: %w", dir, err)
	}
	return resources.AsYaml()
}

// RepoRoot finds the repository root from dir upwards: the directory that
// holds the chart.
func RepoRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, ChartPath, "Chart.yaml")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no " + ChartPath + "/Chart.yaml above the working directory")
		}
		dir = parent
	}
}
