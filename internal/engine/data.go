package engine

import (
	"math"
	"strconv"
	"strings"
	"unicode"
)

// Period kinds a series can be sampled at.
const (
	PeriodDay     = "day"
	PeriodWeek    = "week"
	PeriodMonth   = "month"
	PeriodQuarter = "quarter"
	PeriodYear    = "year"
)

// Bounds on the request data.
const (
	// MinHistory is the shortest history a trend can be fitted to.
	MinHistory = 3
	// MaxHistory bounds the history so a request stays within what a prompt
	// and the baseline fit can handle; the Forecast API allows 500 points
	// inline, larger series come from a ConfigMap.
	MaxHistory = 5000
	// MaxHorizon is the furthest ahead a forecast may reach, in periods.
	MaxHorizon = 36
)

// Point is one observation of the history.
type Point struct {
	Period string  `json:"period"`
	Value  float64 `json:"value"`
}

// Data is everything a provider is asked about.
type Data struct {
	Region   string            `json:"region"`
	Subject  string            `json:"subject,omitempty"`
	Unit     string            `json:"unit,omitempty"`
	Period   string            `json:"period"` // day|week|month|quarter|year
	Horizon  int               `json:"horizon"`
	Capacity *float64          `json:"capacity,omitempty"`
	History  []Point           `json:"history"`
	Actual   map[string]string `json:"actual,omitempty"`
}

// Validate reports unusable data as *Error with Reason ReasonInvalidInput:
// fewer than MinHistory or more than MaxHistory history points, non-finite
// values or capacity, a horizon outside 1..MaxHorizon, or an unknown period
// kind (empty means month, the API's default).
func (d Data) Validate() error {
	switch d.Period {
	case "", PeriodDay, PeriodWeek, PeriodMonth, PeriodQuarter, PeriodYear:
	default:
		return errorf(ReasonInvalidInput, "period %q is not one of day, week, month, quarter, year", d.Period)
	}
	if d.Horizon < 1 || d.Horizon > MaxHorizon {
		return errorf(ReasonInvalidInput, "horizon %d is outside 1..%d; ask for fewer periods ahead", d.Horizon, MaxHorizon)
	}
	if n := len(d.History); n < MinHistory {
		return errorf(ReasonInvalidInput, "history has %d points; at least %d are needed to forecast a trend", n, MinHistory)
	}
	if n := len(d.History); n > MaxHistory {
		return errorf(ReasonInvalidInput, "history has %d points; at most %d are accepted, keep the most recent ones", n, MaxHistory)
	}
	for i, p := range d.History {
		if !finite(p.Value) {
			return errorf(ReasonInvalidInput, "history point %d (%s) is %v; every value must be a finite number", i+1, strconv.Quote(p.Period), p.Value)
		}
	}
	if d.Capacity != nil && !finite(*d.Capacity) {
		return errorf(ReasonInvalidInput, "capacity is %v; it must be a finite number", *d.Capacity)
	}
	return nil
}

// values returns the history values in order.
func (d Data) values() []float64 {
	values := make([]float64, len(d.History))
	for i, p := range d.History {
		values[i] = p.Value
	}
	return values
}

// signedWords are words of a unit or subject that name a quantity which can
// fall below zero: a change, a balance, a temperature, a percentage (a growth
// rate is one).
var signedWords = []string{
	"balance", "change", "delta", "difference", "growth", "margin", "net", "profit",
	"percent", "percentage", "pct", "pp", "rate", "return", "temperature",
	"degree", "degrees", "celsius", "fahrenheit",
}

// isCount reports whether the series is a count or an amount that cannot be
// negative (throughput, vehicles, tonnes, kTEU, …), so that its forecast
// cannot be either: true unless a history value is negative, or the unit is
// or contains "%" or "°", or a word of the unit or subject is one of
// signedWords ("trade balance", "growth", "pp").
func (d Data) isCount() bool {
	for _, p := range d.History {
		if p.Value < 0 {
			return false
		}
	}
	if strings.ContainsAny(d.Unit, "%°") {
		return false
	}
	return !hasWord(d.Unit, signedWords) && !hasWord(d.Subject, signedWords)
}

// hasWord reports whether s, split into words at anything but letters, has
// one of words, in any case.
func hasWord(s string, words []string) bool {
	for field := range strings.FieldsFuncSeq(s, func(r rune) bool { return !unicode.IsLetter(r) }) {
		for _, w := range words {
			if strings.EqualFold(field, w) {
				return true
			}
		}
	}
	return false
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
