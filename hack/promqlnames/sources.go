package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"sigs.k8s.io/yaml"
)

// queriesOf reads the PromQL of a Grafana dashboard (.json) or a
// PrometheusRule (.yaml, .yml), and the names its recording rules record.
func queriesOf(path string) ([]query, []string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	switch filepath.Ext(path) {
	case ".json":
		qs, err := dashboardQueries(filepath.Base(path), data)
		return qs, nil, err
	case ".yaml", ".yml":
		return ruleQueries(filepath.Base(path), data)
	}
	return nil, nil, fmt.Errorf("not a dashboard (.json) nor a PrometheusRule (.yaml)")
}

// dashboard is the part of a Grafana dashboard that holds queries. Rows
// in the old layout nest their panels.
type dashboard struct {
	Panels     []panel `json:"panels"`
	Templating struct {
		List []struct {
			Name  string          `json:"name"`
			Type  string          `json:"type"`
			Query json.RawMessage `json:"query"`
		} `json:"list"`
	} `json:"templating"`
}

type panel struct {
	Title   string  `json:"title"`
	Panels  []panel `json:"panels"`
	Targets []struct {
		RefID string `json:"refId"`
		Expr  string `json:"expr"`
	} `json:"targets"`
}

func dashboardQueries(file string, data []byte) ([]query, error) {
	var d dashboard
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, err
	}
	var qs []query
	var walk func([]panel)
	walk = func(ps []panel) {
		for _, p := range ps {
			for _, t := range p.Targets {
				if t.Expr != "" {
					qs = append(qs, query{interpolate(t.Expr), fmt.Sprintf("%s: panel %q query %s", file, p.Title, t.RefID)})
				}
			}
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		if expr := variableQuery(v.Query); expr != "" {
			qs = append(qs, query{interpolate(expr), fmt.Sprintf("%s: variable %q", file, v.Name)})
		}
	}
	return qs, nil
}

// labelValues matches Grafana's label_values(expr, label) and
// query_result(expr) variable queries; label_values(label) reads no
// metric.
var labelValues = regexp.MustCompile(`^\s*(?:label_values\((.+),\s*(\w+)\s*\)|query_result\((.+)\))\s*$`)

// variableQuery is the PromQL in a variable's query, which Grafana stores
// as a string or as {"query": "..."}. label_values(expr, label) reads
// label from expr's series, as group by (label) (expr) does.
func variableQuery(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		var obj struct {
			Query string `json:"query"`
		}
		if json.Unmarshal(raw, &obj) != nil {
			return ""
		}
		s = obj.Query
	}
	m := labelValues.FindStringSubmatch(s)
	switch {
	case m == nil:
		return ""
	case m[1] != "":
		return fmt.Sprintf("group by (%s) (%s)", m[2], m[1])
	}
	return m[3]
}

// grafanaDurations are the interval variables Grafana fills in.
var grafanaDurations = regexp.MustCompile(`\$\{?__(rate_interval|interval|range)\}?`)

// grafanaVariables are the dashboard's own variables: $name, ${name},
// ${name:format} and [[name]]. They stand in label values, where any
// string parses.
var grafanaVariables = regexp.MustCompile(`\$\{[^}]+\}|\$\w+|\[\[\w+\]\]`)

// interpolate fills the variables in as Grafana would, with values that
// parse, so that the parser sees the query Prometheus is sent.
func interpolate(expr string) string {
	expr = grafanaDurations.ReplaceAllString(expr, "5m")
	return grafanaVariables.ReplaceAllString(expr, "value")
}

// prometheusRule is the part of a PrometheusRule that holds expressions.
type prometheusRule struct {
	Kind string `json:"kind"`
	Spec struct {
		Groups []struct {
			Name  string `json:"name"`
			Rules []struct {
				Record string `json:"record"`
				Alert  string `json:"alert"`
				Expr   string `json:"expr"`
			} `json:"rules"`
		} `json:"groups"`
	} `json:"spec"`
}

func ruleQueries(file string, data []byte) ([]query, []string, error) {
	var qs []query
	var recorded []string
	for _, doc := range strings.Split(string(data), "\n---") {
		var r prometheusRule
		if err := yaml.Unmarshal([]byte(doc), &r); err != nil {
			return nil, nil, err
		}
		if r.Kind != "PrometheusRule" {
			continue
		}
		for _, g := range r.Spec.Groups {
			for _, rule := range g.Rules {
				qs = append(qs, query{rule.Expr, fmt.Sprintf("%s: group %q rule %s%s", file, g.Name, rule.Alert, rule.Record)})
				if rule.Record != "" {
					recorded = append(recorded, rule.Record)
				}
			}
		}
	}
	return qs, recorded, nil
}
