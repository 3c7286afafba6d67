package controllers

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
)

// Retry backoff after a failed attempt: retryBase, doubled per consecutive
// failure, capped at retryMax, and never sooner than the provider's hint,
// itself capped at maxRetryHint (a hint of a year must not park a Forecast
// for a year).
const (
	retryBase    = 10 * time.Second
	retryMax     = 10 * time.Minute
	maxRetryHint = time.Hour
)

// waitError: the Forecast cannot go on until something it watches changes
// (the lock, its ConfigMap). Ready=False, Reconciling=True, no requeue.
type waitError struct{ reason, message string }

func (e *waitError) Error() string { return e.message }

// stallError: the Forecast cannot go on until its spec or data change.
// Ready=False, Stalled=True, no requeue.
type stallError struct{ reason, message string }

func (e *stallError) Error() string { return e.message }

// halted turns the error of a step before any provider call into an
// outcome; an error of the API server is returned as it is.
func halted(err error) (outcome, error) {
	var (
		wait  *waitError
		stall *stallError
	)
	switch {
	case errors.As(err, &wait):
		return outcome{state: waiting, reason: wait.reason, message: wait.message}, nil
	case errors.As(err, &stall):
		return outcome{state: stalled, reason: stall.reason, message: stall.message}, nil
	}
	return outcome{}, err
}

// retryDelay is the wait after the n-th consecutive failure, and a note for
// the message when the provider's hint was capped.
func retryDelay(n int32, hint time.Duration) (time.Duration, string) {
	delay := retryMax
	if n < 16 {
		delay = min(retryBase*time.Duration(math.Pow(2, float64(max(n-1, 0)))), retryMax)
	}
	note := ""
	if hint > maxRetryHint {
		note = fmt.Sprintf(" (the provider asked to wait %s; waits are capped at %s)", hint, maxRetryHint)
		hint = maxRetryHint
	}
	return max(delay, hint), note
}

// writeResult stores a successful result; the attempt is already in
// lastAttempt.
func writeResult(fc *v1.Forecast, t target, model string, res engine.Result, hash string) {
	now := fc.Status.LastAttempt.Time
	st := &fc.Status
	st.Provider, st.Model, st.LockEpoch = t.spec.Name, model, t.epoch
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
