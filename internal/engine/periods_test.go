package engine

import (
	"slices"
	"testing"
)

func TestPeriods(t *testing.T) {
	tests := []struct {
		name    string
		kind    string
		last    string
		horizon int
		want    []string
	}{
		{"month", PeriodMonth, "2025-06", 3, []string{"2025-07", "2025-08", "2025-09"}},
		{"month year rollover", PeriodMonth, "2025-11", 3, []string{"2025-12", "2026-01", "2026-02"}},
		{"empty kind is month", "", "2025-12", 1, []string{"2026-01"}},
		{"month as month-end date", PeriodMonth, "2025-01-31", 3, []string{"2025-02-28", "2025-03-31", "2025-04-30"}},
		{"month as mid-month date", PeriodMonth, "2024-01-30", 2, []string{"2024-02-29", "2024-03-30"}},
		{"quarter rollover", PeriodQuarter, "2025-Q4", 2, []string{"2026-Q1", "2026-Q2"}},
		{"quarter compact", PeriodQuarter, "2025Q3", 2, []string{"2025Q4", "2026Q1"}},
		{"quarter lower case with space", PeriodQuarter, "2025 q2", 1, []string{"2025 q3"}},
		{"quarter-end date", PeriodQuarter, "2025-06-30", 3, []string{"2025-09-30", "2025-12-31", "2026-03-31"}},
		{"year", PeriodYear, "2025", 2, []string{"2026", "2027"}},
		{"year as date", PeriodYear, "2024-02-29", 1, []string{"2025-02-28"}},
		{"day month end", PeriodDay, "2025-06-30", 2, []string{"2025-07-01", "2025-07-02"}},
		{"day year end", PeriodDay, "2025-12-31", 1, []string{"2026-01-01"}},
		{"day leap", PeriodDay, "2028-02-28", 2, []string{"2028-02-29", "2028-03-01"}},
		{"week 52 of a 52-week year", PeriodWeek, "2025-W52", 2, []string{"2026-W01", "2026-W02"}},
		{"week 52 of a 53-week year", PeriodWeek, "2026-W52", 3, []string{"2026-W53", "2027-W01", "2027-W02"}},
		{"week 53 rolls over", PeriodWeek, "2020-W53", 1, []string{"2021-W01"}},
		{"week compact lower case", PeriodWeek, "2015w52", 2, []string{"2015w53", "2016w01"}},
		{"week 53 in a 52-week year is not a week", PeriodWeek, "2025-W53", 2, []string{"t+1", "t+2"}},
		{"week as date", PeriodWeek, "2025-12-29", 1, []string{"2026-01-05"}},
		{"unparsable month", PeriodMonth, "June 2025", 2, []string{"t+1", "t+2"}},
		{"month 13", PeriodMonth, "2025-13", 1, []string{"t+1"}},
		{"quarter 5", PeriodQuarter, "2025-Q5", 1, []string{"t+1"}},
		{"short year", PeriodYear, "25", 1, []string{"t+1"}},
		{"empty label", PeriodMonth, "", 2, []string{"t+1", "t+2"}},
		{"label with spaces", PeriodYear, " 2025 ", 1, []string{"2026"}},
		{"zero horizon", PeriodMonth, "2025-06", 0, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Data{Period: tt.kind, Horizon: tt.horizon, History: []Point{{Period: "x"}, {Period: tt.last}}}
			if got := d.Periods(); !slices.Equal(got, tt.want) {
				t.Errorf("Periods() after %q = %q, want %q", tt.last, got, tt.want)
			}
		})
	}
}

func TestPeriodsLongHorizonIsConsecutive(t *testing.T) {
	d := Data{Period: PeriodWeek, Horizon: MaxHorizon, History: []Point{{Period: "2026-W30"}}}
	got := d.Periods()
	if len(got) != MaxHorizon || got[0] != "2026-W31" || got[22] != "2026-W53" || got[23] != "2027-W01" || got[35] != "2027-W13" {
		t.Errorf("Periods() = %q", got)
	}
}

