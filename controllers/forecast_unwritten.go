package controllers

import (
	"sync"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

// unwrittenResults keeps, per Forecast UID, an attempt (a result, or a
// failure with its retryAt) the API server has not stored yet, with the
// inputs it answers: the outcome of a call that has just ended at a gate,
// or of a write that failed. It lives in this replica's memory: a new
// leader asks the provider once more.
//
// Across a lock move a Forecast can have two calls in flight: the old
// provider's, which nothing stops once it runs, and the new one's. Their
// outcomes may end in either order, and while the other is being written,
// so three rules keep a paid result from being lost (and bought again):
// a failure never replaces a result not yet written (put, keep); a write
// forgets only the outcome it stored (stored); and a failure of a provider
// the lock has left is not written at all (get).
type unwrittenResults struct {
	mu   sync.Mutex
	kept map[types.UID]unwritten
}

type unwritten struct {
	name  types.NamespacedName
	out   outcome
	tries int32
}

// get returns the kept outcome of fc when it answers the inputs hash and,
// for a failure, was made under t, the lock's provider and epoch now: a
// failure of a provider the lock has left counts for nothing, and written
// it would hide the call to the new one.
func (u *unwrittenResults) get(fc *v1.Forecast, hash string, t target) (outcome, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	k, ok := u.kept[fc.UID]
	if !ok {
		return outcome{}, false
	}
	if k.out.hash != hash || (k.out.state != succeeded && !madeUnder(k.out.attempt, t)) {
		delete(u.kept, fc.UID) // it answers nothing now
		return outcome{}, false
	}
	return k.out, true
}

// madeUnder reports whether the attempt a was made under t.
func madeUnder(a *v1.Attempt, t target) bool {
	return sameProvider(a, t) && a.Epoch == t.epoch
}

// put keeps the outcome of a call that has ended, for the Forecast's next
// reconcile to write, unless it is a failure and a result waits already.
func (u *unwrittenResults) put(uid types.UID, name types.NamespacedName, out outcome) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if k, ok := u.kept[uid]; ok && !replaces(out, k.out) {
		return
	}
	if u.kept == nil {
		u.kept = map[types.UID]unwritten{}
	}
	u.kept[uid] = unwritten{name: name, out: out}
}

// replaces reports whether the outcome out may take the place of kept: a
// result always does, a failure only another failure.
func replaces(out, kept outcome) bool {
	return out.state == succeeded || kept.state != succeeded
}

// keep remembers out, whose write failed, for the next reconcile, and
// returns how many writes of it failed. An outcome that took its place
// meanwhile, a result the failure out must not replace, is left alone.
func (u *unwrittenResults) keep(fc *v1.Forecast, out outcome) int32 {
	u.mu.Lock()
	defer u.mu.Unlock()
	k, ok := u.kept[fc.UID]
	switch {
	case ok && k.out.attempt == out.attempt:
	case ok && !replaces(out, k.out):
		return 1
	default:
		k = unwritten{}
	}
	if u.kept == nil {
		u.kept = map[types.UID]unwritten{}
	}
	k.name, k.out, k.tries = client.ObjectKeyFromObject(fc), out, k.tries+1
	u.kept[fc.UID] = k
	return k.tries
}

// stored forgets out once the API server has stored it; an outcome kept
// since, of the other call of a move, stays to be written.
func (u *unwrittenResults) stored(uid types.UID, out outcome) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if k, ok := u.kept[uid]; ok && k.out.attempt == out.attempt {
		delete(u.kept, uid)
	}
}

// forget drops whatever is kept for uid.
func (u *unwrittenResults) forget(uid types.UID) {
	u.mu.Lock()
	defer u.mu.Unlock()
	delete(u.kept, uid)
}

// forgetName drops the result of a Forecast that was deleted.
func (u *unwrittenResults) forgetName(name types.NamespacedName) {
	u.mu.Lock()
	defer u.mu.Unlock()
	for uid, k := range u.kept {
		if k.name == name {
			delete(u.kept, uid)
		}
	}
}
