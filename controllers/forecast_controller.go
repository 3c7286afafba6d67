package controllers

import (
	"context"
	"time"

	kerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
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
	// MaxConcurrentReconciles is the number of Forecasts worked on at once.
	MaxConcurrentReconciles int
}

// +kubebuilder:rbac:groups=forecast.bottleneck.io,resources=forecasts,verbs=get;list;watch
// +kubebuilder:rbac:groups=forecast.bottleneck.io,resources=forecasts/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=forecast.bottleneck.io,resources=providerlocks,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=configmaps,verbs=get;list;watch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile produces, refreshes or re-uses one Forecast's result.
func (r *ForecastReconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, retErr error) {
	fc := &v1.Forecast{}
	if err := r.Get(ctx, req.NamespacedName, fc); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !fc.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil // nothing to clean up: the operator creates nothing
	}
	if fc.Spec.Suspend {
		ctrl.LoggerFrom(ctx).V(1).Info("reconciliation is suspended")
		return ctrl.Result{}, nil
	}

	base := fc.DeepCopy()
	defer func() {
		if err := r.patchStatus(ctx, base, fc); err != nil {
			retErr = kerrors.NewAggregate([]error{retErr, err})
		}
	}()
	return r.reconcile(ctx, fc)
}

// reconcile runs the steps in order; each step that cannot go on says why
// through a classified error that outcomeOf turns into conditions.
func (r *ForecastReconciler) reconcile(ctx context.Context, fc *v1.Forecast) (ctrl.Result, error) {
	target, err := r.resolveProvider(ctx)
	if err != nil {
		return r.halt(ctx, fc, err)
	}
	data, err := r.resolveData(ctx, fc)
	if err != nil {
		return r.halt(ctx, fc, err)
	}
	hash := inputHash(data)
	now := r.Clock.Now()
	if next, ok := freshUntil(fc, hash); ok && now.Before(next) {
		markFresh(fc, next)
		return ctrl.Result{RequeueAfter: next.Sub(now)}, nil
	}

	behind, err := r.cacheBehind(ctx, fc)
	if err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if behind {
		return ctrl.Result{RequeueAfter: cacheLag}, nil
	}
	started := time.Now()
	res, err := r.forecast(ctx, target, data)
	recordAttempt(fc, target, err, r.Clock.Now())
	metrics.ObserveRequest(string(target.spec.Name), fc.Status.LastAttempt.Outcome, fc.Status.LastAttempt.Reason, time.Since(started))
	if err != nil {
		return r.halt(ctx, fc, err)
	}
	r.writeResult(fc, target, res, hash)
	return ctrl.Result{RequeueAfter: fc.Status.NextRefreshAt.Sub(r.Clock.Now())}, nil
}

// cacheLag is how long a reconcile that read a stale Forecast from the cache
// waits for the cache to catch up.
const cacheLag = 250 * time.Millisecond

// cacheBehind reads the Forecast from the API server before a provider call,
// which costs time and money: right after this controller wrote a result,
// the cache may not show it yet, and a reconcile reading that stale copy (a
// lock event, say) would ask the provider again for nothing, or count a
// failure streak from an old attempt.
func (r *ForecastReconciler) cacheBehind(ctx context.Context, fc *v1.Forecast) (bool, error) {
	live := &v1.Forecast{}
	if err := r.APIReader.Get(ctx, client.ObjectKeyFromObject(fc), live); err != nil {
		return false, err
	}
	return live.ResourceVersion != fc.ResourceVersion, nil
}

// patchStatus writes what changed in the status, in one merge patch.
func (r *ForecastReconciler) patchStatus(ctx context.Context, base, fc *v1.Forecast) error {
	patch := client.MergeFrom(base)
	data, err := patch.Data(fc)
	if err != nil || string(data) == "{}" {
		return err
	}
	return client.IgnoreNotFound(r.Status().Patch(ctx, fc, patch))
}
