package controllers

import (
	"errors"
	"fmt"
	"time"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
	"github.com/bottleneck-io/bottleneck-operator/internal/providers"
)

// state is what one reconcile of a Forecast concluded.
type state int

const (
	// waiting: something the Forecast watches must change first (the lock,
	// its ConfigMap). Ready=False, Reconciling=True, no requeue.
	waiting state = iota
	// stalled: the spec, the data (or, for a refused request, the lock's
	// provider) must change first. Ready=False, Stalled=True, no requeue.
	stalled
	// fresh: the result reflects the inputs. Ready=True until the refresh.
	fresh
	// later: nothing to say yet (the cache is behind the API server); the
	// status is left as it is.
	later
	// succeeded: a provider answered with a valid result.
	succeeded
	// failed: a provider call failed; retried at lastAttempt.retryAt.
	failed
	// backingOff: an earlier failure's retryAt has not passed; nothing is
	// called, whatever triggered this reconcile.
	backingOff
	// queued: the call waits or runs at the provider's gate; the status is
	// left as it is until it ends.
	queued
	// paused: the call waits while a rate-limit pause keeps the provider's
	// gate closed. Ready=False, Reconciling=True (RateLimited); not a
	// failure, and the last result is kept.
	paused
)

// atGate reports whether the outcome leaves a call at a gate.
func (o outcome) atGate() bool { return o.state == queued || o.state == paused }

// outcome is the one value a reconcile produces; apply writes it to status.
type outcome struct {
	state   state
	reason  string // condition reason
	message string
	// attempt is the new lastAttempt, when a provider was called.
	attempt *v1.Attempt
	// result and its provenance, for succeeded.
	result *engine.Result
	target target
	model  string // the model that answered
	hash   string
	// until is when a fresh result goes stale, or when a failed or
	// backing-off Forecast may call again.
	until time.Time
}

// failure is a failed call, classified once.
type failure struct {
	class      v1.FailureClass
	reason     string
	message    string
	retryAfter time.Duration
}

// failureOf classifies an error of a provider call or of the engine. It
// returns nil for an error that is about neither (the API server).
func failureOf(err error) *failure {
	var (
		pe *providers.Error
		ee *engine.Error
	)
	switch {
	case errors.As(err, &pe):
		return &failure{class: v1.FailureClass(pe.Class), reason: pe.Reason, message: err.Error(), retryAfter: pe.RetryAfter}
	case errors.As(err, &ee) && engine.IsInvalidInput(err):
		return &failure{class: v1.ClassInvalidInput, reason: string(ee.Reason), message: err.Error()}
	case errors.As(err, &ee):
		return &failure{class: v1.ClassInvalidOutput, reason: string(ee.Reason), message: err.Error()}
	}
	return nil
}

// outcome of a failure: a condition reason, and whether it stalls.
func (f *failure) outcome() v1.AttemptOutcome {
	switch f.class {
	case v1.ClassInvalidOutput:
		return v1.OutcomeInvalidOutput
	case v1.ClassInvalidInput:
		return v1.OutcomeInvalidInput
	}
	return v1.OutcomeProviderFailed
}

// stalls reports whether the Forecast stops retrying after this failure
// until its inputs (or the lock's provider) change.
func stalls(c v1.FailureClass) bool {
	return c == v1.ClassRequestCaused || c == v1.ClassInvalidInput
}

func conditionReason(c v1.FailureClass) string {
	switch c {
	case v1.ClassInvalidOutput:
		return v1.InvalidOutputReason
	case v1.ClassInvalidInput:
		return v1.InvalidInputReason
	case v1.ClassRequestCaused:
		return v1.RequestRefusedReason
	case v1.ClassRateLimited:
		return v1.RateLimitedReason
	}
	return v1.ProviderFailedReason
}

// newAttempt records a call to t made with the inputs hash, ended at now;
// f is nil for a success.
func newAttempt(prev *v1.Attempt, t target, hash string, now time.Time, f *failure) (*v1.Attempt, string) {
	a := &v1.Attempt{Time: metav1.NewTime(now), Provider: t.spec.Name, Epoch: t.epoch, LockUID: t.lockUID,
		InputHash: hash, Outcome: v1.OutcomeSucceeded, Reason: v1.SucceededReason}
	if f == nil {
		return a, ""
	}
	a.Outcome, a.Class, a.Reason, a.Message = f.outcome(), f.class, f.reason, truncate(f.message, 1024)
	// A streak belongs to one provider in one epoch of one lock.
	a.ConsecutiveFailures = 1
	if prev != nil && prev.Class != "" && prev.Epoch == t.epoch && prev.Provider == t.spec.Name && prev.LockUID == t.lockUID {
		a.ConsecutiveFailures = prev.ConsecutiveFailures + 1
	}
	if stalls(f.class) {
		return a, ""
	}
	delay, note := retryDelay(a.ConsecutiveFailures, f.retryAfter)
	a.RetryAt = retryTime(now, delay)
	return a, note
}

