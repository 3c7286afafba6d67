package controllers

import (
	"context"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/gate"
	"github.com/bottleneck-io/bottleneck-operator/internal/metrics"
	"github.com/bottleneck-io/bottleneck-operator/internal/providers"
)

// ForecastReconciler asks the locked provider for each Forecast and writes
// the normalized result to its status. It never writes the ProviderLock: the
// lock controller reads the outcome of every attempt from Forecast status.
type ForecastReconciler struct {
	client.Client
	// APIReader reads ConfigMaps without caching every ConfigMap of the
	// cluster.
	APIReader   client.Reader
	Credentials Credentials
	Recorder    events.EventRecorder
	Clock       clock.PassiveClock
	// NewProvider builds provider clients: providers.New, unless a test
	// wraps it.
	NewProvider func(providers.Config) (providers.Provider, error)
	// MaxConcurrentReconciles is the number of Forecasts reconciled at
	// once. A reconcile only reads and writes the API server: the provider
	// calls wait and run at the gates, whose limits bound them.
	MaxConcurrentReconciles int
	// Gates are the provider gates every call goes through; SetupWithManager
	// makes them when nil.
	Gates *gate.Registry

	// wakeups brings a Forecast back when its call has ended.
	wakeups chan event.GenericEvent

	// unwritten keeps results the API server has not stored yet, so that
	// only the write is retried, never the paid call.
	unwritten unwrittenResults
	// written is the resourceVersion of each Forecast's last status write,
	// to tell a cached copy older than it.
	written writtenVersions
	// histories keeps the series read from ConfigMaps until they change.
	histories configMapHistories
	// reconciling is held shared by every reconcile, and alone by the
	// drain at the stop (forecast_drain.go).
	reconciling sync.RWMutex
}

// Reconcile produces, refreshes or re-uses one Forecast's result: it
// decides an outcome, writes it to status in one patch, and says when to
// come back.
func (r *ForecastReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	r.reconciling.RLock()
	defer r.reconciling.RUnlock()
	return r.reconcile(ctx, req)
}

func (r *ForecastReconciler) reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	fc := &v1.Forecast{}
	if err := r.Get(ctx, req.NamespacedName, fc); err != nil {
		if client.IgnoreNotFound(err) == nil {
			r.unwritten.forgetName(req.NamespacedName)
			r.written.forget(req.NamespacedName)
			r.Gates.Cancel(gateKey(req.NamespacedName))
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !fc.DeletionTimestamp.IsZero() {
		r.Gates.Cancel(gateKey(req.NamespacedName))
		return ctrl.Result{}, nil // nothing to clean up: the operator creates nothing
	}
	if fc.Spec.Suspend {
		r.Gates.Cancel(gateKey(req.NamespacedName))
		ctrl.LoggerFrom(ctx).V(1).Info("reconciliation is suspended")
		return ctrl.Result{}, r.observeSuspension(ctx, fc)
	}

	out, err := r.decide(ctx, fc)
	if err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err) // the API server: controller-runtime retries
	}
	if !out.atGate() {
		r.Gates.Cancel(gateKey(req.NamespacedName)) // e.g. the lock has no provider now
	}
	return r.write(ctx, fc, out)
}

// observeSuspension records that the operator has seen the spec that
// suspends fc: status.observedGeneration follows it, the last result and
// conditions stay. kstatus then reads a suspended Forecast by its last
// verdict (current with a result, as its owner asked), not as in progress
// for ever for want of the new generation. One write per suspension.
func (r *ForecastReconciler) observeSuspension(ctx context.Context, fc *v1.Forecast) error {
	if fc.Status.ObservedGeneration == fc.Generation {
		return nil
	}
	base := fc.DeepCopy()
	fc.Status.ObservedGeneration = fc.Generation
	_, err := r.patchStatus(ctx, base, fc)
	return client.IgnoreNotFound(err)
}

