package failover

import (
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/types"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

// Failures is what the Forecasts and the health monitor report about the
// active provider in the current epoch, counted by one rule (CountFailures).
type Failures struct {
	// Count is the failures toward failureThreshold: Forecasts failing
	// once each, a rate-limit pause once, and failed probes once each.
	Count int32
	// Forecasts is the number of distinct Forecasts whose latest attempt in
	// this epoch failed after the provider's last success (rate limits are
	// not among them: they count as Pauses).
	Forecasts int32
	// Probes is the active provider's failed probes in a row.
	Probes int32
	// Attempted is the number of distinct Forecasts that tried the active
	// provider since its last success, whatever the outcome: when they are
	// fewer than the threshold, they alone may never reach it, and the lock
	// confirms with a probe.
	Attempted int32
	// Pauses is the longest run of rate limits one Forecast met in a row
	// after the last success, each after the wait the previous one asked
	// for: the pauses in a row, which count once each.
	Pauses int32
	// PausedUntil is the end of the newest rate-limit pause counted (the
	// retryAt its Forecasts were given); zero when none was.
	PausedUntil time.Time
	// Rejected is true when one of the counted attempts was a rejection.
	Rejected bool
	// Last describes the newest counted failure, for the audit trail, and
	// LastClass is its class.
	Last      string
	LastClass v1.FailureClass
	LastTime  time.Time
}

// Tally says what the count is made of, e.g. "2 Forecasts, 1 rate-limit
// pause, 1 failed probe".
func (f Failures) Tally() string {
	var parts []string
	if f.Forecasts > 0 {
		parts = append(parts, plural(f.Forecasts, "Forecast"))
	}
	if f.Pauses > 0 {
		parts = append(parts, plural(f.Pauses, "rate-limit pause"))
	}
	if f.Probes > 0 {
		parts = append(parts, plural(f.Probes, "failed probe"))
	}
	return strings.Join(parts, ", ")
}

func plural(n int32, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// CountFailures applies the counting rule to the last attempt of every
// Forecast and the active provider's probes:
//
//   - only attempts of this lock (its UID), this epoch and the active
//     provider count: the epoch is a fencing token, so a slow call that
//     began before a move cannot blame the new provider, and a lock created
//     again never counts an earlier incarnation's attempts;
//   - a failure counts when it came after the provider's last success (a
//     Forecast's success, or a completion probe that confirmed the
//     provider answers);
//   - each Forecast counts once, however long its streak, so one tenant's
//     data cannot reach the threshold alone;
//   - rate limits count once together: one pause, however many Forecasts
//     it held; a Forecast limited again after the wait it was given is the
//     next pause in a row;
//   - each failed probe in a row after the last success counts once, and a
//     probe the provider rejects (a revoked key) is a rejection;
//   - invalid input (the Forecast's own data) and refused status writes
//     never count; a rejection (bad key, unknown model, spent quota) sets
//     Rejected, which moves the lock at once.
func CountFailures(st v1.ProviderLockStatus, lockUID types.UID, attempts []v1.Attempt) Failures {
	current := func(a v1.Attempt) bool {
		return a.LockUID == lockUID && a.Epoch == st.Epoch && a.Provider == st.ActiveProvider
	}
	var f Failures
	active := StatusOf(st, st.ActiveProvider)
	var lastSuccess time.Time
	if active != nil && active.LastConfirmedTime != nil {
		lastSuccess = active.LastConfirmedTime.Time
	}
	for _, a := range attempts {
		if current(a) && a.Outcome == v1.OutcomeSucceeded && a.Time.After(lastSuccess) {
			lastSuccess = a.Time.Time
		}
	}
	var newest time.Time
	for _, a := range attempts {
		if !current(a) || a.Outcome == v1.OutcomeWriteRefused || !a.Time.After(lastSuccess) {
			continue
		}
		f.Attempted++
		if !counts(a.Class) {
			continue
		}
		if a.Class == v1.ClassRateLimited {
			f.Pauses = max(f.Pauses, a.ConsecutiveFailures, 1)
			if a.RetryAt != nil && a.RetryAt.After(f.PausedUntil) {
				f.PausedUntil = a.RetryAt.Time
			}
		} else {
			f.Forecasts++
		}
		f.Rejected = f.Rejected || a.Class == v1.ClassRejected
		if a.Time.After(newest) || a.Time.Time.Equal(newest) && outranks(a, f) {
			newest, f.Last, f.LastClass, f.LastTime = a.Time.Time, describe(a), a.Class, a.Time.Time
		}
	}
	f.Count = f.Forecasts + f.Pauses
	if active != nil && active.ProbeFailures > 0 && active.LastProbeTime != nil && active.LastProbeTime.After(lastSuccess) {
		f.Probes = active.ProbeFailures
		f.Count += active.ProbeFailures
		f.Rejected = f.Rejected || active.LastProbeClass == v1.ClassRejected
		if active.LastProbeTime.After(newest) {
			f.Last = "health probe failed: " + active.LastError
			f.LastClass, f.LastTime = active.LastProbeClass, active.LastProbeTime.Time
		}
	}
	return f
}

// outranks says which of two failures of the same second is the newest for
// the audit trail, so that the choice never depends on the order of the
// Forecasts: a rejection says the most about the provider, a call that never
// reached it the least, and then the message decides.
func outranks(a v1.Attempt, f Failures) bool {
	rank := func(c v1.FailureClass) int {
		switch c {
		case v1.ClassRejected:
			return 2
		case v1.ClassUnreachable:
			return 0
		}
		return 1
	}
	if r, s := rank(a.Class), rank(f.LastClass); r != s {
		return r > s
	}
	return describe(a) < f.Last
}

// describe is what an attempt's failure says: its message, or its reason.
func describe(a v1.Attempt) string {
	if a.Message != "" {
		return a.Message
	}
	return a.Reason
}

// counts reports whether a failure of this class counts against the
// provider. Invalid input is the Forecast's fault; an empty class is a
// success or a refused write.
func counts(c v1.FailureClass) bool {
	return c != "" && c != v1.ClassInvalidInput
}

// Unreachable returns the LLM providers whose newest evidence within
// EgressWindow says the request never reached them: a failed probe of
// class Unreachable, or, for the active provider, a Forecast attempt of
// that class newer than its last probe.
func Unreachable(st v1.ProviderLockStatus, lockUID types.UID, attempts []v1.Attempt, now time.Time) map[v1.ProviderName]bool {
	out := map[v1.ProviderName]bool{}
	since := now.Add(-EgressWindow)
	for _, p := range st.Providers {
		if p.Name == v1.ProviderBaseline {
			continue
		}
		var newest time.Time
		var class v1.FailureClass
		if p.LastProbeTime != nil && p.LastProbeTime.After(since) {
			newest, class = p.LastProbeTime.Time, p.LastProbeClass
		}
		if p.Name == st.ActiveProvider {
			for _, a := range attempts {
				if a.LockUID != lockUID || a.Epoch != st.Epoch || a.Provider != p.Name ||
					a.Outcome == v1.OutcomeWriteRefused || !a.Time.After(since) {
					continue
				}
				// Of evidence from the same second, a call that reached
				// the provider wins: the network worked then.
				if a.Time.After(newest) || a.Time.Time.Equal(newest) && class == v1.ClassUnreachable {
					newest, class = a.Time.Time, a.Class
				}
			}
		}
		if class == v1.ClassUnreachable {
			out[p.Name] = true
		}
	}
	return out
}
