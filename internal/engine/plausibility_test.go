package engine

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// throughputData is a count series: monthly container throughput of a port,
// 24 months from 2024-01 to 2025-12 between 110 and 140 kTEU (mean 124,
// last 131), capacity 150, six months ahead (2026-01..2026-06).
func throughputData() Data {
	values := []float64{118, 122, 115, 127, 131, 119, 124, 128, 112, 126, 133, 121,
		117, 125, 130, 110, 123, 129, 140, 120, 116, 127, 132, 131}
	d := Data{Region: "NLD", Subject: "container throughput", Unit: "kTEU", Period: PeriodMonth, Horizon: 6, Capacity: ptr(150)}
	for i, v := range values {
		d.History = append(d.History, Point{Period: monthLabel(2026, 1-len(values)+i), Value: v})
	}
	return d
}

// valuesAnswer is an answer for the six periods 2026-01..2026-06 with the
// given values (JSON literals, so strings stay strings) and extra top-level
// fields.
func valuesAnswer(extra string, values ...string) string {
	items := make([]string, len(values))
	for i, v := range values {
		items[i] = fmt.Sprintf(`{"period":"2026-%02d","value":%s}`, i+1, v)
	}
	if extra != "" {
		extra = "," + extra
	}
	return `{"predictions":[` + strings.Join(items, ",") + `]` + extra + `}`
}

// floats writes numbers as JSON number literals.
func floats(values ...float64) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = strconv.FormatFloat(v, 'g', -1, 64)
	}
	return out
}

// TestNormalizeRefusesGarbage is the answer: every prediction of a
// count series near 124 negative and written as a string, the summary a
// number, the risk level no risk word, a bottleneck named by a number.
// Before the plausibility rules it was accepted as six zeros, risk Low (score
// 0), confidence 64, a bottleneck named "12345".
func TestNormalizeRefusesGarbage(t *testing.T) {
	raw := valuesAnswer(`"summary":12345,"riskLevel":"banana","bottlenecks":[{"name":12345}]`,
		`"-120"`, `"-135"`, `"-150"`, `"-160"`, `"-170"`, `"-180"`)
	r, err := Normalize(raw, throughputData())
	wantReason(t, err, ReasonImplausibleOutput)
	if !reflect.DeepEqual(r, Result{}) {
		t.Errorf("a refused answer returned a result: %+v", r)
	}
	want := "ImplausibleOutput: predictions 2026-01..2026-06 are -120..-180, below zero for a count series whose history averages 124 (the limit is -1.24); " +
		"2026-01 falls 251 in one period, more than 6 times the history's range (30)"
	if err.Error() != want {
		t.Errorf("message\n%s\nwant\n%s", err, want)
	}
}

