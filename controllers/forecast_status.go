package controllers

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
	"github.com/bottleneck-io/bottleneck-operator/internal/providers"
)

// Retry backoff after a failed attempt: retryBase, doubled per consecutive
// failure, capped at retryMax, and never sooner than the provider's hint.
const (
	retryBase = 10 * time.Second
	retryMax  = 10 * time.Minute
)

// waitError: the Forecast cannot go on until something it watches changes
// (the lock, its ConfigMap). Ready=False, Reconciling=True, no requeue.
type waitError struct{ reason, message string }

func (e *waitError) Error() string { return e.message }

// stallError: the Forecast cannot go on until its spec or data change.
// Ready=False, Stalled=True, no requeue.
type stallError struct{ reason, message string }

func (e *stallError) Error() string { return e.message }

// halt records in the conditions why this reconcile stops, and when to try
// again.
func (r *ForecastReconciler) halt(ctx context.Context, fc *v1.Forecast, err error) (ctrl.Result, error) {
	var (
		wait  *waitError
		stall *stallError
	)
	switch {
	case errors.As(err, &wait):
		setCondition(fc, v1.ReadyCondition, metav1.ConditionFalse, wait.reason, wait.message)
		setCondition(fc, v1.ReconcilingCondition, metav1.ConditionTrue, wait.reason, wait.message)
		apimeta.RemoveStatusCondition(&fc.Status.Conditions, v1.StalledCondition)
		return ctrl.Result{}, nil
	case errors.As(err, &stall):
		r.stall(fc, stall.reason, stall.message)
		return ctrl.Result{}, nil
	}

	outcome, reason, _ := classify(err)
	if outcome == v1.OutcomeInvalidInput {
		r.stall(fc, v1.InvalidInputReason, err.Error())
		return ctrl.Result{}, nil
	}
	if outcome == "" {
		return ctrl.Result{}, err // an API server error: controller-runtime retries with backoff
	}
	delay := retryDelay(fc.Status.LastAttempt.ConsecutiveFailures, err)
	msg := fmt.Sprintf("attempt %d failed: %v; retrying in %s", fc.Status.LastAttempt.ConsecutiveFailures, err, delay)
	condReason := v1.ProviderFailedReason
	if outcome == v1.OutcomeInvalidOutput {
		condReason = v1.InvalidOutputReason
	}
	setCondition(fc, v1.ReadyCondition, metav1.ConditionFalse, condReason, msg)
	setCondition(fc, v1.ReconcilingCondition, metav1.ConditionTrue, condReason, msg)
	apimeta.RemoveStatusCondition(&fc.Status.Conditions, v1.StalledCondition)
	r.Recorder.Eventf(fc, nil, corev1.EventTypeWarning, reason, "Forecast", "%s", truncate(msg, 1024))
	ctrl.LoggerFrom(ctx).Info("forecast attempt failed", "provider", fc.Status.LastAttempt.Provider,
		"outcome", outcome, "reason", reason, "retryIn", delay)
	return ctrl.Result{RequeueAfter: delay}, nil
}

func (r *ForecastReconciler) stall(fc *v1.Forecast, reason, message string) {
	setCondition(fc, v1.ReadyCondition, metav1.ConditionFalse, reason, message)
	setCondition(fc, v1.StalledCondition, metav1.ConditionTrue, reason, message)
	apimeta.RemoveStatusCondition(&fc.Status.Conditions, v1.ReconcilingCondition)
	fc.Status.ObservedGeneration = fc.Generation // the verdict is about the current spec
	r.Recorder.Eventf(fc, nil, corev1.EventTypeWarning, reason, "Forecast", "%s", truncate(message, 1024))
}

// classify maps a failed attempt to its outcome and a reason word. An empty
// outcome means the error is not about the provider or the data.
func classify(err error) (v1.AttemptOutcome, string, time.Duration) {
	var (
		pe *providers.Error
		ee *engine.Error
	)
	switch {
	case errors.As(err, &pe):
		switch pe.Class {
		case providers.InvalidInput:
			return v1.OutcomeInvalidInput, pe.Reason, 0
		case providers.InvalidOutput:
			return v1.OutcomeInvalidOutput, pe.Reason, pe.RetryAfter
		default:
			return v1.OutcomeProviderFailed, pe.Reason, pe.RetryAfter
		}
	case errors.As(err, &ee):
		if engine.IsInvalidInput(err) {
			return v1.OutcomeInvalidInput, string(ee.Reason), 0
		}
		return v1.OutcomeInvalidOutput, string(ee.Reason), 0
	}
	return "", "", 0
}

