package failover

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

func TestDecideOnFailures(t *testing.T) {
	base := Input{Spec: v1.ProviderLockSpec{Providers: spec("openai", "gemini", "baseline").Providers, FailureThreshold: 3},
		Status: v1.ProviderLockStatus{ActiveProvider: "openai", Epoch: 1}, Now: now}
	tests := []struct {
		name       string
		failures   Failures
		unconf     map[v1.ProviderName]string
		wantMove   bool
		wantTo     v1.ProviderName
		wantReason v1.LockChangeReason
	}{
		{name: "below the threshold stays", failures: Failures{Count: 2, Forecasts: 2}, wantTo: "openai"},
		{name: "at the threshold moves to the next eligible", failures: Failures{Count: 3, Forecasts: 3, Last: "ServerError: 503"},
			wantMove: true, wantTo: "gemini", wantReason: v1.LockFailureThreshold},
		{name: "the next eligible skips unconfigured providers", failures: Failures{Count: 4, Forecasts: 4},
			unconf: map[v1.ProviderName]string{"gemini": "no Secret"}, wantMove: true, wantTo: "baseline", wantReason: v1.LockFailureThreshold},
		{name: "a rejection moves at once", failures: Failures{Count: 1, Forecasts: 1, Rejected: true, Last: "Unauthorized: bad key"},
			wantMove: true, wantTo: "gemini", wantReason: v1.LockProviderRejected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := base
			in.Failures, in.Unconfigured = tt.failures, tt.unconf
			d := Decide(in)
			if d.Move != tt.wantMove || d.To != tt.wantTo || d.Reason != tt.wantReason {
				t.Fatalf("Decide() = %+v, want move=%v to=%s reason=%s", d, tt.wantMove, tt.wantTo, tt.wantReason)
			}
			if d.Move != d.Demotes() {
				t.Errorf("a failure move must put the old provider in cooldown")
			}
		})
	}
	only := base
	only.Spec.Providers = spec("openai").Providers
	only.Failures = Failures{Count: 9, Forecasts: 9, Last: "ServerError: 503"}
	d := Decide(only)
	if d.Move || d.To != "openai" {
		t.Errorf("with nothing else eligible the lock stays: %+v", d)
	}
	if want := "openai failed 9 times since its last success (threshold 3; 9 Forecasts); last: ServerError: 503"; d.Stranded != want {
		t.Errorf("a lock that stays only for want of another provider must say why: Stranded = %q, want %q", d.Stranded, want)
	}
	if d := Decide(base); d.Stranded != "" {
		t.Errorf("a healthy lock is not stranded: %+v", d)
	}
}

func TestFailback(t *testing.T) {
	cooledAt := metav1.NewTime(now.Add(-time.Minute))
	probedAfter := metav1.NewTime(now.Add(-30 * time.Second))
	probedBefore := metav1.NewTime(now.Add(-2 * time.Minute))
	in := func(policy v1.FailbackPolicy, openai v1.ProviderStatus) Input {
		openai.Name = "openai"
		return Input{Now: now,
			Spec:   v1.ProviderLockSpec{Providers: spec("openai", "gemini", "baseline").Providers, Failback: policy},
			Status: v1.ProviderLockStatus{ActiveProvider: "gemini", Epoch: 2, Providers: []v1.ProviderStatus{openai}}}
	}
	tests := []struct {
		name     string
		in       Input
		wantMove bool
	}{
		{"automatic, cooled down and probed since", in(v1.FailbackAutomatic, v1.ProviderStatus{CooldownUntil: &cooledAt, LastProbeTime: &probedAfter}), true},
		{"automatic, but the last probe is older than the cooldown", in(v1.FailbackAutomatic, v1.ProviderStatus{CooldownUntil: &cooledAt, LastProbeTime: &probedBefore}), false},
		{"automatic, but never probed", in(v1.FailbackAutomatic, v1.ProviderStatus{CooldownUntil: &cooledAt}), false},
		{"automatic, but the probe failed", in(v1.FailbackAutomatic, v1.ProviderStatus{LastProbeTime: &probedAfter, State: v1.ProviderUnhealthy}), false},
		{"manual never fails back", in(v1.FailbackManual, v1.ProviderStatus{CooldownUntil: &cooledAt, LastProbeTime: &probedAfter}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Decide(tt.in)
			if d.Move != tt.wantMove || (d.Move && (d.To != "openai" || d.Reason != v1.LockFailback || d.Demotes())) {
				t.Fatalf("Decide() = %+v, want move=%v to openai (Failback)", d, tt.wantMove)
			}
		})
	}
}

