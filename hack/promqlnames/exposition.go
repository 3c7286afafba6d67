package main

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// served reads a text-format scrape and returns the series Prometheus
// stores from it, by name, with the labels each name's series carry: a
// histogram family foo is stored as foo_bucket (with le), foo_sum and
// foo_count, a summary as foo (with quantile), foo_sum and foo_count.
func served(r io.Reader) (map[string]map[string]bool, error) {
	dec := expfmt.NewDecoder(r, expfmt.NewFormat(expfmt.TypeTextPlain))
	series := map[string]map[string]bool{}
	for {
		var mf dto.MetricFamily
		err := dec.Decode(&mf)
		if errors.Is(err, io.EOF) {
			return series, nil
		}
		if err != nil {
			return nil, err
		}
		if len(mf.GetMetric()) == 0 {
			continue // described, but no series yet
		}
		labels := map[string]bool{}
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				labels[lp.GetName()] = true
			}
		}
		for _, suffix := range suffixes(mf.GetType()) {
			have := maps.Clone(labels)
			if l := bucketLabel(mf.GetType(), suffix); l != "" {
				have[l] = true
			}
			series[mf.GetName()+suffix] = have
		}
	}
}

// bucketLabel is the label that the text format gives the series of a
// histogram's buckets and a summary's quantiles, which the decoder folds
// into the metric.
func bucketLabel(t dto.MetricType, suffix string) string {
	switch {
	case suffix == "_bucket":
		return "le"
	case t == dto.MetricType_SUMMARY && suffix == "":
		return "quantile"
	}
	return ""
}

func suffixes(t dto.MetricType) []string {
	switch t {
	case dto.MetricType_HISTOGRAM:
		return []string{"_bucket", "_sum", "_count"}
	case dto.MetricType_GAUGE_HISTOGRAM:
		return []string{"_bucket", "_gsum", "_gcount"}
	case dto.MetricType_SUMMARY:
		return []string{"", "_sum", "_count"}
	}
	return []string{""}
}

// targetLabels are the labels Prometheus sets on every series it scrapes
// through a ServiceMonitor, from the target: a query may read them, and a
// series that carries one of its own has it renamed exported_<label>.
var targetLabels = []string{"job", "instance", "namespace", "service", "pod", "container", "endpoint"}

// absent are the uses whose metric is not served, or is served without a
// label the use reads (and no target gives it), each with what is missing.
func absent(used []Use, series map[string]map[string]bool) []Use {
	var out []Use
	for _, u := range used {
		have, ok := series[u.Name]
		if !ok {
			out = append(out, Use{Name: u.Name, Where: u.Where})
			continue
		}
		var lacking []string
		for _, l := range u.Labels {
			if !have[l] && !slices.Contains(targetLabels, l) {
				lacking = append(lacking, l)
			}
		}
		if len(lacking) > 0 {
			out = append(out, Use{Name: u.Name, Labels: lacking, Where: u.Where})
		}
	}
	return out
}

// clashes are the served series that carry a target label of their own:
// once scraped, that label is the target's and theirs is exported_<label>.
func clashes(series map[string]map[string]bool) []string {
	var out []string
	for name, have := range series {
		for _, l := range targetLabels {
			if have[l] {
				out = append(out, fmt.Sprintf("  %s{%s}: Prometheus renames it exported_%s and sets the target's %s\n", name, l, l, l))
			}
		}
	}
	slices.Sort(out)
	return out
}

func format(uses []Use) string {
	var b strings.Builder
	for _, u := range uses {
		if len(u.Labels) == 0 {
			fmt.Fprintf(&b, "  %s\t(%s)\n", u.Name, u.Where)
		} else {
			fmt.Fprintf(&b, "  %s without label %s\t(%s)\n", u.Name, strings.Join(u.Labels, ", "), u.Where)
		}
	}
	return b.String()
}
