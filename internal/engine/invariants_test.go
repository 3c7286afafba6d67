package engine

import (
	"slices"
	"testing"
	"unicode/utf8"
)

// checkInvariants asserts what every Result promises, whatever the answer.
func checkInvariants(t *testing.T, r Result, d Data) {
	t.Helper()
	periods := d.Periods()
	if len(r.Predictions) != d.Horizon {
		t.Fatalf("%d predictions, want %d", len(r.Predictions), d.Horizon)
	}
	labels := make([]string, len(r.Predictions))
	for i, p := range r.Predictions {
		labels[i] = p.Period
		if !finite(p.Value) || !finite(p.Lower) || !finite(p.Upper) {
			t.Errorf("prediction %d not finite: %+v", i, p)
		}
		if !(p.Lower <= p.Value && p.Value <= p.Upper) {
			t.Errorf("prediction %d out of order: %+v", i, p)
		}
	}
	if !slices.Equal(labels, periods) {
		t.Errorf("labels %q, want %q", labels, periods)
	}
	if r.RiskScore < 0 || r.RiskScore > 100 || r.Confidence < 0 || r.Confidence > 100 {
		t.Errorf("scores out of range: risk %d, confidence %d", r.RiskScore, r.Confidence)
	}
	if levelForScore(r.RiskScore) != r.RiskLevel {
		t.Errorf("level %s does not match score %d", r.RiskLevel, r.RiskScore)
	}
	if byNumbers := assessRisk(d, d.values(), r.Predictions, "", false); abs(byNumbers.level.rank()-r.RiskLevel.rank()) > 1 {
		t.Errorf("level %s is more than one level from %s, the numbers' level", r.RiskLevel, byNumbers.level)
	}
	if d.isCount() {
		for i, p := range r.Predictions {
			if p.Lower < 0 {
				t.Errorf("prediction %d of a count is negative: %+v", i, p)
			}
		}
	}
	if d.Capacity != nil && len(r.Bottlenecks) < MaxBottlenecks {
		for _, p := range r.Predictions {
			if p.Value > *d.Capacity && !hasPeriod(r.Bottlenecks, p.Period) {
				t.Errorf("%s is over capacity (%v > %v) but has no bottleneck", p.Period, p.Value, *d.Capacity)
			}
		}
	}
	wantText(t, "summary", r.Summary, MaxSummary, false)
	if len(r.Bottlenecks) > MaxBottlenecks {
		t.Errorf("%d bottlenecks, want at most %d", len(r.Bottlenecks), MaxBottlenecks)
	}
	for _, b := range r.Bottlenecks {
		wantText(t, "bottleneck name", b.Name, MaxName, false)
		wantText(t, "bottleneck description", b.Description, MaxDescription, true)
		wantText(t, "bottleneck period", b.Period, MaxPeriod, true)
		if b.Severity.rank() == 0 && b.Severity != RiskLow {
			t.Errorf("bottleneck severity %q is not a level", b.Severity)
		}
	}
}

func abs(n int) int { return max(n, -n) }

func wantText(t *testing.T, what, s string, limit int, mayBeEmpty bool) {
	t.Helper()
	switch {
	case s == "" && !mayBeEmpty:
		t.Errorf("%s is empty", what)
	case !utf8.ValidString(s):
		t.Errorf("%s is not valid UTF-8: %q", what, s)
	case utf8.RuneCountInString(s) > limit:
		t.Errorf("%s has %d characters, limit %d", what, utf8.RuneCountInString(s), limit)
	case s != cleanText(s, limit):
		t.Errorf("%s is not clean: %q", what, s)
	}
}
