package dashboard

import (
	"time"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

// defaultRefreshInterval is the Forecast API's default refreshInterval.
const defaultRefreshInterval = time.Hour

// assessor decides each Forecast's state at one instant.
type assessor struct {
	now   time.Time
	grace time.Duration
}

// assessment is a Forecast's state and, when Failing, why.
type assessment struct {
	state   string
	failure *Failure
	// overdue is how long ago the result was due to be refreshed; > 0 only
	// for a Stale Forecast.
	overdue time.Duration
}

// assess decides a Forecast's state, in order of precedence: Suspended,
// Failing, Stale, Ready, Pending. It reads fc and never changes it.
func (a assessor) assess(fc *v1.Forecast) assessment {
	if fc.Spec.Suspend {
		return assessment{state: StateSuspended}
	}
	if f := failureOf(fc); f != nil {
		return assessment{state: StateFailing, failure: f}
	}
	if !hasResult(fc) {
		return assessment{state: StatePending}
	}
	if overdue := a.now.Sub(dueAt(fc)); overdue > a.grace {
		return assessment{state: StateStale, overdue: overdue}
	}
	return assessment{state: StateReady}
}

// hasResult reports whether the Forecast holds a result.
func hasResult(fc *v1.Forecast) bool {
	return fc.Status.GeneratedAt != nil && fc.Status.RiskLevel != ""
}

// dueAt is when the result should be produced again: nextRefreshAt, or
// generatedAt plus the refresh interval when the controller did not say.
func dueAt(fc *v1.Forecast) time.Time {
	if t := fc.Status.NextRefreshAt; t != nil {
		return t.Time
	}
	interval := defaultRefreshInterval
	if d := fc.Spec.RefreshInterval; d != nil && d.Duration > 0 {
		interval = d.Duration
	}
	return fc.Status.GeneratedAt.Add(interval)
}

// failureOf says why a Forecast fails, or nil when it does not: its last
// attempt failed, or Ready is False (no provider, a missing ConfigMap, bad
// input). A Forecast that waits for its provider's rate-limit pause to end
// does not fail: it keeps its last result, and its call comes.
func failureOf(fc *v1.Forecast) *Failure {
	ready := apimeta.FindStatusCondition(fc.Status.Conditions, v1.ReadyCondition)
	if ready != nil && ready.Status == metav1.ConditionFalse && ready.Reason == v1.RateLimitedReason {
		return nil
	}
	attempt := fc.Status.LastAttempt
	attemptFailed := attempt != nil && attempt.Outcome != v1.OutcomeSucceeded
	notReady := ready != nil && ready.Status == metav1.ConditionFalse
	if !attemptFailed && !notReady {
		return nil
	}
	f := &Failure{}
	if notReady {
		f.Reason, f.Message, f.Since = ready.Reason, ready.Message, timePtr(&ready.LastTransitionTime)
	}
	if attemptFailed {
		if f.Reason == "" {
			f.Reason, f.Message, f.Since = string(attempt.Outcome), attempt.Message, timePtr(&attempt.Time)
		}
		f.Provider, f.AttemptReason, f.ConsecutiveFailures = string(attempt.Provider), attempt.Reason, attempt.ConsecutiveFailures
	}
	return f
}

// conditionStatus is the status of a condition, Unknown when absent.
func conditionStatus(conds []metav1.Condition, t string) string {
	if c := apimeta.FindStatusCondition(conds, t); c != nil {
		return string(c.Status)
	}
	return string(metav1.ConditionUnknown)
}
