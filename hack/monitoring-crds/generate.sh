#!/usr/bin/env bash
# Regenerates testdata/monitoring-crds: the monitoring.coreos.com CRDs the
# operator's monitoring manifests use (ServiceMonitor, PrometheusRule),
# made by controller-gen from the prometheus-operator Go types this module
# pins (the module ships no CRD YAML). Offline once the module is in the Go
# module cache. Run from the repository root: hack/monitoring-crds/generate.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/testdata/monitoring-crds"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$root/hack/monitoring-crds" && "$root/bin/controller-gen" crd:crdVersions=v1,maxDescLen=0 \
	paths=github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1 output:crd:dir="$tmp")
mkdir -p "$out"
for kind in servicemonitors prometheusrules; do
	cp "$tmp/monitoring.coreos.com_$kind.yaml" "$out/"
done
