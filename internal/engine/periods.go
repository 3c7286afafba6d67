package engine

import (
	"strconv"
	"strings"
	"time"
)

const dateLayout = "2006-01-02"

// Periods returns the labels of the Horizon periods after the last history
// point, continuing its format:
//
//	month   "2025-06"    -> "2025-07", …  (also "2025-06-30": month ends stay month ends)
//	quarter "2025-Q4"    -> "2026-Q1"     (also "2025Q4", "2025 q4", or a quarter-end date)
//	year    "2025"       -> "2026"        (or a date, stepped a year)
//	day     "2025-06-30" -> "2025-07-01"
//	week    "2025-W52"   -> "2026-W01"    (ISO weeks, 53 in years such as 2026; or a date, stepped 7 days)
//
// An empty period kind means month. When the last label cannot be parsed for
// its kind the labels fall back to "t+1", "t+2", …. A horizon outside
// 0..MaxHorizon is clamped into it (Validate refuses such data anyway).
func (d Data) Periods() []string {
	labels := make([]string, min(max(d.Horizon, 0), MaxHorizon))
	var last string
	if len(d.History) > 0 {
		last = strings.TrimSpace(d.History[len(d.History)-1].Period)
	}
	next := stepper(d.Period, last)
	for i := range labels {
		if next != nil {
			labels[i] = next(i + 1)
		} else {
			labels[i] = "t+" + strconv.Itoa(i+1)
		}
	}
	return labels
}

// stepper returns a function giving the label k periods after last, or nil
// when last is not a label of the period kind.
func stepper(kind, last string) func(k int) string {
	switch kind {
	case PeriodYear:
		if y, ok := digits(last, 4); ok {
			return func(k int) string { return padded(y+k, 4) }
		}
		return dateStepper(last, 12, 0)
	case PeriodQuarter:
		if next := quarterStepper(last); next != nil {
			return next
		}
		return dateStepper(last, 3, 0)
	case PeriodWeek:
		if next := weekStepper(last); next != nil {
			return next
		}
		return dateStepper(last, 0, 7)
	case PeriodDay:
		return dateStepper(last, 0, 1)
	default: // month, and empty which means month
		if len(last) == 7 && last[4] == '-' {
			y, okY := digits(last[:4], 4)
			m, okM := digits(last[5:], 2)
			if okY && okM && m >= 1 && m <= 12 {
				index := y*12 + m - 1
				return func(k int) string { return formatYearMonth((index+k)/12, (index+k)%12+1) }
			}
		}
		return dateStepper(last, 1, 0)
	}
}

// quarterStepper reads "2025-Q4", "2025Q4" or "2025 q4" and keeps the
// separator and the letter's case.
func quarterStepper(last string) func(k int) string {
	y, ok := digits(prefix(last, 4), 4)
	if !ok {
		return nil
	}
	sep, rest := splitSeparator(last[4:])
	if len(rest) != 2 || (rest[0] != 'Q' && rest[0] != 'q') {
		return nil
	}
	q, ok := digits(rest[1:], 1)
	if !ok || q < 1 || q > 4 {
		return nil
	}
	letter, index := rest[:1], y*4+q-1
	return func(k int) string {
		return padded((index+k)/4, 4) + sep + letter + strconv.Itoa((index+k)%4+1)
	}
}

// weekStepper reads ISO weeks "2025-W52" or "2025W52", keeping the
// separator and the letter's case.
func weekStepper(last string) func(k int) string {
	y, ok := digits(prefix(last, 4), 4)
	if !ok {
		return nil
	}
	sep, rest := splitSeparator(last[4:])
	if len(rest) != 3 || (rest[0] != 'W' && rest[0] != 'w') {
		return nil
	}
	w, ok := digits(rest[1:], 2)
	if !ok || w < 1 || w > isoWeeksIn(y) {
		return nil
	}
	letter := rest[:1]
	return func(k int) string {
		year, week := y, w+k
		for week > isoWeeksIn(year) {
			week -= isoWeeksIn(year)
			year++
		}
		return padded(year, 4) + sep + letter + padded(week, 2)
	}
}

// isoWeeksIn is 52 or 53: 28 December always falls in a year's last ISO week.
func isoWeeksIn(year int) int {
	_, week := time.Date(year, time.December, 28, 0, 0, 0, 0, time.UTC).ISOWeek()
	return week
}

// dateStepper steps a "2006-01-02" label by months and days. When stepping by
// months a month-end date stays a month end, so quarter-end series stay
// aligned ("2025-06-30" -> "2025-09-30" -> "2025-12-31"), and other days are
// clamped to the month's length.
func dateStepper(last string, months, days int) func(k int) string {
	t, err := time.Parse(dateLayout, last)
	if err != nil {
		return nil
	}
	monthEnd := t.Day() == daysIn(t.Year(), t.Month())
	return func(k int) string {
		if months == 0 {
			return t.AddDate(0, 0, days*k).Format(dateLayout)
		}
		first := time.Date(t.Year(), t.Month()+time.Month(months*k), 1, 0, 0, 0, 0, time.UTC)
		day := min(t.Day(), daysIn(first.Year(), first.Month()))
		if monthEnd {
			day = daysIn(first.Year(), first.Month())
		}
		return first.AddDate(0, 0, day-1).Format(dateLayout)
	}
}

func daysIn(year int, month time.Month) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func formatYearMonth(year, month int) string { return padded(year, 4) + "-" + padded(month, 2) }

// padded formats a non-negative n with leading zeros to at least width
// digits, as %0*d does, without fmt's cost on Normalize's path.
func padded(n, width int) string {
	s := strconv.Itoa(n)
	if len(s) >= width {
		return s
	}
	return strings.Repeat("0", width-len(s)) + s
}

// digits parses s as exactly n ASCII digits.
func digits(s string, n int) (int, bool) {
	if len(s) != n {
		return 0, false
	}
	v := 0
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		v = v*10 + int(s[i]-'0')
	}
	return v, true
}

func prefix(s string, n int) string { return s[:min(n, len(s))] }

// splitSeparator splits an optional "-" or " " off the front of s.
func splitSeparator(s string) (sep, rest string) {
	if s != "" && (s[0] == '-' || s[0] == ' ') {
		return s[:1], s[1:]
	}
	return "", s
}
