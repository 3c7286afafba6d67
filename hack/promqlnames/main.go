// Command promqlnames lists the metric names that a Grafana dashboard's
// queries and a PrometheusRule's expressions read, using Prometheus's own
// PromQL parser. With -exposition it checks them against a scrape of
// /metrics and exits 1 when a metric is missing, when a served metric lacks
// a label a query reads (other than the scrape target's own: job,
// namespace, pod...), or when a served series carries a target label,
// which Prometheus would rename exported_<label>.
//
// It is a module of its own so that the operator's go.mod does not take in
// the prometheus/prometheus module, whose requirements would raise the
// operator's client-go, client_golang and prometheus/common versions.
//
//	promqlnames [-exposition scrape.txt] config/grafana/bottleneck-operator.json config/prometheus/rules.yaml
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
)

func main() {
	exposition := flag.String("exposition", "", "a scrape of /metrics (text format) that must have every metric the files read")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: promqlnames [-exposition FILE] DASHBOARD.json|RULES.yaml...")
		os.Exit(2)
	}
	if err := run(*exposition, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(exposition string, paths []string) error {
	used, err := usedNames(paths)
	if err != nil {
		return err
	}
	if exposition == "" {
		for _, u := range used {
			fmt.Printf("%s{%s}\t%s\n", u.Name, strings.Join(u.Labels, ","), u.Where)
		}
		return nil
	}
	f, err := os.Open(exposition)
	if err != nil {
		return err
	}
	defer f.Close()
	series, err := served(f)
	if err != nil {
		return fmt.Errorf("%s: %w", exposition, err)
	}
	var problems []error
	if missing := absent(used, series); len(missing) > 0 {
		problems = append(problems, fmt.Errorf("%d metric(s) queried but not in %s, or without a label the query reads:\n%s",
			len(missing), exposition, format(missing)))
	}
	if clash := clashes(series); len(clash) > 0 {
		problems = append(problems, fmt.Errorf("%d series in %s carry a label the scrape target sets:\n%s",
			len(clash), exposition, strings.Join(clash, "")))
	}
	if len(problems) > 0 {
		return errors.Join(problems...)
	}
	fmt.Printf("all %d reads of a metric find it served, with the labels they read\n", len(used))
	return nil
}
