package gate

import "time"

// window sums what was admitted in the last span: calls (each 1) or tokens.
// Entries are kept in admission order, so the oldest leaves first.
type window struct {
	span    time.Duration
	entries []*entry
	head    int // entries[:head] have left the window
	sum     int
}

// entry is one admission; its amount can be corrected later (a token
// estimate replaced by the usage the answer reports).
type entry struct {
	at     time.Time
	amount int
	w      *window
	gone   bool
}

// prune drops the entries older than the span at now.
func (w *window) prune(now time.Time) {
	for w.head < len(w.entries) && !w.entries[w.head].at.After(now.Add(-w.span)) {
		e := w.entries[w.head]
		w.sum -= e.amount
		e.gone = true
		w.entries[w.head] = nil
		w.head++
	}
	if w.head > 64 && 2*w.head > len(w.entries) {
		w.entries = append(w.entries[:0], w.entries[w.head:]...)
		w.head = 0
	}
}

// wait is how long from now until amount more fits under limit; 0 when it
// fits now. An amount larger than the limit fits an empty window, so that
// one oversized call is slow, not impossible.
func (w *window) wait(now time.Time, amount, limit int) time.Duration {
	if limit <= 0 {
		return 0
	}
	w.prune(now)
	fits := func(sum int) bool { return sum == 0 || sum+amount <= limit }
	sum := w.sum
	if fits(sum) {
		return 0
	}
	for _, e := range w.entries[w.head:] {
		sum -= e.amount
		if fits(sum) {
			return e.at.Add(w.span).Sub(now)
		}
	}
	return 0 // not reached: the loop ends on an empty window
}

// add admits amount at now.
func (w *window) add(now time.Time, amount int) *entry {
	e := &entry{at: now, amount: amount, w: w}
	w.entries = append(w.entries, e)
	w.sum += amount
	return e
}

// correct replaces the amount of an entry still in its window.
func (e *entry) correct(amount int) {
	if e == nil || e.gone {
		return
	}
	e.w.sum += amount - e.amount
	e.amount = amount
}
