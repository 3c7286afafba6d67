package controllers

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/metrics"
)

// write applies the outcome to the Forecast's status and stores it in one
// merge patch. A result the API server does not store is kept, and only
// the write is retried: the provider is not asked again for it.
func (r *ForecastReconciler) write(ctx context.Context, fc *v1.Forecast, out outcome) (ctrl.Result, error) {
	if out.state == later || out.state == queued {
		return r.requeue(fc, out), nil
	}
	base := fc.DeepCopy()
	apply(fc, out)
	changed, err := r.patchStatus(ctx, base, fc)
	if err != nil && out.attempt != nil {
		return r.writeFailed(ctx, base, out, err)
	}
	if err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if out.attempt != nil {
		r.unwritten.stored(fc.UID, out)
	}
	if changed {
		r.announce(ctx, fc, base.Status.RiskLevel, out)
	}
	return r.requeue(fc, out), nil
}

// patchStatus writes what changed in the status, in one merge patch, and
// reports whether anything did.
func (r *ForecastReconciler) patchStatus(ctx context.Context, base, fc *v1.Forecast) (bool, error) {
	patch := client.MergeFrom(base)
	data, err := patch.Data(fc)
	if err != nil || string(data) == "{}" {
		return false, err
	}
	if err := r.Status().Patch(ctx, fc, patch); err != nil {
		return true, err
	}
	r.written.wrote(fc)
	return true, nil
}

// writeFailed handles an attempt whose status write failed. The outcome is
// kept for the next reconcile, which writes it again instead of calling
// the provider: a result is not bought twice, and a failure's retryAt is
// not lost. When the API server refused a result (the object would be
// invalid, or an admission policy denies it), a minimal patch records why
// in the conditions and lastAttempt, with an Event and a metric, and the
// write is retried with backoff; any other error (the API server
// unavailable) is returned for controller-runtime's backoff.
func (r *ForecastReconciler) writeFailed(ctx context.Context, base *v1.Forecast, out outcome, err error) (ctrl.Result, error) {
	if apierrors.IsNotFound(err) {
		r.unwritten.forget(base.UID)
		return ctrl.Result{}, nil
	}
	tries := r.unwritten.keep(base, out)
	metrics.StatusWriteFailures.WithLabelValues(string(apierrors.ReasonForError(err))).Inc()
	if out.state != succeeded || !refused(err) {
		return ctrl.Result{}, fmt.Errorf("writing the attempt of %s: %w", out.attempt.Provider, err)
	}

	delay, _ := retryDelay(tries, 0)
	retryAt := retryTime(r.Clock.Now(), delay)
	a := *out.attempt
	a.Outcome, a.Class, a.Reason, a.RetryAt = v1.OutcomeWriteRefused, "", v1.StatusWriteRefusedReason, retryAt
	a.Message = truncate(fmt.Sprintf("%s answered, but the API server refused to store the result: %v", a.Provider, err), 1024)
	msg := fmt.Sprintf("%s; the result is kept and only the write is retried, at %s (write %d)",
		a.Message, retryAt.UTC().Format(time.RFC3339), tries)

	minimal := base.DeepCopy()
	apply(minimal, outcome{state: failed, attempt: &a, reason: v1.StatusWriteRefusedReason, message: msg})
	if _, err := r.patchStatus(ctx, base, minimal); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	r.Recorder.Eventf(minimal, nil, corev1.EventTypeWarning, v1.StatusWriteRefusedReason, "Forecast", "%s", truncate(msg, 1024))
	ctrl.LoggerFrom(ctx).Info("the API server refused a result", "provider", a.Provider, "error", err.Error())
	return ctrl.Result{RequeueAfter: delay}, nil
}

// refused reports whether the API server refused the write itself, so that
// trying the same write at once would fail the same way.
func refused(err error) bool {
	return apierrors.IsInvalid(err) || apierrors.IsBadRequest(err) || apierrors.IsForbidden(err) ||
		apierrors.IsRequestEntityTooLargeError(err)
}
