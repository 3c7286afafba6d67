package engine

import (
	"fmt"
	"math"
	"strconv"
)

// The plausibility rules refuse an answer whose numbers contradict the data
// instead of repairing it. Both measure the predictions against the
// history's own spread s: its range (max - min), or a tenth of its mean
// absolute value when the range is smaller, so that a flat history still
// has a scale. A history that is all zeros has none, and passes.
//
// The constants are calibrated on the forecasts the 24 entries of the M3
// competition submitted for 1,415 real series (TestPlausibleM3, which
// reports the largest figures observed); each rule accepts all of them with
// a margin of at least 1.5.
const (
	// countTolerance is how far below zero, as a share of the history's
	// mean absolute value, a count prediction is taken for rounding or a
	// slight overshoot: it is raised to zero and never refused.
	countTolerance = 0.01
	// maxCountPlunge is how many spreads a count prediction below the
	// tolerance may have fallen from the value before it (the last
	// observation, for the first period). A count forecast that runs a
	// falling trend past zero is clamped to zero, as linear methods do on
	// M3 (20 entries of ROBUST-Trend, THETA and Auto-ANN; the steepest
	// fall, Auto-ANN's one-period drop for N0129, is 1.08 spreads). One that
	// plunges far below zero contradicts the data: negated values fall twice
	// the level. The steepest plunge among the M3 entries is Auto-ANN's for
	// N0569, a hospital patient count whose six predictions are all about
	// -3250 after a last value of 4731 (3.7 spreads); the garbage
	// answer, -120 after 131 for a history of 110..140, falls 8.4.
	maxCountPlunge = 6
	// maxSpreadsPerStep is how far, in spreads per period ahead, a
	// prediction may lie outside the history's range [min, max]: at step h
	// the limit is maxSpreadsPerStep·h·s. No trend in the history can move
	// a whole range in one period, so ten is far beyond any extrapolation;
	// on M3 the largest is 6.3 (AutoBox2 for N2402, whose submitted
	// forecast alternates between 0 and values growing to 34 times the
	// level), then 3.8 (PP-Autocast for N2646, an exchange rate forecast as
	// 1302 and then 0), and 2.33 for the largest genuine extrapolation
	// (ARARMA for N0113, an exploding cash flow).
	maxSpreadsPerStep = 10
	// minSpreadShare floors the spread at this share of the history's mean
	// absolute value.
	minSpreadShare = 0.1
)

// historyStats are the figures of the history the rules use.
type historyStats struct {
	min, max, last, meanAbs float64
	// spread is max - min, or minSpreadShare·meanAbs when that is larger.
	spread float64
}

func statsOf(history []float64) historyStats {
	h := historyStats{min: math.Inf(1), max: math.Inf(-1), last: history[len(history)-1]}
	for _, v := range history {
		h.min, h.max = min(h.min, v), max(h.max, v)
		h.meanAbs += math.Abs(v)
	}
	h.meanAbs /= float64(len(history))
	h.spread = max(h.max-h.min, minSpreadShare*h.meanAbs)
	return h
}

// floored reports whether the spread is the floor rather than the range.
func (h historyStats) floored() bool { return h.spread > h.max-h.min }

// outside is how far v lies outside the history's range, in spreads per
// period ahead at step (from 1): the figure the path rule limits to
// maxSpreadsPerStep.
func (h historyStats) outside(v float64, step int) float64 {
	return max(h.min-v, v-h.max, 0) / h.spread / float64(step)
}

// plunge is, for a count prediction v below the tolerance, how far it fell
// from prev in spreads: the figure the count rule limits to
// maxCountPlunge. It is 0 for v at or above the tolerance.
func (h historyStats) plunge(prev, v float64) float64 {
	if v >= -countTolerance*h.meanAbs {
		return 0
	}
	return (prev - v) / h.spread
}

// spreadNoun names the spread in messages.
func (h historyStats) spreadNoun() string {
	if h.floored() {
		return "spread"
	}
	return "range"
}

// spreadPhrase describes the spread in messages: "its range (30)" for the
// owner "its".
func (h historyStats) spreadPhrase(owner string) string {
	if h.floored() {
		return fmt.Sprintf("%s spread (%s, a tenth of its mean level, as its range is %s)", owner, num(h.spread), num(h.max-h.min))
	}
	return fmt.Sprintf("%s range (%s)", owner, num(h.spread))
}