// apply plays a decision onto the status as the controller does, for
// sequences of decisions: the override in effect, the epoch, the egress
// state.
func apply(in *Input, d Decision) {
	st := &in.Status
	st.Override = in.Spec.Override
	if d.Move {
		st.Epoch++
		st.ActiveProvider = d.To
	}
	switch {
	case !d.EgressFailing:
		st.EgressFailingSince = nil
	case st.EgressFailingSince == nil:
		t := metav1.NewTime(in.Now)
		st.EgressFailingSince = &t
	}
	if d.Move || d.Record {
		st.History = append([]v1.LockChange{{To: d.To, Reason: d.Reason, Epoch: st.Epoch}}, st.History...)
	}
}

// TestOverrideSequence is the documented manual failback: override to
// gemini, back to openai, then clear the override. Clearing is seen exactly
// once, and failures move the lock again afterwards.
func TestOverrideSequence(t *testing.T) {
	in := Input{Spec: v1.ProviderLockSpec{Providers: spec("openai", "gemini", "baseline").Providers, FailureThreshold: 3},
		Status: v1.ProviderLockStatus{ActiveProvider: "openai", Epoch: 1}, Now: now}
	steps := []struct {
		override   v1.ProviderName
		failures   Failures
		wantTo     v1.ProviderName
		wantReason v1.LockChangeReason
	}{
		{override: "gemini", wantTo: "gemini", wantReason: v1.LockOverride},
		{override: "gemini", failures: Failures{Count: 5, Forecasts: 5}, wantTo: "gemini"}, // an override is not second-guessed
		{override: "openai", wantTo: "openai", wantReason: v1.LockOverride},
		{override: "", wantTo: "openai", wantReason: v1.LockOverrideCleared},
		{override: "", wantTo: "openai"}, // seen exactly once
		{override: "", failures: Failures{Count: 3, Forecasts: 3, Last: "ServerError"}, wantTo: "gemini", wantReason: v1.LockFailureThreshold},
	}
	for i, step := range steps {
		in.Spec.Override, in.Failures = step.override, step.failures
		d := Decide(in)
		if d.To != step.wantTo || d.Reason != step.wantReason {
			t.Fatalf("step %d (override %q): Decide() = %+v, want to=%s reason=%q", i, step.override, d, step.wantTo, step.wantReason)
		}
		apply(&in, d)
	}
	if got := len(in.Status.History); got != 4 {
		t.Errorf("history has %d entries, want 4 (Override, Override, OverrideCleared, FailureThreshold): %+v", got, in.Status.History)
	}
}

// TestEgressFailure plays the operator's own network failing: every LLM
// provider unreachable at once moves the lock to baseline without blame,
// and a probe that reaches the first LLM provider brings it back, with
// failback Manual.
func TestEgressFailure(t *testing.T) {
	all := map[v1.ProviderName]bool{"openai": true, "gemini": true, "groq": true}
	probed := metav1.NewTime(now.Add(time.Minute))
	in := Input{Spec: v1.ProviderLockSpec{Providers: spec("openai", "gemini", "groq", "baseline").Providers,
		FailureThreshold: 3, Failback: v1.FailbackManual},
		Status: v1.ProviderLockStatus{ActiveProvider: "openai", Epoch: 1}, Now: now,
		Failures: Failures{Count: 3, Forecasts: 3, LastClass: v1.ClassUnreachable}, Unreachable: all}

	below := in
	below.Failures = Failures{Count: 2, Forecasts: 2, LastClass: v1.ClassUnreachable}
	if d := Decide(below); d.Move || d.EgressFailing {
		t.Fatalf("below the threshold nothing moves, egress or not: %+v", d)
	}

	d := Decide(in)
	if !d.Move || d.To != "baseline" || d.Reason != v1.LockEgressFailure || d.Demotes() || !d.EgressFailing {
		t.Fatalf("egress failure: Decide() = %+v, want a move to baseline (EgressFailure) that demotes no one", d)
	}
	apply(&in, d)

	in.Failures, in.Now = Failures{}, now.Add(30*time.Second)
	if d = Decide(in); d.Move || !d.EgressFailing {
		t.Fatalf("while the egress still fails the lock stays on baseline: %+v", d)
	}
	apply(&in, d)

	in.Unreachable, in.Now = nil, now.Add(2*time.Minute)
	in.Status.Providers = []v1.ProviderStatus{{Name: "openai", State: v1.ProviderStandby, LastProbeTime: &probed}}
	d = Decide(in)
	if !d.Move || d.To != "openai" || d.Reason != v1.LockEgressRestored || d.EgressFailing {
		t.Fatalf("a probe reached openai again: Decide() = %+v, want a move back to openai (EgressRestored)", d)
	}
}

