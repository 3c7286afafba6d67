package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/bottleneck-io/bottleneck-operator/internal/m3"
)

const prose = `# Title

Hand-written prose, with a table of its own:

| a | b |
| --- | --- |

<!-- accuracy:begin -->
old generated text
<!-- accuracy:end -->

More prose after the tables.
`

func TestReplaceGenerated(t *testing.T) {
	got, err := replaceGenerated(prose, "\nnew tables\n\n| x |\n")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(prose, "old generated text", "new tables\n\n| x |", 1)
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	again, err := replaceGenerated(got, "new tables\n\n| x |")
	if err != nil || again != got {
		t.Errorf("a second rewrite changed the document (%v):\n%s", err, again)
	}
}

func TestReplaceGeneratedRefusesBadMarkers(t *testing.T) {
	for name, doc := range map[string]string{
		"none":      "# Title\n",
		"no end":    "a\n" + beginMarker + "\nb\n",
		"no begin":  "a\n" + endMarker + "\n",
		"reversed":  endMarker + "\nx\n" + beginMarker + "\n",
		"two begin": beginMarker + beginMarker + "\n" + endMarker + "\n",
	} {
		if out, err := replaceGenerated(doc, "tables"); err == nil {
			t.Errorf("%s: no error, wrote\n%s", name, out)
		}
	}
}

func TestMissingDataDir(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "m3-not-here")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-data", missing}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), "does not exist") || !strings.Contains(err.Error(), "-data") {
		t.Errorf("error %v; want one naming %s, saying it does not exist and pointing at -data", err, missing)
	}
	if stdout.Len() > 0 {
		t.Errorf("printed %q", stdout.String())
	}

	empty := t.TempDir()
	err = run(context.Background(), []string{"-data", empty}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), empty) || !strings.Contains(err.Error(), "series") {
		t.Errorf("error %v; want one naming %s and the series file", err, empty)
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-period", "week"},
		{"-workers", "0"},
		{"-period", "year", "-out", "x.md"},
		{"testdata/m3"},
	} {
		var stdout, stderr bytes.Buffer
		if err := run(context.Background(), args, &stdout, &stderr); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}

// TestRun runs the program on a small copy of the data, in plain CSV as
// another copy might come, and checks the document it rewrites.
func TestRun(t *testing.T) {
	d := dataset(t)
	dir := t.TempDir()
	writeCopy(t, dir, d, sample(t, d))
	doc := filepath.Join(t.TempDir(), "accuracy.md")
	if err := os.WriteFile(doc, []byte(prose), 0o644); err != nil {
		t.Fatal(err)
	}

	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"-data", dir, "-out", doc, "-workers", "2"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	want, err := replaceGenerated(prose, stdout.String())
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("the document is\n%s\nwant\n%s", got, want)
	}
	for _, heading := range []string{"### MONTHLY (month, 5 series)", "### QUARTERLY (quarter, 5 series)", "### YEARLY (year, 5 series)"} {
		if !strings.Contains(stdout.String(), heading) {
			t.Errorf("no %q in\n%s", heading, stdout.String())
		}
	}
	if strings.Contains(stdout.String(), "µs") || !strings.Contains(stderr.String(), "per series") {
		t.Errorf("timings belong on stderr:\nstdout\n%s\nstderr\n%s", stdout.String(), stderr.String())
	}

	var once bytes.Buffer
	if err := run(context.Background(), []string{"-data", dir, "-period", "QUARTERLY"}, &once, &stderr); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(once.String(), "### QUARTERLY") || strings.Contains(once.String(), "### MONTHLY") {
		t.Errorf("-period QUARTERLY printed\n%s", once.String())
	}
}

// writeCopy writes series of d, and the competitors' forecasts for them,
// into dir as the four uncompressed CSV files.
func writeCopy(t *testing.T, dir string, d *m3.Dataset, series []m3.Series) {
	t.Helper()
	tables := map[string][][]string{
		"series":      {{"id", "period", "type", "start_year", "start_step", "frequency", "n", "h", "description"}},
		"history":     {{"id", "t", "value"}},
		"future":      {{"id", "step", "value"}},
		"competitors": {{"method", "id", "step", "value"}},
	}
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	for _, s := range series {
		tables["series"] = append(tables["series"], []string{s.ID, s.Period, s.Type, strconv.Itoa(s.StartYear), strconv.Itoa(s.StartStep),
			strconv.Itoa(s.Frequency), strconv.Itoa(len(s.History)), strconv.Itoa(len(s.Future)), s.Description})
		for i, v := range s.History {
			tables["history"] = append(tables["history"], []string{s.ID, strconv.Itoa(i + 1), num(v)})
		}
		for i, v := range s.Future {
			tables["future"] = append(tables["future"], []string{s.ID, strconv.Itoa(i + 1), num(v)})
		}
	}
	for _, method := range competitors {
		for _, s := range series {
			for i, v := range d.Forecasts[method][s.ID] {
				tables["competitors"] = append(tables["competitors"], []string{method, s.ID, strconv.Itoa(i + 1), num(v)})
			}
		}
	}
	for name, records := range tables {
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		if err := w.WriteAll(records); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".csv"), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
