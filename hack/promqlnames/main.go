// Command promqlnames lists the metric names that a Grafana dashboard's
// queries and a PrometheusRule's expressions read, using Prometheus's own
// PromQL parser. With -exposition it checks them against a scrape of
// /metrics and exits 1 when a name is missing.
//
// It is a module of its own so that the operator's go.mod does not take in
// the prometheus/prometheus module, whose requirements would raise the
// operator's client-go, client_golang and prometheus/common versions.
//
//	promqlnames [-exposition scrape.txt] config/grafana/bottleneck-operator.json config/prometheus/rules.yaml
package main

import (
	"flag"
	"fmt"
	"os"
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
			fmt.Printf("%s\t%s\n", u.Name, u.Where)
		}
		return nil
	}
	f, err := os.Open(exposition)
	if err != nil {
		return err
	}
	defer f.Close()
	served, err := sampleNames(f)
	if err != nil {
		return fmt.Errorf("%s: %w", exposition, err)
	}
	if missing := absent(used, served); len(missing) > 0 {
		return fmt.Errorf("%d metric(s) queried but not in %s:\n%s", len(missing), exposition, format(missing))
	}
	fmt.Printf("all %d metric names queried are served\n", len(used))
	return nil
}
