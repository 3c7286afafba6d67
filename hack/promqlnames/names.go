package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// Use is a metric name, the labels a query reads from its series, and
// where it is read.
type Use struct {
	Name   string
	Labels []string
	Where  string
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
		reads, err := seriesReads(q.expr)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", q.where, err)
		}
		for _, r := range reads {
			if !recorded[r.Name] && !slices.Contains(madeByPrometheus, r.Name) {
				r.Where = q.where
				used = append(used, r)
			}
		}
	}
	key := func(u Use) string { return u.Name + "\x00" + u.Where + "\x00" + strings.Join(u.Labels, ",") }
	slices.SortFunc(used, func(a, b Use) int { return strings.Compare(key(a), key(b)) })
	return slices.CompactFunc(used, func(a, b Use) bool { return key(a) == key(b) }), nil
}

// seriesReads returns, for each of expr's selectors, the metric it reads
// and the labels the query needs its series to have: those of the
// selector's own matchers that an absent label fails, and the by (...)
// and on (...) labels of the aggregations and operations above it, less
// those that a label_replace, label_join or count_values on the way makes. A selector that names its metric only by
// a regular expression cannot be checked, and is an error.
func seriesReads(expr string) ([]Use, error) {
	node, err := promql.ParseExpr(expr)
	if err != nil {
		return nil, fmt.Errorf("parsing %q: %w", expr, err)
	}
	var reads []Use
	var bad error
	parser.Inspect(node, func(n parser.Node, path []parser.Node) error {
		vs, ok := n.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		name := selectorName(vs)
		if name == "" {
			bad = fmt.Errorf("%q: selector %s names no single metric", expr, vs)
			return nil
		}
		reads = append(reads, Use{Name: name, Labels: labelsRead(vs, path)})
		return nil
	})
	return reads, bad
}

// labelsRead are the labels a query needs on the series of vs, whose
// ancestors, from the root, are path; sorted.
func labelsRead(vs *parser.VectorSelector, path []parser.Node) []string {
	read := map[string]bool{}
	for _, m := range vs.LabelMatchers {
		if m.Name != labels.MetricName && !m.Matches("") { // reason="" or ready!="True" match series without it
			read[m.Name] = true
		}
	}
	made := map[string]bool{}
	for i := len(path) - 1; i >= 0; i-- {
		var needs []string
		switch n := path[i].(type) {
		case *parser.AggregateExpr:
			if !n.Without {
				needs = n.Grouping
			}
			if n.Op == parser.COUNT_VALUES {
				made[stringArg(n.Param)] = true
			}
		case *parser.BinaryExpr:
			if n.VectorMatching != nil && n.VectorMatching.On {
				needs = n.VectorMatching.MatchingLabels
			}
		case *parser.Call:
			if n.Func.Name == "label_replace" || n.Func.Name == "label_join" {
				made[stringArg(n.Args[1])] = true
			}
		}
		for _, l := range needs {
			if !made[l] {
				read[l] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(read))
}

// stringArg is the value of a string literal argument, "" for any other.
func stringArg(e parser.Expr) string {
	if s, ok := e.(*parser.StringLiteral); ok {
		return s.Val
	}
	return ""
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
