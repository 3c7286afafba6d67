package controllers

import (
	"context"
	"time"

	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
)

// When the manager stops (a rollout, a drain, a lost lease), the calls in
// flight run on to their end: they were paid for, and a new leader would
// pay again. The gates stop starting calls and wait for the ones running
// (each bounded by its provider's timeout); the reconcile workers are gone
// by then, so drain writes the outcomes those calls kept, before the
// manager releases its lease. The manager waits for it up to its graceful
// shutdown timeout, which must cover the longest provider timeout, and the
// pod's terminationGracePeriodSeconds must cover that (config/manager).

// drainTimeout bounds the writes of the drain, after the calls have ended.
const drainTimeout = 10 * time.Second

// drain writes every outcome kept in memory, alone: it waits for the
// reconciles still running, and none starts until it is done.
func (r *ForecastReconciler) drain(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, drainTimeout)
	defer cancel()
	r.reconciling.Lock()
	defer r.reconciling.Unlock()
	log := ctrl.Log.WithName("forecast").WithName("drain")
	names := r.unwritten.names()
	log.Info("writing the outcomes of the calls that were in flight at the stop", "forecasts", len(names))
	for _, name := range names {
		if _, err := r.reconcile(ctrl.LoggerInto(ctx, log.WithValues("Forecast", name)), ctrl.Request{NamespacedName: name}); err != nil {
			log.Error(err, "the outcome of a call in flight at the stop was not written: the next leader asks again", "Forecast", name)
		}
	}
}

// names are the Forecasts that have an outcome kept.
func (u *unwrittenResults) names() []types.NamespacedName {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := make([]types.NamespacedName, 0, len(u.kept))
	for _, k := range u.kept {
		out = append(out, k.name)
	}
	return out
}
