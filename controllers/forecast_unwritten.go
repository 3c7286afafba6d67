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
// so these rules keep a paid result from being lost (and bought again) or
// an old one from being written over a newer one: a failure never replaces
// a result not yet written, and of two outcomes of one kind the one made
// under the later epoch stays (put, keep); a write forgets only the outcome
// it stored (stored); a failure of a provider the lock has left, or a
// result older than the one the status holds, is not written at all (get).
type unwrittenResults struct {
	mu   sync.Mutex
	kept map[types.UID]unwritten
}

type unwritten struct {
	name  types.NamespacedName
	out   outcome
	tries int32
}

// get returns the kept outcome of fc when it answers the inputs hash and
// is still worth writing under t, the lock's provider and epoch now.
func (u *unwrittenResults) get(fc *v1.Forecast, hash string, t target) (outcome, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	k, ok := u.kept[fc.UID]
	if !ok {
		return outcome{}, false
	}
	if k.out.hash != hash || !worthWriting(k.out, fc, t) {
		delete(u.kept, fc.UID) // it answers nothing now
		return outcome{}, false
	}
	return k.out, true
}

// worthWriting reports whether out, kept for fc, may be written under t. A
// failure must be of t: one of a provider the lock has left counts for
// nothing, and written it would hide the call to the new one. A result is
// worth its price unless the status holds one of a later epoch already (the
// new provider's, written before the old one's late answer came).
func worthWriting(out outcome, fc *v1.Forecast, t target) bool {
	if out.state != succeeded {
		return madeUnder(out.attempt, t)
	}
	st := fc.Status
	return st.GeneratedAt == nil || !sameLock(st.LastAttempt, out.attempt) || st.LockEpoch <= out.attempt.Epoch
}

// madeUnder reports whether the attempt a was made under t.
func madeUnder(a *v1.Attempt, t target) bool {
	return sameProvider(a, t) && a.Epoch == t.epoch
}

// sameLock reports whether two attempts were made under one lock object.
func sameLock(a, b *v1.Attempt) bool {
	return a != nil && b != nil && a.LockUID == b.LockUID
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
// result replaces a failure, never the reverse, and of two of one kind the
// one made under the later epoch of the lock stays.
func replaces(out, kept outcome) bool {
	if result := out.state == succeeded; result != (kept.state == succeeded) {
		return result
	}
	return !sameLock(out.attempt, kept.attempt) || out.attempt.Epoch >= kept.attempt.Epoch
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
