// Command render writes the Helm chart rendered with its default values
// (release bottleneck, namespace bottleneck-system) as multi-document YAML,
// for tests that install the chart's objects without a helm binary:
//
//	go -C hack/chart run ./cmd/render -o FILE [-monitoring]
//
// A relative FILE is relative to hack/chart (go -C changes directory).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	chart "github.com/bottleneck-io/bottleneck-operator/hack/chart"
)

func main() {
	out := flag.String("o", "", "the file to write the manifest to (required)")
	monitoring := flag.Bool("monitoring", false, "enable the ServiceMonitor and the PrometheusRule")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := render(*out, *monitoring); err != nil {
		fmt.Fprintln(os.Stderr, "render:", err)
		os.Exit(1)
	}
}

func render(out string, monitoring bool) error {
	root, err := chart.RepoRoot(".")
	if err != nil {
		return err
	}
	manifest, err := chart.RenderChart(filepath.Join(root, chart.ChartPath), chart.Values(monitoring))
	if err != nil {
		return err
	}
	return os.WriteFile(out, manifest, 0o644)
}
