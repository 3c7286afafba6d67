package engine

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/bottleneck-io/bottleneck-operator/internal/baseline"
	"github.com/bottleneck-io/bottleneck-operator/internal/m3"
)

// m3Refused are the M3 entries' forecasts the plausibility rules refuse on
// purpose, with a part of the message: none, every real forecast passes.
var m3Refused = map[string]string{}

// m3Margin is the least factor by which every accepted M3 entry must stay
// within each rule's limit.
const m3Margin = 1.5

// TestPlausibleM3 calibrates the plausibility rules on real forecasts: every
// forecast the 24 entries of the M3 competition submitted for the 1,415
// series in testdata/m3 (all but AAM1's and AAM2's yearly ones, which they
// did not submit), as a count series, must be accepted, apart from
// m3Refused; and the largest figures each rule measures must stay m3Margin
// times within its limit.
//
// Every forecast goes through check, every step of Normalize that can
// refuse an answer; the baseline fit, which only fills in missing bounds
// (these answers have none) and costs milliseconds, is left out. One
// forecast per series, taking the methods in turn, and the refused ones go
// through Normalize itself.
func TestPlausibleM3(t *testing.T) {
	t.Parallel()
	ds, err := m3.Load("../../testdata/m3")
	if err != nil {
		t.Fatal(err)
	}
	type record struct {
		figure float64
		entry  string
	}
	var path, plunge record
	refused := map[string]string{}
	entries := 0
	noReference := func([]string) []baseline.Point { return nil }
	for n, s := range ds.Series {
		d, labels := m3Data(t, s)
		h := statsOf(s.History)
		for i, method := range ds.Methods {
			values, ok := ds.Forecasts[method][s.ID]
			if !ok {
				continue
			}
			entries++
			entry := method + "/" + s.ID
			raw := m3Answer(labels, values)
			var err error
			if _, refuse := m3Refused[entry]; refuse || i == n%len(ds.Methods) {
				var r Result
				if r, err = Normalize(raw, d); err == nil {
					checkInvariants(t, r, d)
				}
			} else {
				_, err = check(raw, d, s.History, noReference)
			}
			if err != nil {
				refused[entry] = err.Error()
				if _, expected := m3Refused[entry]; !expected {
					t.Errorf("%s (%s, %s) is refused: %v", entry, s.Period, s.Description, err)
				}
				continue
			}
			prev := h.last
			for i, v := range values {
				if f := h.outside(v, i+1); f > path.figure {
					path = record{f, entry}
				}
				if f := h.plunge(prev, v); f > plunge.figure {
					plunge = record{f, entry}
				}
				prev = v
			}
		}
	}
	for entry, message := range m3Refused {
		if got, ok := refused[entry]; !ok || !strings.Contains(got, message) {
			t.Errorf("%s: error %q, want one containing %q", entry, got, message)
		}
	}
	if entries < 33000 {
		t.Errorf("%d entries' forecasts, want all of M3's (33,314)", entries)
	}
	t.Logf("%d forecasts, %d refused; largest path figure %.3g spreads per period ahead (%s), limit %d; largest plunge below zero %.3g spreads (%s), limit %d",
		entries, len(refused), path.figure, path.entry, maxSpreadsPerStep, plunge.figure, plunge.entry, maxCountPlunge)
	if path.figure*m3Margin > maxSpreadsPerStep {
		t.Errorf("%s leaves the history's range by %.3g spreads per period ahead: less than %v times within the limit %d", path.entry, path.figure, m3Margin, maxSpreadsPerStep)
	}
	if plunge.figure*m3Margin > maxCountPlunge {
		t.Errorf("%s plunges %.3g spreads below zero: less than %v times within the limit %d", plunge.entry, plunge.figure, m3Margin, maxCountPlunge)
	}
}

// m3Data is the request for an M3 series as a count, and the labels of its
// future periods.
func m3Data(t *testing.T, s m3.Series) (Data, []string) {
	t.Helper()
	labels := s.Labels()
	d := Data{Region: "M3", Subject: "series " + s.ID, Period: s.Kind(), Horizon: len(s.Future)}
	for i, v := range s.History {
		d.History = append(d.History, Point{Period: labels[i], Value: v})
	}
	future := labels[len(s.History):]
	if !d.isCount() || !slices.Equal(d.Periods(), future) {
		t.Fatalf("%s: count %v, periods %q, want a count and %q", s.ID, d.isCount(), d.Periods(), future)
	}
	return d, future
}

// m3Answer is an answer that forecasts values for labels, as a provider in
// JSON mode would write it.
func m3Answer(labels []string, values []float64) string {
	var b strings.Builder
	b.WriteString(`{"summary":"The entry's forecast.","riskLevel":"Moderate","predictions":[`)
	for i, v := range values {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"period":%q,"value":%s}`, labels[i], strconv.FormatFloat(v, 'g', -1, 64))
	}
	b.WriteString(`]}`)
	return b.String()
}