// TestPlausibilityRules checks each rule alone, on answers that break only
// that rule, and the cases each rule lets through.
func TestPlausibilityRules(t *testing.T) {
	// falling is a count that has fallen steadily from 250 to 20.
	falling := throughputData()
	for i := range falling.History {
		falling.History[i].Value = 250 - 10*float64(i)
	}
	// signed is the throughput series read as a growth figure: not a count,
	// so negative values are possible.
	signed := throughputData()
	signed.Subject = "throughput growth"
	// level is a signed series far from zero: 1000 to 1100.
	level := signed
	level.History = nil
	for i := range 24 {
		level.History = append(level.History, Point{Period: monthLabel(2026, i-23), Value: 1000 + float64(i%11)*10})
	}
	// flat has no range: its spread is a tenth of its mean.
	flat := throughputData()
	for i := range flat.History {
		flat.History[i].Value = 100
	}
	zeros := throughputData()
	for i := range zeros.History {
		zeros.History[i].Value = 0
	}
	tests := []struct {
		name    string
		d       Data
		values  []string
		reason  Reason   // empty: accepted
		message string   // a part of the message
		want    []string // the values kept, when accepted
	}{
		// The count rule.
		{name: "negative above -1% of the mean is raised to zero", d: throughputData(),
			values: floats(-1.2, 125, 126, 127, 128, 129), want: floats(0, 125, 126, 127, 128, 129)},
		{name: "negative below -1% after a fall of 4 ranges is raised to zero", d: throughputData(),
			values: floats(-1.3, 125, 126, 127, 128, 129), want: floats(0, 125, 126, 127, 128, 129)},
		{name: "negative below -1% after a plunge of more than 6 ranges is refused", d: throughputData(),
			values: floats(-60, 125, 126, 127, 128, 129), reason: ReasonImplausibleOutput,
			message: "prediction 2026-01 is -60, below zero for a count series whose history averages 124 (the limit is -1.24); 2026-01 falls 191 in one period"},
		{name: "a plunge later in the path is refused", d: throughputData(),
			values: floats(126, 128, -120, -122, 0, 130), reason: ReasonImplausibleOutput,
			message: "predictions 2026-03..2026-04 are -120..-122, below zero for a count series whose history averages 124 (the limit is -1.24); 2026-03 falls 248 in one period, more than 6 times the history's range (30)"},
		{name: "a falling trend run past zero is raised to zero", d: falling,
			values: floats(10, 0, -10, -20, -30, -40), want: floats(10, 0, 0, 0, 0, 0)},
		{name: "a falling trend plunging past zero is refused", d: falling,
			values: floats(10, 0, -10, -20, -1500, -1510), reason: ReasonImplausibleOutput,
			message: "predictions 2026-03..2026-06 are -10..-1510, below zero for a count series whose history averages 135 (the limit is -1.35); 2026-05 falls 1480 in one period"},
		{name: "a sign flip of a count is refused", d: throughputData(),
			values: floats(-131, -127, -132, -116, -120, -140), reason: ReasonImplausibleOutput, message: "below zero for a count series"},
		{name: "a signed series may go negative", d: signed,
			values: floats(120, 100, 80, 60, 40, 20), want: floats(120, 100, 80, 60, 40, 20)},
		{name: "a history of zeros has no scale to judge by", d: zeros,
			values: floats(-5, 0, 0, 0, 0, 0), want: floats(0, 0, 0, 0, 0, 0)},

		// The path rule.
		{name: "100 times the history is refused", d: throughputData(),
			values: floats(13100, 12700, 13200, 11600, 12000, 14000), reason: ReasonImplausibleOutput,
			message: "predictions 2026-01..2026-06 are 11600..14000, implausibly far from the history (110..140): 2026-01 is 13100, 432 times its range (30) above it, and a forecast may leave that range by at most 10 ranges per period ahead"},
		{name: "a jump by 50 ranges is plausible 5 periods ahead", d: throughputData(),
			values: floats(131, 131, 131, 131, 1640, 1640), want: floats(131, 131, 131, 131, 1640, 1640)},
		{name: "a jump by 50 ranges is refused", d: throughputData(),
			values: floats(131, 1640, 1640, 1640, 1640, 1640), reason: ReasonImplausibleOutput,
			message: "predictions 2026-02..2026-04 are 1640..1640, implausibly far from the history (110..140): 2026-02 is 1640, 50 times its range (30) above it, and a forecast may leave that range by at most 10 ranges per period ahead (20 by 2026-02)"},
		{name: "below the history too", d: signed,
			values: floats(-200, 120, 120, 120, 120, 120), reason: ReasonImplausibleOutput,
			message: "2026-01 is -200, 10.33 times its range (30) below it"},
		{name: "the limit widens with the step", d: throughputData(),
			values: floats(131, 131, 131, 131, 131, 140+30*59.9), want: floats(131, 131, 131, 131, 131, 140+30*59.9)},
		{name: "a trend may leave the range", d: throughputData(),
			values: floats(160, 190, 220, 250, 280, 310), want: floats(160, 190, 220, 250, 280, 310)},
		{name: "a sign flip far from zero is refused", d: level,
			values: floats(-1050, -1060, -1070, -1080, -1090, -1100), reason: ReasonImplausibleOutput,
			message: "2026-01 is -1050, 19.59 times its spread (104.6, a tenth of its mean level, as its range is 100) below it"},
		{name: "a sign flip within ten ranges of the history is not far", d: signed,
			values: floats(-131, -127, -132, -116, -120, -140), want: floats(-131, -127, -132, -116, -120, -140)},
		{name: "a flat history is measured by a tenth of its mean", d: flat,
			values: floats(150, 150, 150, 150, 150, 150), want: floats(150, 150, 150, 150, 150, 150)},
		{name: "a flat history refuses what is far from it", d: flat,
			values: floats(250, 150, 150, 150, 150, 150), reason: ReasonImplausibleOutput,
			message: "prediction 2026-01 is 250, implausibly far from the history (100..100): 2026-01 is 250, 15 times its spread (10, a tenth of its mean level, as its range is 0) above it, and a forecast may leave that spread by at most 10 spreads per period ahead"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Normalize(valuesAnswer("", tt.values...), tt.d)
			if tt.reason != "" {
				wantReason(t, err, tt.reason)
				if !strings.Contains(err.Error(), tt.message) {
					t.Errorf("message\n%s\nwant it to contain\n%s", err, tt.message)
				}
				return
			}
			if err != nil {
				t.Fatalf("Normalize() error = %v", err)
			}
			checkInvariants(t, r, tt.d)
			for i, p := range r.Predictions {
				if got := strconv.FormatFloat(p.Value, 'g', -1, 64); got != tt.want[i] {
					t.Errorf("prediction %d = %s, want %s", i, got, tt.want[i])
				}
			}
		})
	}
}

// TestPlausibilityMessagesAreShort keeps the messages fit for a condition.
func TestPlausibilityMessagesAreShort(t *testing.T) {
	answers := []string{
		valuesAnswer("", floats(-120, -135, -150, -160, -170, -180)...),
		valuesAnswer("", floats(-1.3, 125, -126, 127, -128, 129)...),
		valuesAnswer("", floats(1e15, -1e15, 1e15, 1, 1e15, 1e15)...),
	}
	for _, raw := range answers {
		_, err := Normalize(raw, throughputData())
		wantReason(t, err, ReasonImplausibleOutput)
		if n := len(err.Error()); n > 300 {
			t.Errorf("message of %d bytes: %s", n, err)
		}
	}
}
