package failover

import (
	"time"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

// rejectionReasons are the lastAttempt reasons of a provider that refuses
// to serve (bad key, unknown model, quota gone, a request shape it cannot
// take): waiting will not help, so the lock moves at once.
var rejectionReasons = map[string]bool{
	"Unauthorized": true, "UnknownModel": true, "QuotaExhausted": true, "BadRequest": true,
	"CredentialsUnavailable": true, "Unsupported": true, "InvalidConfig": true,
}

// Failures is what the Forecasts report about the active provider in the
// current epoch.
type Failures struct {
	// Count is the provider-caused failures after the provider's last
	// success: the sum of the failure streaks of the Forecasts whose last
	// attempt failed after that success, plus its failed probes in a row.
	Count int32
	// Rejected is true when one of those attempts was a rejection.
	Rejected bool
	// Last describes the newest counted failure, for the audit trail.
	Last string
}

// CountFailures reads the last attempt of every Forecast, and adds the
// active provider's failed health probes in a row. Attempts of another
// epoch or provider are ignored (the epoch is a fencing token: a slow call
// that began before a move cannot blame the new provider), and so is invalid
// input, which is the Forecast's fault.
func CountFailures(st v1.ProviderLockStatus, attempts []v1.Attempt) Failures {
	var lastSuccess time.Time
	for _, a := range attempts {
		if current(st, a) && a.Outcome == v1.OutcomeSucceeded && a.Time.After(lastSuccess) {
			lastSuccess = a.Time.Time
		}
	}
	var f Failures
	var newest time.Time
	for _, a := range attempts {
		if !current(st, a) || !a.Time.After(lastSuccess) ||
			(a.Outcome != v1.OutcomeProviderFailed && a.Outcome != v1.OutcomeInvalidOutput) {
			continue
		}
		f.Count += max(a.ConsecutiveFailures, 1)
		f.Rejected = f.Rejected || rejectionReasons[a.Reason]
		if a.Time.After(newest) {
			newest, f.Last = a.Time.Time, a.Message
			if f.Last == "" {
				f.Last = a.Reason
			}
		}
	}
	if p := StatusOf(st, st.ActiveProvider); p != nil && p.ProbeFailures > 0 {
		f.Count += p.ProbeFailures
		if p.LastProbeTime != nil && p.LastProbeTime.After(newest) {
			f.Last = "health probe failed: " + p.LastError
		}
	}
	return f
}

func current(st v1.ProviderLockStatus, a v1.Attempt) bool {
	return a.Epoch == st.Epoch && a.Provider == st.ActiveProvider
}