func TestPeriodsClampsHorizon(t *testing.T) {
	for _, h := range []int{-1, MaxHorizon + 100} {
		d := Data{Period: PeriodYear, Horizon: h, History: []Point{{Period: "2025"}}}
		if got := len(d.Periods()); got > MaxHorizon || got < 0 {
			t.Errorf("horizon %d gave %d labels", h, got)
		}
	}
}

func TestPeriodsWithoutHistory(t *testing.T) {
	d := Data{Period: PeriodMonth, Horizon: 2}
	if got := d.Periods(); !slices.Equal(got, []string{"t+1", "t+2"}) {
		t.Errorf("Periods() = %q", got)
	}
}

func TestOrdinal(t *testing.T) {
	// Each pair is two labels one period apart.
	tests := []struct {
		name        string
		kind        string
		first, next string
	}{
		{"month", PeriodMonth, "2025-12", "2026-01"},
		{"empty kind is month", "", "2025-06", "2025-07"},
		{"month as dates", PeriodMonth, "2025-01-31", "2025-02-28"},
		{"month label then date", PeriodMonth, "2025-01", "2025-02-15"},
		{"quarter", PeriodQuarter, "2025-Q4", "2026q1"},
		{"quarter-end dates", PeriodQuarter, "2025-09-30", "2025-12-31"},
		{"year", PeriodYear, "2025", "2026"},
		{"year as dates", PeriodYear, "2024-02-29", "2025-02-28"},
		{"ISO week rollover in a 53-week year", PeriodWeek, "2026-W53", "2027-W01"},
		{"ISO week then its Monday a week later", PeriodWeek, "2025-W52", "2025-12-29"},
		{"week before 1970", PeriodWeek, "1969-12-28", "1969-12-29"},
		{"day", PeriodDay, "2028-02-28", "2028-02-29"},
		{"day before 1970", PeriodDay, "1969-12-31", "1970-01-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, okA := ordinal(tt.kind, tt.first)
			b, okB := ordinal(tt.kind, tt.next)
			if !okA || !okB || b-a != 1 {
				t.Errorf("ordinal(%q) = %d, %v; ordinal(%q) = %d, %v; want consecutive", tt.first, a, okA, tt.next, b, okB)
			}
		})
	}
	for _, label := range []string{"", "June 2025", "2025-13", "t-1", "2025-Q1"} {
		if _, ok := ordinal(PeriodMonth, label); ok {
			t.Errorf("ordinal(month, %q) = ok, want not a month", label)
		}
	}
	if _, ok := ordinal(PeriodWeek, "2025-W53"); ok {
		t.Errorf("ordinal(week, 2025-W53) = ok, but 2025 has 52 ISO weeks")
	}
}

func TestGapShare(t *testing.T) {
	tests := []struct {
		name   string
		kind   string
		labels []string
		want   float64
	}{
		{"complete", PeriodMonth, []string{"2025-01", "2025-02", "2025-03", "2025-04"}, 0},
		{"one month missing of five", PeriodMonth, []string{"2025-01", "2025-02", "2025-04", "2025-05"}, 1.0 / 5},
		{"repeated label", PeriodMonth, []string{"2025-01", "2025-02", "2025-02", "2025-03"}, 1.0 / 5},
		// 2020 to 2022 misses one, 2022 back to 2021 counts one: 2 of 3 + 2.
		{"out of order", PeriodYear, []string{"2020", "2022", "2021"}, 2.0 / 5},
		{"weeks across a year end", PeriodWeek, []string{"2026-W52", "2026-W53", "2027-W01"}, 0},
		{"unlabelled history has no gaps", PeriodMonth, []string{"", "", ""}, 0},
		{"only labelled pairs are judged", PeriodMonth, []string{"x", "2025-01", "2025-03", "y"}, 1.0 / 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Data{Period: tt.kind}
			for _, l := range tt.labels {
				d.History = append(d.History, Point{Period: l})
			}
			if got := gapShare(d); got != tt.want {
				t.Errorf("gapShare() = %v, want %v", got, tt.want)
			}
		})
	}
}