// retryTime is now+delay, rounded up to the whole second status keeps, so
// that a stored retryAt is never earlier than the wait.
func retryTime(now time.Time, delay time.Duration) *metav1.Time {
	at := now.Add(delay)
	if at.Truncate(time.Second) != at {
		at = at.Truncate(time.Second).Add(time.Second)
	}
	t := metav1.NewTime(at)
	return &t
}

// failedOutcome is the outcome of a classified failure.
func failedOutcome(a *v1.Attempt, note string) outcome {
	out := outcome{state: failed, attempt: a, reason: conditionReason(a.Class)}
	if stalls(a.Class) {
		out.state = stalled
		out.message = fmt.Sprintf("attempt %d failed: %s; not retried until the spec, the data or the lock's provider changes",
			a.ConsecutiveFailures, a.Message)
		return out
	}
	out.until = a.RetryAt.Time
	out.message = fmt.Sprintf("attempt %d failed: %s; retrying in %s, at %s%s", a.ConsecutiveFailures, a.Message,
		a.RetryAt.Sub(a.Time.Time).Truncate(time.Second), a.RetryAt.UTC().Format(time.RFC3339), note)
	return out
}

// sameProvider reports whether the last attempt was made with the provider
// the lock holds now (the same lock incarnation): its backoff and its
// refusal still apply.
func sameProvider(a *v1.Attempt, t target) bool {
	return a != nil && a.Provider == t.spec.Name && a.LockUID == t.lockUID
}

// held returns the outcome that keeps a Forecast from calling, when its
// last attempt says so: a refusal of the same inputs by the same provider
// (stalled), or a retryAt that has not passed (backingOff).
func held(fc *v1.Forecast, t target, hash string, now time.Time) (outcome, bool) {
	a := fc.Status.LastAttempt
	if !sameProvider(a, t) {
		return outcome{}, false
	}
	if stalls(a.Class) && a.InputHash == hash {
		out := failedOutcome(a, "")
		out.attempt = nil // recorded already
		return out, true
	}
	if a.RetryAt != nil && now.Before(a.RetryAt.Time) {
		msg := fmt.Sprintf("waiting until %s before asking %s again: %s", a.RetryAt.UTC().Format(time.RFC3339), a.Provider, a.Message)
		reason := conditionReason(a.Class)
		if a.Outcome == v1.OutcomeWriteRefused {
			reason = v1.StatusWriteRefusedReason
		}
		return outcome{state: backingOff, reason: reason, message: msg, until: a.RetryAt.Time}, true
	}
	return outcome{}, false
}

// apply writes an outcome into the Forecast's status: the one place that
// does, so that conditions, lastAttempt and the result always agree.
func apply(fc *v1.Forecast, out outcome) {
	if out.attempt != nil {
		fc.Status.LastAttempt = out.attempt
	}
	switch out.state {
	case waiting, backingOff, failed, paused:
		setCondition(fc, v1.ReadyCondition, metav1.ConditionFalse, out.reason, out.message)
		setCondition(fc, v1.ReconcilingCondition, metav1.ConditionTrue, out.reason, out.message)
		apimeta.RemoveStatusCondition(&fc.Status.Conditions, v1.StalledCondition)
	case stalled:
		setCondition(fc, v1.ReadyCondition, metav1.ConditionFalse, out.reason, out.message)
		setCondition(fc, v1.StalledCondition, metav1.ConditionTrue, out.reason, out.message)
		apimeta.RemoveStatusCondition(&fc.Status.Conditions, v1.ReconcilingCondition)
		fc.Status.ObservedGeneration = fc.Generation // the verdict is about the current spec
	case succeeded:
		writeResult(fc, out.target, out.model, *out.result, out.hash)
		markFresh(fc, fc.Status.GeneratedAt.Add(refreshAfter(fc)))
	case fresh:
		markFresh(fc, out.until)
	}
}