// recordAttempt writes lastAttempt for a call that succeeded (err nil) or
// failed with a classified error.
func recordAttempt(fc *v1.Forecast, t target, err error, now time.Time) {
	a := &v1.Attempt{Time: metav1.NewTime(now), Provider: t.spec.Name, Epoch: t.epoch,
		Outcome: v1.OutcomeSucceeded, Reason: v1.SucceededReason}
	if err != nil {
		outcome, reason, _ := classify(err)
		if outcome == "" {
			outcome, reason = v1.OutcomeProviderFailed, "Unknown"
		}
		a.Outcome, a.Reason, a.Message = outcome, reason, truncate(err.Error(), 1024)
		// A streak belongs to one provider in one epoch: the lock counts it
		// against that provider only.
		a.ConsecutiveFailures = 1
		if prev := fc.Status.LastAttempt; prev != nil && prev.Outcome != v1.OutcomeSucceeded &&
			prev.Epoch == t.epoch && prev.Provider == t.spec.Name {
			a.ConsecutiveFailures = prev.ConsecutiveFailures + 1
		}
	}
	fc.Status.LastAttempt = a
}

// retryDelay is the backoff after the n-th consecutive failure.
func retryDelay(n int32, err error) time.Duration {
	delay := retryMax
	if n < 16 {
		delay = min(retryBase*time.Duration(math.Pow(2, float64(max(n-1, 0)))), retryMax)
	}
	if _, _, hint := classify(err); hint > delay {
		delay = hint
	}
	return delay
}

// writeResult stores a successful result and marks the Forecast Ready.
func (r *ForecastReconciler) writeResult(fc *v1.Forecast, t target, res engine.Result, hash string) {
	now := fc.Status.LastAttempt.Time
	st := &fc.Status
	changedRisk := st.RiskLevel != v1.RiskLevel(res.RiskLevel)
	st.Provider, st.Model, st.LockEpoch = t.spec.Name, t.model, t.epoch
	st.GeneratedAt = &now
	st.InputHash = hash
	st.RiskLevel, st.RiskScore, st.Confidence = v1.RiskLevel(res.RiskLevel), int32(res.RiskScore), int32(res.Confidence)
	st.Summary = res.Summary
	st.Predictions = make([]v1.Prediction, len(res.Predictions))
	for i, p := range res.Predictions {
		st.Predictions[i] = v1.Prediction{Period: p.Period, Value: decimal(p.Value), Lower: decimal(p.Lower), Upper: decimal(p.Upper)}
	}
	st.Bottlenecks = make([]v1.Bottleneck, len(res.Bottlenecks))
	for i, b := range res.Bottlenecks {
		st.Bottlenecks[i] = v1.Bottleneck{Name: b.Name, Severity: v1.RiskLevel(b.Severity), Period: b.Period, Description: b.Description}
	}
	markFresh(fc, now.Add(refreshInterval(fc)))
	if changedRisk {
		r.Recorder.Eventf(fc, nil, corev1.EventTypeNormal, v1.SucceededReason, "Forecast",
			"risk %s (score %d), confidence %d, from %s at lock epoch %d", st.RiskLevel, st.RiskScore, st.Confidence, st.Provider, st.LockEpoch)
	}
}

// markFresh marks a Forecast whose result reflects its current spec.
func markFresh(fc *v1.Forecast, next time.Time) {
	st := &fc.Status
	st.NextRefreshAt = &metav1.Time{Time: next}
	st.ObservedGeneration = fc.Generation
	setCondition(fc, v1.ReadyCondition, metav1.ConditionTrue, v1.SucceededReason,
		fmt.Sprintf("risk %s (score %d), confidence %d, from %s at lock epoch %d", st.RiskLevel, st.RiskScore, st.Confidence, st.Provider, st.LockEpoch))
	apimeta.RemoveStatusCondition(&st.Conditions, v1.ReconcilingCondition)
	apimeta.RemoveStatusCondition(&st.Conditions, v1.StalledCondition)
}

func setCondition(fc *v1.Forecast, t string, s metav1.ConditionStatus, reason, msg string) {
	apimeta.SetStatusCondition(&fc.Status.Conditions, metav1.Condition{
		Type: t, Status: s, Reason: reason, Message: truncate(msg, 32768), ObservedGeneration: fc.Generation})
}

// decimal writes v with at most six significant digits, without an exponent
// for everyday magnitudes, and with one from 1e15 up, so that any finite
// value fits the API's Decimal (32 characters at most).
func decimal(v float64) v1.Decimal {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return "0"
	}
	if math.Abs(v) >= 1e15 {
		mantissa, exponent, _ := strings.Cut(strconv.FormatFloat(v, 'e', 5, 64), "e")
		if strings.Contains(mantissa, ".") {
			mantissa = strings.TrimRight(strings.TrimRight(mantissa, "0"), ".")
		}
		return v1.Decimal(mantissa + "e" + exponent)
	}
	digits := 5 - int(math.Floor(math.Log10(math.Abs(v))))
	if digits < 0 {
		p := math.Pow(10, float64(-digits))
		return v1.Decimal(strconv.FormatFloat(math.Round(v/p)*p, 'f', 0, 64))
	}
	s := strconv.FormatFloat(v, 'f', min(digits, 12), 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return v1.Decimal(s)
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
