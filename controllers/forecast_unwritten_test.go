package controllers

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

// The two calls of a lock move, openai's (epoch 1) and gemini's (epoch 2),
// end in every order against the writes: the result is never lost, and
// the old provider's failure is never written.
func TestUnwrittenAcrossAMove(t *testing.T) {
	fc := &v1.Forecast{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "f", UID: "u"}}
	name := types.NamespacedName{Namespace: "ns", Name: "f"}
	openai := target{spec: v1.ProviderSpec{Name: v1.ProviderOpenAI}, epoch: 1, lockUID: "lock"}
	gemini := target{spec: v1.ProviderSpec{Name: v1.ProviderGemini}, epoch: 2, lockUID: "lock"}
	ended := func(t target, state state) outcome {
		a := &v1.Attempt{Provider: t.spec.Name, Epoch: t.epoch, LockUID: t.lockUID}
		return outcome{state: state, attempt: a, target: t, hash: "h"}
	}
	late := ended(openai, failed)
	result := ended(gemini, succeeded)

	cases := []struct {
		name string
		run  func(u *unwrittenResults)
		want *outcome // what the next reconcile, under gemini, writes
	}{
		{"the result, then the late failure, before either is written", func(u *unwrittenResults) {
			u.put(fc.UID, name, result)
			u.put(fc.UID, name, late)
		}, &result},
		{"the late failure is being written when the result ends", func(u *unwrittenResults) {
			u.put(fc.UID, name, late)
			u.put(fc.UID, name, result)
			u.stored(fc.UID, late)
		}, &result},
		{"the late failure's write fails when the result has ended", func(u *unwrittenResults) {
			u.put(fc.UID, name, late)
			u.put(fc.UID, name, result)
			if tries := u.keep(fc, late); tries != 1 {
				t.Errorf("keep = %d", tries)
			}
		}, &result},
		{"the late failure ends after the result was written", func(u *unwrittenResults) {
			u.put(fc.UID, name, result)
			u.stored(fc.UID, result)
			u.put(fc.UID, name, late)
		}, nil},
		{"a later result replaces an earlier one", func(u *unwrittenResults) {
			u.put(fc.UID, name, ended(openai, succeeded))
			u.put(fc.UID, name, result)
		}, &result},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var u unwrittenResults
			c.run(&u)
			got, ok := u.get(fc, "h", gemini)
			switch {
			case c.want == nil && ok:
				t.Errorf("get = %v %+v, want nothing", got.state, got.attempt)
			case c.want != nil && (!ok || got.attempt != c.want.attempt):
				t.Errorf("get = %v %+v (%v), want %+v", got.state, got.attempt, ok, c.want.attempt)
			}
		})
	}
}

// A failure of the lock's provider now is written, and a write that keeps
// failing counts its tries; other inputs forget it.
func TestUnwrittenFailureOfTheLocksProvider(t *testing.T) {
	fc := &v1.Forecast{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "f", UID: "u"}}
	gemini := target{spec: v1.ProviderSpec{Name: v1.ProviderGemini}, epoch: 2, lockUID: "lock"}
	out := outcome{state: failed, hash: "h", attempt: &v1.Attempt{Provider: v1.ProviderGemini, Epoch: 2, LockUID: "lock"}}
	var u unwrittenResults
	u.put(fc.UID, types.NamespacedName{Namespace: "ns", Name: "f"}, out)
	if got, ok := u.get(fc, "h", gemini); !ok || got.attempt != out.attempt {
		t.Fatalf("get = %+v, %v", got.attempt, ok)
	}
	for want := int32(1); want <= 3; want++ {
		if tries := u.keep(fc, out); tries != want {
			t.Errorf("keep = %d, want %d", tries, want)
		}
	}
	if _, ok := u.get(fc, "other", gemini); ok {
		t.Error("kept for other inputs")
	}
	if _, ok := u.get(fc, "h", gemini); ok {
		t.Error("not forgotten when the inputs changed")
	}
}

// The old provider's late outcome never takes the place of the new one's,
// whatever it is, nor goes over a newer result the status holds.
func TestUnwrittenKeepsTheNewerEpoch(t *testing.T) {
	name := types.NamespacedName{Namespace: "ns", Name: "f"}
	openai := target{spec: v1.ProviderSpec{Name: v1.ProviderOpenAI}, epoch: 1, lockUID: "lock"}
	gemini := target{spec: v1.ProviderSpec{Name: v1.ProviderGemini}, epoch: 2, lockUID: "lock"}
	ended := func(t target, state state, hash string) outcome {
		return outcome{state: state, hash: hash, attempt: &v1.Attempt{Provider: t.spec.Name, Epoch: t.epoch, LockUID: t.lockUID}}
	}
	geminiResult, geminiFailure := ended(gemini, succeeded, "h"), ended(gemini, failed, "h")
	geminiEdited, openaiResult := ended(gemini, succeeded, "h2"), ended(openai, succeeded, "h")
	written := func(st *v1.ForecastStatus) {
		st.GeneratedAt, st.LockEpoch, st.LastAttempt = &metav1.Time{}, 2, geminiResult.attempt
	}
	cases := []struct {
		name   string
		status func(*v1.ForecastStatus)
		ended  []outcome // in the order the calls end
		hash   string    // the inputs now
		want   *outcome  // what the next reconcile writes
	}{
		{"a late result of the old provider", nil, []outcome{geminiResult, openaiResult}, "h", &geminiResult},
		{"a late result of the old provider for the inputs before an edit", nil,
			[]outcome{geminiEdited, ended(openai, succeeded, "h1")}, "h2", &geminiEdited},
		{"a late failure of the old provider after the new one failed", nil,
			[]outcome{geminiFailure, ended(openai, failed, "h")}, "h", &geminiFailure},
		{"a late result of the old provider once the new one's is written", written, []outcome{openaiResult}, "h", nil},
		{"a result of the old provider when the new one has none yet", func(st *v1.ForecastStatus) { st.LastAttempt = geminiFailure.attempt },
			[]outcome{openaiResult}, "h", &openaiResult},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fc := &v1.Forecast{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "f", UID: "u"}}
			if c.status != nil {
				c.status(&fc.Status)
			}
			var u unwrittenResults
			for _, out := range c.ended {
				u.put(fc.UID, name, out)
			}
			got, ok := u.get(fc, c.hash, gemini)
			switch {
			case c.want == nil && ok:
				t.Errorf("get = %+v, want nothing", got.attempt)
			case c.want != nil && (!ok || got.attempt != c.want.attempt):
				t.Errorf("get = %+v (%v), want %+v", got.attempt, ok, c.want.attempt)
			}
		})
	}
}