func TestEgressNeedsMostProviders(t *testing.T) {
	in := Input{Spec: v1.ProviderLockSpec{Providers: spec("openai", "gemini", "groq", "baseline").Providers, FailureThreshold: 1},
		Status: v1.ProviderLockStatus{ActiveProvider: "openai", Epoch: 1}, Now: now,
		Failures: Failures{Count: 1, Forecasts: 1, LastClass: v1.ClassUnreachable}}
	tests := []struct {
		name        string
		unreachable map[v1.ProviderName]bool
		unconf      map[v1.ProviderName]string
		providers   []v1.ProviderSpec
		wantReason  v1.LockChangeReason
		wantTo      v1.ProviderName
	}{
		{name: "one of three is the provider's own fault", unreachable: map[v1.ProviderName]bool{"openai": true},
			wantReason: v1.LockFailureThreshold, wantTo: "gemini"},
		{name: "two of three is the egress", unreachable: map[v1.ProviderName]bool{"openai": true, "groq": true},
			wantReason: v1.LockEgressFailure, wantTo: "baseline"},
		{name: "the active provider must be among them", unreachable: map[v1.ProviderName]bool{"gemini": true, "groq": true},
			wantReason: v1.LockFailureThreshold, wantTo: "gemini"},
		{name: "unconfigured providers are not asked", unreachable: map[v1.ProviderName]bool{"openai": true, "gemini": true},
			unconf: map[v1.ProviderName]string{"groq": "no Secret"}, wantReason: v1.LockEgressFailure, wantTo: "baseline"},
		{name: "a single LLM provider cannot tell", unreachable: map[v1.ProviderName]bool{"openai": true},
			providers: spec("openai", "baseline").Providers, wantReason: v1.LockFailureThreshold, wantTo: "baseline"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := in
			in.Unreachable, in.Unconfigured = tt.unreachable, tt.unconf
			if tt.providers != nil {
				in.Spec.Providers = tt.providers
			}
			if d := Decide(in); d.Reason != tt.wantReason || d.To != tt.wantTo {
				t.Errorf("Decide() = %+v, want reason %s to %s", d, tt.wantReason, tt.wantTo)
			}
		})
	}

	without := in
	without.Spec.Providers = spec("openai", "gemini").Providers
	without.Unreachable = map[v1.ProviderName]bool{"openai": true, "gemini": true}
	if d := Decide(without); d.Move || !d.EgressFailing || d.Stranded == "" {
		t.Errorf("without baseline the lock stays, Degraded, and walks no chain: %+v", d)
	}
}

// TestRuleOrder checks which rule wins when several apply.
func TestRuleOrder(t *testing.T) {
	since := metav1.NewTime(now.Add(-time.Minute))
	base := func() Input {
		return Input{Spec: v1.ProviderLockSpec{Providers: spec("openai", "gemini", "baseline").Providers, FailureThreshold: 1},
			Status: v1.ProviderLockStatus{ActiveProvider: "gemini", Epoch: 3}, Now: now}
	}
	tests := []struct {
		name       string
		change     func(*Input)
		wantReason v1.LockChangeReason
	}{
		{"an override beats a rejection", func(in *Input) {
			in.Spec.Override = "gemini"
			in.Status.ActiveProvider = "openai"
			in.Failures = Failures{Count: 1, Rejected: true}
		}, v1.LockOverride},
		{"a cleared override beats the failure threshold", func(in *Input) {
			in.Status.Override = "gemini"
			in.Failures = Failures{Count: 5}
		}, v1.LockOverrideCleared},
		{"a removed provider beats its failures", func(in *Input) {
			in.Spec.Providers = spec("openai", "baseline").Providers
			in.Failures = Failures{Count: 5, Rejected: true}
		}, v1.LockProviderRemoved},
		{"an egress failure beats the threshold", func(in *Input) {
			in.Failures = Failures{Count: 5, LastClass: v1.ClassUnreachable}
			in.Unreachable = map[v1.ProviderName]bool{"openai": true, "gemini": true}
		}, v1.LockEgressFailure},
		{"a rejection beats the threshold", func(in *Input) {
			in.Failures = Failures{Count: 5, Rejected: true}
		}, v1.LockProviderRejected},
		{"the threshold beats failback", func(in *Input) {
			in.Spec.Failback = v1.FailbackAutomatic
			in.Failures = Failures{Count: 1}
		}, v1.LockFailureThreshold},
		{"egress restored beats failback, with failback Manual", func(in *Input) {
			in.Status.ActiveProvider = "baseline"
			in.Status.EgressFailingSince = &since
			probed := metav1.NewTime(now)
			in.Status.Providers = []v1.ProviderStatus{{Name: "openai", LastProbeTime: &probed}}
		}, v1.LockEgressRestored},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := base()
			tt.change(&in)
			if d := Decide(in); d.Reason != tt.wantReason {
				t.Errorf("Decide() = %+v, want reason %s", d, tt.wantReason)
			}
		})
	}
}

