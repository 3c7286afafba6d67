// Command accuracy measures the baseline forecaster on the M3 competition's
// series (`make accuracy`). Every series goes through the operator's own
// path: its history is read by the history parser with the series' dates as
// period labels, the engine.Data carries capacity = max(history), the
// baseline provider answers a providers.Request, and engine.Normalize turns
// the answer into the predictions the operator would write. Those
// predictions, with their 80% intervals, are scored by internal/m3's Tally,
// the same scorer that scores the competition's entries from
// competitors.csv beside them.
//
// It prints one markdown table per period kind to stdout, and with -out
// rewrites the part of a markdown file between the markers
// <!-- accuracy:begin --> and <!-- accuracy:end -->. How long the baseline
// took goes to stderr. The output is the same from run to run.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/bottleneck-io/bottleneck-operator/internal/m3"
	"github.com/bottleneck-io/bottleneck-operator/internal/providers"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "accuracy:", err)
		os.Exit(1)
	}
}

// maxListedFailures bounds the failures named in the error.
const maxListedFailures = 10

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("accuracy", flag.ContinueOnError)
	flags.SetOutput(stderr)
	dataDir := flags.String("data", "testdata/m3", "the folder of the M3 files (series, history, future and competitors .csv.gz or .csv)")
	out := flags.String("out", "", "a markdown file whose part between "+beginMarker+" and "+endMarker+" is rewritten with the tables (empty: print only)")
	workers := flags.Int("workers", runtime.GOMAXPROCS(0), "series forecast in parallel (the output does not depend on it)")
	period := flags.String("period", "", "only this period kind: month, quarter or year (or MONTHLY, QUARTERLY, YEARLY); all when empty")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "Usage: accuracy [-data DIR] [-out FILE] [-workers N] [-period KIND]")
		fmt.Fprintln(stderr, "Scores the baseline provider on the M3 series beside THETA, ForecastPro, DAMPEN and NAIVE2.")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q; the data folder is given with -data", flags.Args())
	}
	if *workers < 1 {
		return fmt.Errorf("-workers is %d; it must be at least 1", *workers)
	}
	kind, err := parseKind(*period)
	if err != nil {
		return err
	}
	if kind != "" && *out != "" {
		return errors.New("-period reports one kind only, and the document holds all of them; use -period without -out")
	}

	loadStart := time.Now()
	d, err := load(*dataDir)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "loaded %d series and %d competitors from %s in %s\n", len(d.Series), len(d.Methods), *dataDir, time.Since(loadStart).Round(time.Millisecond))
	series := d.Series
	if kind != "" {
		series = nil
		for _, s := range d.Series {
			if s.Kind() == kind {
				series = append(series, s)
			}
		}
		if len(series) == 0 {
			return fmt.Errorf("%s has no %s series", *dataDir, kind)
		}
	}

	p, err := providers.New(providers.Config{Name: provider})
	if err != nil {
		return err
	}
	start := time.Now()
	outcomes, failed := forecastAll(ctx, p, series, *workers)
	wall := time.Since(start)
	if len(failed) > 0 {
		return failures(failed, len(series))
	}
	reports, err := buildReports(d, series, outcomes)
	if err != nil {
		return err
	}
	fmt.Fprint(stderr, timings(reports, wall, *workers))

	text := markdown(reports, *dataDir)
	if _, err := io.WriteString(stdout, text); err != nil {
		return err
	}
	if *out != "" {
		if err := writeGenerated(*out, text); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "wrote the tables into %s\n", *out)
	}
	return nil
}

// load reads the data, saying clearly what is missing.
func load(dir string) (*m3.Dataset, error) {
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("the M3 data folder %s does not exist; run from the repository's root (the data is in testdata/m3) or pass -data DIR", dir)
	case err != nil:
		return nil, err
	case !info.IsDir():
		return nil, fmt.Errorf("-data %s is not a folder; pass the folder that holds series.csv.gz, history.csv.gz, future.csv.gz and competitors.csv.gz", dir)
	}
	d, err := m3.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("reading the M3 data in %s (series, history, future and competitors, .csv.gz or .csv): %w", dir, err)
	}
	return d, nil
}

// parseKind reads -period.
func parseKind(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	for _, k := range kinds {
		if strings.EqualFold(s, k.Kind) || strings.EqualFold(s, k.Period) {
			return k.Kind, nil
		}
	}
	return "", fmt.Errorf("-period %q is not month, quarter or year", s)
}

// failures is the error for series the pipeline could not forecast. Every
// series must be forecast so that every method is scored on the same ones.
func failures(failed []seriesError, total int) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s failed on %d of %d series (every series must be forecast, so that all methods are scored on the same ones):", provider, len(failed), total)
	for i, f := range failed {
		if i == maxListedFailures {
			fmt.Fprintf(&b, "\n  … and %d more", len(failed)-i)
			break
		}
		fmt.Fprintf(&b, "\n  %s: %v", f.ID, f.Err)
	}
	return errors.New(b.String())
}