// decide runs the steps in order and returns what this reconcile
// concluded. Only errors of the API server are returned as errors.
func (r *ForecastReconciler) decide(ctx context.Context, fc *v1.Forecast) (outcome, error) {
	t, err := r.resolveProvider(ctx)
	if err != nil {
		return halted(err)
	}
	data, err := r.resolveData(ctx, fc)
	if err != nil {
		return halted(err)
	}
	hash := inputHash(data)
	now := r.Clock.Now()
	if next, ok := freshUntil(fc, hash); ok && now.Before(next) {
		return outcome{state: fresh, until: next}, nil
	}
	if out, ok, err := r.kept(ctx, fc, hash, t); ok || err != nil {
		return out, err
	}
	if out, ok := held(fc, t, hash, now); ok {
		return out, nil
	}
	if out, ok := r.atGate(fc, t, hash); ok {
		return out, nil
	}
	if behind, err := r.cacheBehind(ctx, fc); err != nil || behind {
		return outcome{state: later, until: now.Add(cacheLag)}, err // a stale copy must not be written back
	}
	p, err := r.client(ctx, t)
	if err != nil {
		f := failureOf(err)
		if f == nil {
			return outcome{}, err
		}
		attempt, note := newAttempt(fc.Status.LastAttempt, t, hash, now, f)
		metrics.ObserveRequest(string(t.spec.Name), attempt.Outcome, attempt.Reason, 0)
		return failedOutcome(attempt, note), nil
	}
	return r.submit(fc, t, p, data, hash), nil
}

// kept returns the outcome kept for fc (a call that has ended, or a write
// the API server refused), which is written instead of asking the provider
// again. An old provider's result is written only onto a cached copy as new
// as this controller's last write, which it must not undo.
func (r *ForecastReconciler) kept(ctx context.Context, fc *v1.Forecast, hash string, t target) (outcome, bool, error) {
	out, ok := r.unwritten.get(fc, hash, t)
	if !ok || madeUnder(out.attempt, t) {
		return out, ok, nil
	}
	if behind, err := r.cacheBehind(ctx, fc); err != nil || behind {
		return outcome{state: later, until: r.Clock.Now().Add(cacheLag)}, true, err
	}
	return out, true, nil
}

// gateRecheck is when a Forecast whose call waits or runs at a gate is
// looked at again if nothing brought it back before.
const gateRecheck = 5 * time.Minute

// cacheLag is how long a reconcile that read a stale Forecast from the cache
// waits for the cache to catch up.
const cacheLag = 250 * time.Millisecond

// cacheBehind tells whether the cached Forecast is older than this
// controller's last write of its status, before a provider call, which
// costs time and money: right after a result was written, the cache may not
// show it yet, and a reconcile reading that stale copy (a lock event, say)
// would ask the provider again for nothing, or count a failure streak from
// an old attempt. The resourceVersions of one resource compare as numbers
// (Kubernetes 1.35, KEP-5504), so no read is needed; an API server whose
// versions do not compare is asked for the live object instead.
func (r *ForecastReconciler) cacheBehind(ctx context.Context, fc *v1.Forecast) (bool, error) {
	if behind, ok := r.written.behind(fc); ok {
		return behind, nil
	}
	live := &v1.Forecast{}
	if err := r.APIReader.Get(ctx, client.ObjectKeyFromObject(fc), live); err != nil {
		return false, err
	}
	return live.ResourceVersion != fc.ResourceVersion, nil
}

// requeue is when to reconcile again after an outcome was applied to fc.
func (r *ForecastReconciler) requeue(fc *v1.Forecast, out outcome) ctrl.Result {
	until := out.until
	switch out.state {
	case waiting, stalled:
		return ctrl.Result{} // a watched change brings it back
	case queued, paused:
		// The call's end brings it back; this is only a safety net.
		return ctrl.Result{RequeueAfter: gateRecheck}
	case succeeded:
		until = fc.Status.NextRefreshAt.Time
	}
	return ctrl.Result{RequeueAfter: max(until.Sub(r.Clock.Now()), time.Millisecond)}
}

// announce tells users what changed, in an Event, and the logs.
func (r *ForecastReconciler) announce(ctx context.Context, fc *v1.Forecast, prevRisk v1.RiskLevel, out outcome) {
	switch {
	case out.state == succeeded && prevRisk != fc.Status.RiskLevel:
		st := fc.Status
		r.Recorder.Eventf(fc, nil, corev1.EventTypeNormal, v1.SucceededReason, "Forecast",
			"risk %s (score %d), confidence %d, from %s at lock epoch %d", st.RiskLevel, st.RiskScore, st.Confidence, st.Provider, st.LockEpoch)
	case out.state == failed || out.state == stalled:
		reason := out.reason
		if out.attempt != nil {
			reason = out.attempt.Reason
			ctrl.LoggerFrom(ctx).Info("forecast attempt failed", "provider", out.attempt.Provider,
				"class", out.attempt.Class, "reason", out.attempt.Reason, "retryAt", out.attempt.RetryAt)
		}
		r.Recorder.Eventf(fc, nil, corev1.EventTypeWarning, reason, "Forecast", "%s", truncate(out.message, 1024))
	}
}