// TestEgressRestoredStepByStep: when a lower LLM provider is reachable
// first, it serves, and the egress failure lasts until the first one is
// reached again.
func TestEgressRestoredStepByStep(t *testing.T) {
	since := metav1.NewTime(now.Add(-time.Minute))
	probed := metav1.NewTime(now)
	in := Input{Spec: v1.ProviderLockSpec{Providers: spec("openai", "gemini", "groq", "baseline").Providers, Failback: v1.FailbackManual},
		Status: v1.ProviderLockStatus{ActiveProvider: "baseline", Epoch: 2, EgressFailingSince: &since,
			Providers: []v1.ProviderStatus{{Name: "groq", LastProbeTime: &probed}}}, Now: now}
	d := Decide(in)
	if !d.Move || d.To != "groq" || d.Reason != v1.LockEgressRestored || !d.EgressFailing {
		t.Fatalf("groq reachable first: Decide() = %+v, want a move to groq, the egress failure still on", d)
	}
	apply(&in, d)
	if d := Decide(in); d.Move || !d.EgressFailing {
		t.Fatalf("on groq, openai still unreachable: Decide() = %+v, want no move", d)
	}
	in.Failures = Failures{Count: 3, Forecasts: 3}
	in.Spec.FailureThreshold = 3
	if d := Decide(in); d.Reason != v1.LockFailureThreshold {
		t.Fatalf("on an LLM provider the other rules still apply: Decide() = %+v", d)
	}
	in.Failures = Failures{}
	in.Status.Providers = append(in.Status.Providers, v1.ProviderStatus{Name: "openai", LastProbeTime: &probed})
	d = Decide(in)
	if !d.Move || d.To != "openai" || d.Reason != v1.LockEgressRestored || d.EgressFailing {
		t.Fatalf("openai reachable: Decide() = %+v, want a move back to openai that ends the egress failure", d)
	}
}

// An override that names a provider which may not take the lock moves it
// anyway, and says so in the audit trail and in the provider's state.
func TestOverrideOfAnIneligibleProvider(t *testing.T) {
	in := Input{Spec: v1.ProviderLockSpec{Providers: spec("openai", "groq", "baseline").Providers, FailureThreshold: 3, Override: "groq"},
		Status:       v1.ProviderLockStatus{ActiveProvider: "openai", Epoch: 1},
		Unconfigured: map[v1.ProviderName]string{"groq": "Secret bottleneck-system/groq-credentials not found"}, Now: now}
	d := Decide(in)
	want := "spec.override names groq, which is not eligible (Unconfigured: Secret bottleneck-system/groq-credentials not found): it serves anyway until spec.override changes"
	if !d.Move || d.To != "groq" || d.Reason != v1.LockOverride || d.Message != want {
		t.Fatalf("Decide() = %+v, want a move to groq with message %q", d, want)
	}
	groq := States(in, d)[1]
	if groq.State != v1.ProviderActive || groq.Message != "held by spec.override although unconfigured: Secret bottleneck-system/groq-credentials not found" {
		t.Errorf("groq's state = %s %q: it must say why it should not serve", groq.State, groq.Message)
	}

	// Once groq holds the lock, every later decision still says why it
	// should not: the lock's Degraded condition is built from it.
	held := in
	held.Status = v1.ProviderLockStatus{ActiveProvider: "groq", Epoch: 2, Override: "groq", Providers: States(in, d)}
	if d := Decide(held); d.Move || d.To != "groq" || d.OverrideIneligible != "Unconfigured: Secret bottleneck-system/groq-credentials not found" {
		t.Errorf("held by the override: Decide() = %+v, want no move and why groq is not eligible", d)
	}

	cooling := in
	cooling.Unconfigured = nil
	cooling.Status.Providers = []v1.ProviderStatus{{Name: "groq", State: v1.ProviderCoolingDown, CooldownUntil: &metav1.Time{Time: now.Add(time.Minute)}}}
	if d := Decide(cooling); d.Message != "spec.override names groq, which is not eligible (CoolingDown until 2026-11-30T12:01:00Z): it serves anyway until spec.override changes" {
		t.Errorf("cooling down: message %q", d.Message)
	}
	healthy := in
	healthy.Unconfigured = nil
	if d := Decide(healthy); d.Message != "spec.override names groq" || d.OverrideIneligible != "" {
		t.Errorf("an eligible provider's override says nothing more: %+v", d)
	}
}
