package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// sampleNames reads a text-format scrape and returns the names of the
// series Prometheus stores from it: a histogram family foo is stored as
// foo_bucket, foo_sum and foo_count, a summary as foo, foo_sum and
// foo_count.
func sampleNames(r io.Reader) (map[string]bool, error) {
	dec := expfmt.NewDecoder(r, expfmt.NewFormat(expfmt.TypeTextPlain))
	names := map[string]bool{}
	for {
		var mf dto.MetricFamily
		err := dec.Decode(&mf)
		if errors.Is(err, io.EOF) {
			return names, nil
		}
		if err != nil {
			return nil, err
		}
		if len(mf.GetMetric()) == 0 {
			continue // described, but no series yet
		}
		for _, suffix := range suffixes(mf.GetType()) {
			names[mf.GetName()+suffix] = true
		}
	}
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

// absent are the uses whose name is not served.
func absent(used []Use, served map[string]bool) []Use {
	var out []Use
	for _, u := range used {
		if !served[u.Name] {
			out = append(out, u)
		}
	}
	return out
}

func format(uses []Use) string {
	var b strings.Builder
	for _, u := range uses {
		fmt.Fprintf(&b, "  %s\t(%s)\n", u.Name, u.Where)
	}
	return b.String()
}
