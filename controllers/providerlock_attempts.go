package controllers

import (
	"context"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/failover"
)

// attemptTally is the lock controller's handler of Forecast events. It keeps
// every Forecast's last attempt in the index the failures are counted from,
// and wakes the lock when an attempt changes or goes away, so that a
// Forecast event costs the lock the same with ten Forecasts or ten thousand.
//
// The controller starts its workers only once the handler has seen every
// Forecast of the initial list, so the first count after a restart is whole.
type attemptTally struct {
	attempts *failover.Attempts
}

type lockQueue = workqueue.TypedRateLimitingInterface[reconcile.Request]

var theLock = reconcile.Request{NamespacedName: client.ObjectKey{Name: v1.ProviderLockName}}

// Create records the attempt of a Forecast seen for the first time (at
// start, every Forecast: the queue holds the lock once for all of them).
func (t attemptTally) Create(_ context.Context, e event.TypedCreateEvent[client.Object], q lockQueue) {
	t.record(e.Object)
	q.Add(theLock)
}

// Update records a changed attempt; other changes of a Forecast cannot
// change the count.
func (t attemptTally) Update(_ context.Context, e event.TypedUpdateEvent[client.Object], q lockQueue) {
	old, ok := e.ObjectOld.(*v1.Forecast)
	if ok && equality.Semantic.DeepEqual(old.Status.LastAttempt, lastAttempt(e.ObjectNew)) {
		return
	}
	t.record(e.ObjectNew)
	q.Add(theLock)
}

// Delete forgets a Forecast: its failures no longer count.
func (t attemptTally) Delete(_ context.Context, e event.TypedDeleteEvent[client.Object], q lockQueue) {
	t.attempts.Set(client.ObjectKeyFromObject(e.Object).String(), nil)
	q.Add(theLock)
}

// Generic events do not come from the Forecast watch.
func (attemptTally) Generic(context.Context, event.TypedGenericEvent[client.Object], lockQueue) {}

// record keeps the object's last attempt.
func (t attemptTally) record(obj client.Object) {
	t.attempts.Set(client.ObjectKeyFromObject(obj).String(), lastAttempt(obj))
}

func lastAttempt(obj client.Object) *v1.Attempt {
	if fc, ok := obj.(*v1.Forecast); ok {
		return fc.Status.LastAttempt
	}
	return nil
}