// checkPlausible refuses, with ReasonImplausibleOutput, predictions as the
// provider wrote them (before floorCounts) that contradict the history:
//
//   - count: for a count series (Data.isCount), a value below
//     -countTolerance·mean|history| that fell more than maxCountPlunge·s
//     from the value before it (the last observation for the first period);
//     smaller negatives, and a falling trend run past zero, are raised to
//     zero afterwards;
//   - path: a value outside [min - k·h·s, max + k·h·s] at step h (from 1),
//     k = maxSpreadsPerStep: the path leaves the history's range by more
//     than k spreads per period ahead.
func checkPlausible(preds []Prediction, h historyStats, count bool) error {
	if h.spread == 0 || !finite(h.spread) {
		return nil
	}
	if count {
		if err := checkCount(preds, h); err != nil {
			return err
		}
	}
	return checkPath(preds, h)
}

// checkCount is checkPlausible's count rule.
func checkCount(preds []Prediction, h historyStats) error {
	limit := -countTolerance * h.meanAbs
	plunge, prev := -1, h.last
	first, last, below := -1, -1, 0
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, p := range preds {
		if p.Value < limit {
			if plunge < 0 && h.plunge(prev, p.Value) > maxCountPlunge {
				plunge = i
			}
			if first < 0 {
				first = i
			}
			last, below = i, below+1
			lo, hi = min(lo, p.Value), max(hi, p.Value)
		}
		prev = p.Value
	}
	if plunge < 0 {
		return nil
	}
	before := h.last
	if plunge > 0 {
		before = preds[plunge-1].Value
	}
	return errorf(ReasonImplausibleOutput, "%s, below zero for a count series whose history averages %s (the limit is %s); %s falls %s in one period, more than %d times %s",
		which(preds, first, last, below, hi, lo), num(h.meanAbs), num(limit),
		preds[plunge].Period, num(before-preds[plunge].Value), maxCountPlunge, h.spreadPhrase("the history's"))
}

// checkPath is checkPlausible's path rule.
func checkPath(preds []Prediction, h historyStats) error {
	first, last, far := -1, -1, 0
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, p := range preds {
		if h.outside(p.Value, i+1) <= maxSpreadsPerStep {
			continue
		}
		if first < 0 {
			first = i
		}
		last, far = i, far+1
		lo, hi = min(lo, p.Value), max(hi, p.Value)
	}
	if first < 0 {
		return nil
	}
	p := preds[first]
	side, edge := "above", h.max
	if p.Value < h.min {
		side, edge = "below", h.min
	}
	var allowed string
	if first > 0 {
		allowed = fmt.Sprintf(" (%d by %s)", maxSpreadsPerStep*(first+1), p.Period)
	}
	msg := fmt.Sprintf("%s, implausibly far from the history (%s..%s): %s is %s, %s times %s %s it, and a forecast may leave that %s by at most %d %ss per period ahead%s",
		which(preds, first, last, far, lo, hi), num(h.min), num(h.max), p.Period, num(p.Value),
		num(math.Abs(p.Value-edge)/h.spread), h.spreadPhrase("its"), side, h.spreadNoun(), maxSpreadsPerStep, h.spreadNoun(), allowed)
	return errorf(ReasonImplausibleOutput, "%s", msg)
}

// which names the predictions first..last, n of them, whose values span
// from..to: "prediction 2026-01 is -120", "predictions 2026-01..2026-06 are
// -120..-180", "3 predictions from 2026-01 to 2026-12 are -5..-180".
func which(preds []Prediction, first, last, n int, from, to float64) string {
	switch {
	case n == 1:
		return fmt.Sprintf("prediction %s is %s", preds[first].Period, num(from))
	case n == last-first+1:
		return fmt.Sprintf("predictions %s..%s are %s..%s", preds[first].Period, preds[last].Period, num(from), num(to))
	}
	return fmt.Sprintf("%d predictions from %s to %s are %s..%s", n, preds[first].Period, preds[last].Period, num(from), num(to))
}

// num formats a figure for a message: at most 4 significant digits, in full
// up to a million.
func num(v float64) string {
	if math.Abs(v) >= 1e4 && math.Abs(v) < 1e6 {
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}
