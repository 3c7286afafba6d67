package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestMetricNames(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want []string
	}{
		{`histogram_quantile(0.95, sum by (le, provider) (rate(foo_seconds_bucket{job=~"value"}[5m])))`, []string{"foo_seconds_bucket"}},
		{`sum(a_total) / ignoring (reason) group_left sum(b_total) or vector(0)`, []string{"a_total", "b_total"}},
		{`{__name__="by_name", job="x"} offset 5m`, []string{"by_name"}},
		{`max by (provider) (bottleneck:errors:rate5m) > bool 0`, []string{"bottleneck:errors:rate5m"}},
		{`label_replace(up, "x", "$1", "job", "(.*)")`, []string{"up"}},
		{`time() - 1`, nil},
	} {
		got, err := metricNames(tc.expr)
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.expr, got, tc.want)
		}
	}
}

func TestMetricNamesRefusesWhatItCannotCheck(t *testing.T) {
	for _, expr := range []string{`{__name__=~"bottleneck_.*"}`, `rate(foo[5m]`} {
		if _, err := metricNames(expr); err == nil {
			t.Errorf("%s: no error", expr)
		}
	}
}

func TestInterpolate(t *testing.T) {
	got := interpolate(`rate(x{namespace=~"$namespace", job=~"${job:regex}", a="[[b]]"}[$__rate_interval])`)
	want := `rate(x{namespace=~"value", job=~"value", a="value"}[5m])`
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

const dashboardJSON = `{
  "panels": [
    {"type": "row", "title": "row", "panels": [
      {"title": "nested", "targets": [{"refId": "A", "expr": "sum(rate(nested_total[$__rate_interval]))"}]}]},
    {"title": "latency", "targets": [{"refId": "A", "expr": "histogram_quantile(0.5, sum by (le) (rate(lat_seconds_bucket[5m])))"},
      {"refId": "B", "expr": "recorded:rate5m"}]}
  ],
  "templating": {"list": [
    {"name": "datasource", "type": "datasource", "query": "prometheus"},
    {"name": "job", "type": "query", "query": {"query": "label_values(jobs_metric{namespace=~\"$namespace\"}, job)"}},
    {"name": "ns", "type": "query", "query": "label_values(namespace)"}
  ]}
}`

const rulesYAML = `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: rules}
spec:
  groups:
  - name: g
    rules:
    - record: recorded:rate5m
      expr: sum(rate(source_total[5m]))
    - alert: Broken
      expr: up == 0 and absent(ALERTS{alertname="x"}) and alert_input > 1
`

func writeFixtures(t *testing.T) []string {
	dir := t.TempDir()
	dash, rules := filepath.Join(dir, "dash.json"), filepath.Join(dir, "rules.yaml")
	for path, text := range map[string]string{dash: dashboardJSON, rules: rulesYAML} {
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return []string{dash, rules}
}

func TestUsedNames(t *testing.T) {
	used, err := usedNames(writeFixtures(t))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range used {
		names = append(names, u.Name)
	}
	names = slices.Compact(names)
	// recorded:rate5m is the rule's, up and ALERTS are Prometheus's.
	want := []string{"alert_input", "jobs_metric", "lat_seconds_bucket", "nested_total", "source_total"}
	if !slices.Equal(names, want) {
		t.Errorf("got %v, want %v", names, want)
	}
}

const scrapeText = `# HELP lat_seconds Latency.
# TYPE lat_seconds histogram
lat_seconds_bucket{le="1"} 1
lat_seconds_bucket{le="+Inf"} 1
lat_seconds_sum 0.5
lat_seconds_count 1
# HELP nested_total A counter.
# TYPE nested_total counter
nested_total 3
# HELP unused_labelled_total Described but never used: no series.
# TYPE unused_labelled_total counter
# HELP jobs_metric A gauge.
# TYPE jobs_metric gauge
jobs_metric 1
source_total 2
`

func TestRunReportsWhatTheScrapeLacks(t *testing.T) {
	files := writeFixtures(t)
	exposition := filepath.Join(t.TempDir(), "metrics.txt")
	if err := os.WriteFile(exposition, []byte(scrapeText), 0o600); err != nil {
		t.Fatal(err)
	}
	err := run(exposition, files)
	if err == nil {
		t.Fatal("no error, but alert_input is not served")
	}
	if !strings.Contains(err.Error(), "alert_input") || !strings.Contains(err.Error(), `rule Broken`) {
		t.Errorf("the error does not name the missing metric and its rule: %v", err)
	}
	if strings.Contains(err.Error(), "lat_seconds_bucket") || strings.Contains(err.Error(), "nested_total") {
		t.Errorf("a served name is reported missing: %v", err)
	}
	served := scrapeText + "# TYPE alert_input gauge\nalert_input 1\n"
	if err := os.WriteFile(exposition, []byte(served), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run(exposition, files); err != nil {
		t.Errorf("every name is served: %v", err)
	}
}

func TestSampleNamesSkipsFamiliesWithoutSeries(t *testing.T) {
	names, err := sampleNames(strings.NewReader(scrapeText))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"lat_seconds_bucket", "lat_seconds_sum", "lat_seconds_count", "nested_total", "source_total"} {
		if !names[n] {
			t.Errorf("%s missing from %v", n, names)
		}
	}
	if names["unused_labelled_total"] || names["lat_seconds"] {
		t.Errorf("a name with no series: %v", names)
	}
}
