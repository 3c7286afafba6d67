package controllers

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/gate"
)

// historyConfigMapIndex indexes Forecasts by the ConfigMap their history
// comes from.
const historyConfigMapIndex = ".spec.historyFrom.configMapKeyRef.name"

// SetupWithManager registers the controller and its watches: the Forecasts,
// the lock (a Forecast waiting for a provider moves as soon as the lock
// does), and the ConfigMaps histories are read from (metadata only: their
// content is read when needed, not cached).
func (r *ForecastReconciler) SetupWithManager(ctx context.Context, mgr ctrl.Manager) error {
	if err := mgr.GetFieldIndexer().IndexField(ctx, &v1.Forecast{}, historyConfigMapIndex, func(o client.Object) []string {
		if from := o.(*v1.Forecast).Spec.HistoryFrom; from != nil {
			return []string{from.ConfigMapKeyRef.Name}
		}
		return nil
	}); err != nil {
		return err
	}
	if r.Gates == nil {
		r.Gates = gate.NewRegistry(r.Clock.Now)
	}
	r.Gates.OnDrained = r.drain
	if err := mgr.Add(r.Gates); err != nil {
		return err
	}
	r.wakeups = make(chan event.GenericEvent, wakeupBuffer)
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1.Forecast{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&v1.ProviderLock{}, handler.EnqueueRequestsFromMapFunc(r.allForecasts), builder.WithPredicates(lockMoved)).
		WatchesMetadata(&corev1.ConfigMap{}, handler.EnqueueRequestsFromMapFunc(r.forecastsReading)).
		WatchesRawSource(source.Channel(r.wakeups, &handler.EnqueueRequestForObject{})).
		WithOptions(controller.Options{MaxConcurrentReconciles: max(r.MaxConcurrentReconciles, 1)}).
		Named("forecast").
		Complete(r)
}

// wakeupBuffer is how many ended calls may wait to be enqueued.
const wakeupBuffer = 1024

// lockMoved passes lock events that change what a Forecast is sent to.
var lockMoved = predicate.Funcs{
	UpdateFunc: func(e event.UpdateEvent) bool {
		oldLock, newLock := e.ObjectOld.(*v1.ProviderLock), e.ObjectNew.(*v1.ProviderLock)
		return oldLock.Status.Epoch != newLock.Status.Epoch ||
			oldLock.Status.ActiveProvider != newLock.Status.ActiveProvider ||
			lockReady(oldLock) != lockReady(newLock)
	},
	GenericFunc: func(event.GenericEvent) bool { return false },
}

func lockReady(l *v1.ProviderLock) bool {
	return apimeta.IsStatusConditionTrue(l.Status.Conditions, v1.ReadyCondition)
}

// allForecasts maps a lock move to every Forecast. It reads only their
// names, so it lists the cache's own objects instead of copies of them.
func (r *ForecastReconciler) allForecasts(ctx context.Context, _ client.Object) []reconcile.Request {
	var list v1.ForecastList
	if err := r.List(ctx, &list, client.UnsafeDisableDeepCopy); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "listing Forecasts after a lock change")
		return nil
	}
	return requests(list)
}

func (r *ForecastReconciler) forecastsReading(ctx context.Context, cm client.Object) []reconcile.Request {
	var list v1.ForecastList
	if err := r.List(ctx, &list, client.InNamespace(cm.GetNamespace()), client.UnsafeDisableDeepCopy,
		client.MatchingFields{historyConfigMapIndex: cm.GetName()}); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "listing Forecasts that read a ConfigMap", "configMap", cm.GetName())
		return nil
	}
	return requests(list)
}

func requests(list v1.ForecastList) []reconcile.Request {
	out := make([]reconcile.Request, len(list.Items))
	for i, fc := range list.Items {
		out[i] = reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&fc)}
	}
	return out
}
