package failover

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

// randomAttempt is any attempt a Forecast could hold: of this lock or an
// earlier one, of a few epochs and providers, any outcome, at whole seconds
// (as the API stores them), so that times often tie.
func randomAttempt(r *rand.Rand) v1.Attempt {
	classes := []v1.FailureClass{"", "", v1.ClassTransient, v1.ClassUnreachable, v1.ClassRateLimited,
		v1.ClassRejected, v1.ClassInvalidOutput, v1.ClassRequestCaused, v1.ClassInvalidInput}
	a := attempt([]v1.ProviderName{"openai", "gemini"}[r.IntN(2)], 1+r.Int64N(2),
		classes[r.IntN(len(classes))], 1+r.Int32N(4), r.IntN(30))
	if r.IntN(10) == 0 {
		a.LockUID = "lock-1"
	}
	if r.IntN(12) == 0 {
		a.Outcome, a.Class = v1.OutcomeWriteRefused, ""
	}
	if a.Class == v1.ClassRateLimited && r.IntN(2) == 0 {
		a.RetryAt = &metav1.Time{Time: a.Time.Add(time.Duration(r.IntN(60)) * time.Second)}
	}
	return a
}

// randomLock is the lock on openai or gemini in epoch 1 or 2, with or
// without a confirming probe and failed probes.
func randomLock(r *rand.Rand) v1.ProviderLockStatus {
	p := v1.ProviderStatus{Name: []v1.ProviderName{"openai", "gemini"}[r.IntN(2)]}
	if r.IntN(3) == 0 {
		p.LastConfirmedTime = &metav1.Time{Time: now.Add(time.Duration(r.IntN(30)) * time.Second)}
	}
	if r.IntN(3) == 0 {
		p.LastProbeTime = &metav1.Time{Time: now.Add(time.Duration(r.IntN(30)) * time.Second)}
		p.ProbeFailures, p.LastProbeClass = r.Int32N(3), []v1.FailureClass{v1.ClassTransient, v1.ClassUnreachable}[r.IntN(2)]
	}
	return v1.ProviderLockStatus{ActiveProvider: p.Name, Epoch: 1 + r.Int64N(2), Providers: []v1.ProviderStatus{p}}
}

// TestRecentCountsLikeEveryAttempt holds the index to the counting rule:
// over random Forecasts changing their attempts, being deleted and coming
// back, the rule given Recent says what it says given every Forecast's last
// attempt, as the lock controller used to list them.
func TestRecentCountsLikeEveryAttempt(t *testing.T) {
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 13))
		index, all := NewAttempts(), map[string]v1.Attempt{}
		for range 60 {
			key := fmt.Sprintf("ns/fc-%d", r.IntN(25))
			if r.IntN(8) == 0 {
				index.Set(key, nil)
				delete(all, key)
			} else {
				a := randomAttempt(r)
				index.Set(key, &a)
				all[key] = a
			}
			st := randomLock(r)
			var every []v1.Attempt
			for _, a := range all {
				every = append(every, a)
			}
			recent := index.Recent(st, lockUID)
			want, got := CountFailures(st, lockUID, every), CountFailures(st, lockUID, recent)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("seed %d: from %d recent of %d attempts, counted\n %+v\nwant\n %+v", seed, len(recent), len(every), got, want)
			}
			at := now.Add(20 * time.Second)
			if u, w := Unreachable(st, lockUID, recent, at), Unreachable(st, lockUID, every, at); fmt.Sprint(u) != fmt.Sprint(w) {
				t.Fatalf("seed %d: unreachable %v, want %v", seed, u, w)
			}
			if index.Len() != len(all) {
				t.Fatalf("seed %d: index holds %d Forecasts, want %d", seed, index.Len(), len(all))
			}
		}
	}
}

// TestRecentStopsAtTheNewestSuccess shows what the index saves: of a
// thousand Forecasts that succeeded, two failed since, and the lock reads
// those two and the success before them.
func TestRecentStopsAtTheNewestSuccess(t *testing.T) {
	index := NewAttempts()
	for i := range 1000 {
		a := attempt("openai", 2, "", 0, i%10)
		index.Set(fmt.Sprintf("ns/ok-%d", i), &a)
	}
	for i := range 2 {
		a := attempt("openai", 2, v1.ClassTransient, 1, 20+i)
		index.Set(fmt.Sprintf("ns/failing-%d", i), &a)
	}
	old := attempt("openai", 1, v1.ClassTransient, 1, 25)
	index.Set("ns/earlier-epoch", &old)
	st := v1.ProviderLockStatus{ActiveProvider: "openai", Epoch: 2}
	recent := index.Recent(st, lockUID)
	if len(recent) != 3 || recent[2].Outcome != v1.OutcomeSucceeded {
		t.Fatalf("recent = %+v, want the two failures and one success", recent)
	}
	if f := CountFailures(st, lockUID, recent); f.Count != 2 || f.Forecasts != 2 {
		t.Fatalf("counted %+v, want 2 Forecasts", f)
	}
}

// BenchmarkLockEvent is the lock controller's cost of one Forecast event:
// the handler records the new attempt, the reconcile counts. It does not
// grow with the number of Forecasts; BenchmarkCountEveryAttempt is what
// listing every Forecast cost instead.
func BenchmarkLockEvent(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		b.Run(fmt.Sprintf("forecasts=%d", n), func(b *testing.B) {
			index, st := filledIndex(n)
			b.ResetTimer()
			for i := range b.N {
				a := attempt("openai", 2, "", 0, 40+i%1000)
				index.Set(fmt.Sprintf("ns/fc-%d", i%n), &a)
				recent := index.Recent(st, lockUID)
				_ = CountFailures(st, lockUID, recent)
			}
		})
	}
}

func BenchmarkCountEveryAttempt(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("forecasts=%d", n), func(b *testing.B) {
			every := make([]v1.Attempt, n)
			for i := range every {
				every[i] = attempt("openai", 2, "", 0, i%30)
			}
			st := v1.ProviderLockStatus{ActiveProvider: "openai", Epoch: 2}
			b.ResetTimer()
			for range b.N {
				_ = CountFailures(st, lockUID, every)
			}
		})
	}
}

// filledIndex holds n Forecasts that succeeded on openai in epoch 2, and
// two that failed since.
func filledIndex(n int) (*Attempts, v1.ProviderLockStatus) {
	index := NewAttempts()
	for i := range n {
		a := attempt("openai", 2, "", 0, i%30)
		index.Set(fmt.Sprintf("ns/fc-%d", i), &a)
	}
	for i := range 2 {
		a := attempt("openai", 2, v1.ClassTransient, 1, 35)
		index.Set(fmt.Sprintf("ns/failing-%d", i), &a)
	}
	return index, v1.ProviderLockStatus{ActiveProvider: "openai", Epoch: 2}
}
