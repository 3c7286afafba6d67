package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestSeriesReads(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want []Use
	}{
		{`histogram_quantile(0.95, sum by (le, provider) (rate(foo_seconds_bucket{job=~"value"}[5m])))`,
			[]Use{{Name: "foo_seconds_bucket", Labels: []string{"job", "le", "provider"}}}},
		{`sum(a_total) / ignoring (reason) group_left sum(b_total) or vector(0)`,
			[]Use{{Name: "a_total"}, {Name: "b_total"}}},
		{`{__name__="by_name", job="x"} offset 5m`, []Use{{Name: "by_name", Labels: []string{"job"}}}},
		{`max by (provider) (bottleneck:errors:rate5m) > bool 0`, []Use{{Name: "bottleneck:errors:rate5m", Labels: []string{"provider"}}}},
		// on (...) reads its labels on both sides; without (...) reads none.
		{`max by (namespace, provider) (x == 1) and on (namespace) sum without (pod) (y{type="Degraded"})`,
			[]Use{{Name: "x", Labels: []string{"namespace", "provider"}}, {Name: "y", Labels: []string{"namespace", "type"}}}},
		// A label that label_replace or count_values makes is not read from the series.
		{`sum by (team, src) (label_replace(up, "team", "$1", "src", "(.*)"))`, []Use{{Name: "up", Labels: []string{"src"}}}},
		{`sum by (version) (count_values("version", build_info))`, []Use{{Name: "build_info"}}},
		// A matcher that an absent label passes does not need the label.
		{`foo_total{reason="", ready!="True", kind=~"a|"} + on () bar{kind="a"}`,
			[]Use{{Name: "foo_total"}, {Name: "bar", Labels: []string{"kind"}}}},
		{`time() - 1`, nil},
	} {
		got, err := seriesReads(tc.expr)
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		if !slices.EqualFunc(got, tc.want, func(a, b Use) bool { return a.Name == b.Name && slices.Equal(a.Labels, b.Labels) }) {
			t.Errorf("%s: got %v, want %v", tc.expr, got, tc.want)
		}
	}
}

func TestSeriesReadsRefusesWhatItCannotCheck(t *testing.T) {
	for _, expr := range []string{`{__name__=~"bottleneck_.*"}`, `rate(foo[5m]`} {
		if _, err := seriesReads(expr); err == nil {
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

func TestServedSkipsFamiliesWithoutSeries(t *testing.T) {
	series, err := served(strings.NewReader(scrapeText))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"lat_seconds_bucket", "lat_seconds_sum", "lat_seconds_count", "nested_total", "source_total"} {
		if series[n] == nil {
			t.Errorf("%s missing from %v", n, series)
		}
	}
	if series["unused_labelled_total"] != nil || series["lat_seconds"] != nil {
		t.Errorf("a name with no series: %v", series)
	}
	if !series["lat_seconds_bucket"]["le"] || series["lat_seconds_sum"]["le"] {
		t.Errorf("le belongs to the buckets only: %v", series)
	}
}

// A query that reads a label the series lack finds no data, as the token
// panel would if it read exported_namespace of a series that has
// forecast_namespace; a series with a label of the scrape target's loses
// it to exported_<label>.
func TestRunReportsLabelsTheScrapeLacksOrClashes(t *testing.T) {
	dir := t.TempDir()
	dash, exposition := filepath.Join(dir, "dash.json"), filepath.Join(dir, "metrics.txt")
	write := func(path, text string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(dash, `{"panels": [{"title": "by team", "targets": [{"refId": "A",
		"expr": "sum by (forecast_namespace) (rate(tokens_total{namespace=~\"$namespace\", kind=\"prompt\"}[5m]))"}]}],
		"templating": {"list": [{"name": "team", "type": "query", "query": "label_values(tokens_total, forecast_namespace)"}]}}`)

	write(exposition, "# TYPE tokens_total counter\ntokens_total{kind=\"prompt\",team=\"a\"} 1\n")
	err := run(exposition, []string{dash})
	if err == nil || !strings.Contains(err.Error(), `tokens_total without label forecast_namespace	(dash.json: panel "by team" query A)`) ||
		!strings.Contains(err.Error(), `(dash.json: variable "team")`) {
		t.Errorf("want the panel and the variable named for reading forecast_namespace, got %v", err)
	}

	write(exposition, "# TYPE tokens_total counter\ntokens_total{kind=\"prompt\",forecast_namespace=\"a\",namespace=\"a\"} 1\n")
	err = run(exposition, []string{dash})
	if err == nil || !strings.Contains(err.Error(), "tokens_total{namespace}: Prometheus renames it exported_namespace") {
		t.Errorf("want the namespace label reported, got %v", err)
	}

	write(exposition, "# TYPE tokens_total counter\ntokens_total{kind=\"prompt\",forecast_namespace=\"a\"} 1\n")
	if err := run(exposition, []string{dash}); err != nil {
		t.Errorf("every label is served or the target's: %v", err)
	}
}
