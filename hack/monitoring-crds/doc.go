// Package monitoringcrds pins the prometheus-operator API types whose CRDs
// the install test needs (ServiceMonitor, PrometheusRule): the Go module
// ships no CRD YAML, so generate.sh makes them with controller-gen from
// these types, offline, into testdata/monitoring-crds.
package monitoringcrds

import _ "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
