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
		if q, ok := parseQuarter(last); ok {
			return q.stepQuarters
		}
		return dateStepper(last, 3, 0)
	case PeriodWeek:
		if w, ok := parseWeek(last); ok {
			return w.stepWeeks
		}
		return dateStepper(last, 0, 7)
	case PeriodDay:
		return dateStepper(last, 0, 1)
	default: // month, and empty which means month
		if y, m, ok := parseYearMonth(last); ok {
			index := y*12 + m - 1
			return func(k int) string { return formatYearMonth((index+k)/12, (index+k)%12+1) }
		}
		return dateStepper(last, 1, 0)
	}
}

// ordinal numbers a label of the period kind on a calendar of such periods,
// so that consecutive periods differ by one ("2025-12" and "2026-01", or
// "2025-W52" and "2025-12-22" for weeks). It reports false when the label is
// none of the kind's forms that Periods reads.
func ordinal(kind, label string) (int, bool) {
	label = strings.TrimSpace(label)
	switch kind {
	case PeriodYear:
		if y, ok := digits(label, 4); ok {
			return y, true
		}
	case PeriodQuarter:
		if q, ok := parseQuarter(label); ok {
			return q.year*4 + q.number - 1, true
		}
	case PeriodWeek:
		if w, ok := parseWeek(label); ok {
			return weekOrdinal(isoWeekMonday(w.year, w.number)), true
		}
	case PeriodDay: // days are only ever dates
	default:
		if y, m, ok := parseYearMonth(label); ok {
			return y*12 + m - 1, true
		}
	}
	t, err := time.Parse(dateLayout, label)
	if err != nil {
		return 0, false
	}
	switch kind {
	case PeriodYear:
		return t.Year(), true
	case PeriodQuarter:
		return t.Year()*4 + (int(t.Month())-1)/3, true
	case PeriodWeek:
		return weekOrdinal(t), true
	case PeriodDay:
		return int(t.Unix() / secondsPerDay), true
	}
	return t.Year()*12 + int(t.Month()) - 1, true
}

const secondsPerDay = 24 * 60 * 60

// weekOrdinal numbers the week (Monday to Sunday) that t falls in.
func weekOrdinal(t time.Time) int {
	// 1970-01-01 was a Thursday: count days from the Monday before it.
	days := int(t.Unix()/secondsPerDay) + 3
	if days < 0 {
		return (days - 6) / 7 // round towards minus infinity
	}
	return days / 7
}

// isoWeekMonday is the Monday of ISO week w of year: week 1 is the week
// with 4 January in it.
func isoWeekMonday(year, w int) time.Time {
	jan4 := time.Date(year, time.January, 4, 0, 0, 0, 0, time.UTC)
	sinceMonday := (int(jan4.Weekday()) + 6) % 7
	return jan4.AddDate(0, 0, 7*(w-1)-sinceMonday)
}

// parseYearMonth reads a "2025-06" month label.
func parseYearMonth(s string) (year, month int, ok bool) {
	if len(s) != 7 || s[4] != '-' {
		return 0, 0, false
	}
	y, okY := digits(s[:4], 4)
	m, okM := digits(s[5:], 2)
	if !okY || !okM || m < 1 || m > 12 {
		return 0, 0, false
	}
	return y, m, true
}

// numberedLabel is a quarter ("2025-Q4") or ISO week ("2025-W52") label:
// the year, the quarter's or week's number, and how it was written, the
// separator ("-", " " or none) and the letter's case.
type numberedLabel struct {
	year, number int
	sep, letter  string
}

// parseQuarter reads "2025-Q4", "2025Q4" or "2025 q4".
func parseQuarter(s string) (numberedLabel, bool) {
	l, ok := parseNumbered(s, 'Q', 1)
	return l, ok && l.number >= 1 && l.number <= 4
}

// parseWeek reads ISO weeks "2025-W52" or "2025W52", in any case.
func parseWeek(s string) (numberedLabel, bool) {
	l, ok := parseNumbered(s, 'W', 2)
	return l, ok && l.number >= 1 && l.number <= isoWeeksIn(l.year)
}

// parseNumbered reads a four-digit year, an optional separator, the letter
// in either case and a number of exactly width digits.
func parseNumbered(s string, letter byte, width int) (numberedLabel, bool) {
	y, ok := digits(prefix(s, 4), 4)
	if !ok {
		return numberedLabel{}, false
	}
	sep, rest := splitSeparator(s[4:])
	if len(rest) != 1+width || (rest[0] != letter && rest[0] != letter+'a'-'A') {
		return numberedLabel{}, false
	}
	n, ok := digits(rest[1:], width)
	return numberedLabel{year: y, number: n, sep: sep, letter: rest[:1]}, ok
}

// stepQuarters is the quarter k quarters after q, written as q is.
func (q numberedLabel) stepQuarters(k int) string {
	index := q.year*4 + q.number - 1 + k
	return padded(index/4, 4) + q.sep + q.letter + strconv.Itoa(index%4+1)
}

// stepWeeks is the ISO week k weeks after w, written as w is.
func (w numberedLabel) stepWeeks(k int) string {
	year, week := w.year, w.number+k
	for week > isoWeeksIn(year) {
		week -= isoWeeksIn(year)
		year++
	}
	return padded(year, 4) + w.sep + w.letter + padded(week, 2)
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
