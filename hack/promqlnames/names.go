package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// Use is a metric name and where it is read.
type Use struct {
	Name  string
	Where string
}

// query is one PromQL expression and where it comes from.
type query struct {
	expr  string
	where string
}

// madeByPrometheus are series that Prometheus writes itself, so they are
// never in a target's /metrics.
var madeByPrometheus = []string{"up", "ALERTS", "ALERTS_FOR_STATE", "scrape_duration_seconds", "scrape_samples_scraped"}

var promql = parser.NewParser(parser.Options{})

// usedNames parses every query of the files and returns the metric names
// they read, sorted, without the names that a recording rule of the files
// records (its own expression's names are listed instead) or that
// Prometheus makes.
func usedNames(paths []string) ([]Use, error) {
	var queries []query
	recorded := map[string]bool{}
	for _, p := range paths {
		qs, recs, err := queriesOf(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		queries = append(queries, qs...)
		for _, r := range recs {
			recorded[r] = true
		}
	}
	var used []Use
	for _, q := range queries {
		names, err := metricNames(q.expr)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", q.where, err)
		}
		for _, n := range names {
			if !recorded[n] && !slices.Contains(madeByPrometheus, n) {
				used = append(used, Use{Name: n, Where: q.where})
			}
		}
	}
	slices.SortFunc(used, func(a, b Use) int { return strings.Compare(a.Name+"\x00"+a.Where, b.Name+"\x00"+b.Where) })
	return slices.Compact(used), nil
}

// metricNames returns the metric names that expr's selectors read. A
// selector that names its metric only by a regular expression cannot be
// checked, and is an error.
func metricNames(expr string) ([]string, error) {
	node, err := promql.ParseExpr(expr)
	if err != nil {
		return nil, fmt.Errorf("parsing %q: %w", expr, err)
	}
	var names []string
	var bad error
	parser.Inspect(node, func(n parser.Node, _ []parser.Node) error {
		vs, ok := n.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		name := selectorName(vs)
		if name == "" {
			bad = fmt.Errorf("%q: selector %s names no single metric", expr, vs)
			return nil
		}
		names = append(names, name)
		return nil
	})
	return names, bad
}

// selectorName is the metric a selector reads: foo{...} or {__name__="foo"}.
func selectorName(vs *parser.VectorSelector) string {
	if vs.Name != "" {
		return vs.Name
	}
	for _, m := range vs.LabelMatchers {
		if m.Name == labels.MetricName && m.Type == labels.MatchEqual {
			return m.Value
		}
	}
	return ""
}
