package failover

import (
	"cmp"
	"sync"
	"time"

	"github.com/google/btree"
	"k8s.io/apimachinery/pkg/types"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

// Attempts holds the last attempt of every Forecast, ordered by the lock,
// epoch and provider it was made under and then by time, so that the lock
// controller reads only the attempts the counting rule can use instead of
// every Forecast of the cluster.
//
// The rule (CountFailures) looks at the current lock's epoch and active
// provider only, and only at what came after the provider's newest success.
// Recent returns exactly that: the attempts of the current epoch from the
// newest down to the newest success. Keeping it up to date costs O(log N)
// per Forecast event, and reading it O(log N + k), where k is the number of
// attempts since the newest success — a few, because k reaching the
// threshold moves the lock.
//
// It is safe for concurrent use: the event handler writes while the
// reconciler reads.
type Attempts struct {
	mu    sync.Mutex
	byKey map[string]attemptItem
	tree  *btree.BTreeG[attemptItem]
}

// attemptItem is one Forecast's last attempt, named by its key.
type attemptItem struct {
	key     string
	attempt *v1.Attempt
}

// NewAttempts returns an empty index.
func NewAttempts() *Attempts {
	return &Attempts{byKey: map[string]attemptItem{}, tree: btree.NewG(32, attemptLess)}
}

// attemptLess orders attempts by lock, epoch, provider, time and Forecast.
func attemptLess(a, b attemptItem) bool {
	x, y := a.attempt, b.attempt
	if c := cmp.Or(
		cmp.Compare(x.LockUID, y.LockUID),
		cmp.Compare(x.Epoch, y.Epoch),
		cmp.Compare(x.Provider, y.Provider),
		x.Time.Time.Compare(y.Time.Time),
	); c != 0 {
		return c < 0
	}
	return a.key < b.key
}

// Set records attempt as the last one of the Forecast key; nil forgets the
// Forecast (it was deleted, or has not attempted yet). It keeps its own copy.
func (s *Attempts) Set(key string, attempt *v1.Attempt) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.byKey[key]; ok {
		s.tree.Delete(old)
		delete(s.byKey, key)
	}
	if attempt == nil {
		return
	}
	item := attemptItem{key: key, attempt: attempt.DeepCopy()}
	s.tree.ReplaceOrInsert(item)
	s.byKey[key] = item
}

// Len is the number of Forecasts with an attempt.
func (s *Attempts) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byKey)
}

// Recent returns the attempts CountFailures and Unreachable can use for the
// lock lockUID in status st: those of its epoch and active provider, newest
// first, down to and including the newest success. Given these instead of
// every Forecast's, both return the same.
func (s *Attempts) Recent(st v1.ProviderLockStatus, lockUID types.UID) []v1.Attempt {
	s.mu.Lock()
	defer s.mu.Unlock()
	newest := attemptItem{key: "\xff", attempt: &v1.Attempt{LockUID: lockUID, Epoch: st.Epoch, Provider: st.ActiveProvider}}
	newest.attempt.Time.Time = time.Unix(1<<40, 0) // after any attempt
	var out []v1.Attempt
	s.tree.DescendLessOrEqual(newest, func(item attemptItem) bool {
		a := item.attempt
		if a.LockUID != lockUID || a.Epoch != st.Epoch || a.Provider != st.ActiveProvider {
			return false
		}
		out = append(out, *a)
		return a.Outcome != v1.OutcomeSucceeded
	})
	return out
}
