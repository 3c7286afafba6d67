package failover

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

func attempt(provider v1.ProviderName, epoch int64, outcome v1.AttemptOutcome, reason string, streak int32, second int) v1.Attempt {
	return v1.Attempt{Provider: provider, Epoch: epoch, Outcome: outcome, Reason: reason, Message: "m",
		ConsecutiveFailures: streak, Time: metav1.NewTime(now.Add(time.Duration(second) * time.Second))}
}

func TestCountFailures(t *testing.T) {
	st := v1.ProviderLockStatus{ActiveProvider: "openai", Epoch: 2}
	tests := []struct {
		name         string
		attempts     []v1.Attempt
		wantCount    int32
		wantRejected bool
	}{
		{name: "none", wantCount: 0},
		{name: "streaks add up across Forecasts", wantCount: 3, attempts: []v1.Attempt{
			attempt("openai", 2, v1.OutcomeProviderFailed, "ServerError", 2, 5),
			attempt("openai", 2, v1.OutcomeInvalidOutput, "NoJSON", 1, 6),
		}},
		{name: "a success resets the count for older failures", wantCount: 1, attempts: []v1.Attempt{
			attempt("openai", 2, v1.OutcomeProviderFailed, "ServerError", 2, 5),
			attempt("openai", 2, v1.OutcomeSucceeded, "Succeeded", 0, 7),
			attempt("openai", 2, v1.OutcomeProviderFailed, "Timeout", 1, 9),
		}},
		{name: "other epochs and providers are fenced off", wantCount: 0, attempts: []v1.Attempt{
			attempt("openai", 1, v1.OutcomeProviderFailed, "ServerError", 5, 5),
			attempt("baseline", 2, v1.OutcomeProviderFailed, "ServerError", 5, 5),
		}},
		{name: "invalid input never counts", wantCount: 0, attempts: []v1.Attempt{
			attempt("openai", 2, v1.OutcomeInvalidInput, "RequestTooLarge", 4, 5),
		}},
		{name: "a rejection is flagged", wantCount: 1, wantRejected: true, attempts: []v1.Attempt{
			attempt("openai", 2, v1.OutcomeProviderFailed, "Unauthorized", 1, 5),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := CountFailures(st, tt.attempts)
			if f.Count != tt.wantCount || f.Rejected != tt.wantRejected {
				t.Fatalf("CountFailures() = %+v, want count %d rejected %v", f, tt.wantCount, tt.wantRejected)
			}
		})
	}
}

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
		{name: "below the threshold stays", failures: Failures{Count: 2}, wantTo: "openai"},
		{name: "at the threshold moves to the next eligible", failures: Failures{Count: 3, Last: "ServerError: 503"},
			wantMove: true, wantTo: "gemini", wantReason: v1.LockFailureThreshold},
		{name: "the next eligible skips unconfigured providers", failures: Failures{Count: 4},
			unconf: map[v1.ProviderName]string{"gemini": "no Secret"}, wantMove: true, wantTo: "baseline", wantReason: v1.LockFailureThreshold},
		{name: "a rejection moves at once", failures: Failures{Count: 1, Rejected: true, Last: "Unauthorized: bad key"},
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
	only.Failures = Failures{Count: 9, Last: "ServerError: 503"}
	d := Decide(only)
	if d.Move || d.To != "openai" {
		t.Errorf("with nothing else eligible the lock stays: %+v", d)
	}
	if want := "openai failed 9 times since its last success (threshold 3); last: ServerError: 503"; d.Stranded != want {
		t.Errorf("a lock that stays only for want of another provider must say why: Stranded = %q, want %q", d.Stranded, want)
	}
	if d := Decide(base); d.Stranded != "" {
		t.Errorf("a healthy lock is not stranded: %+v", d)
	}
}

func TestCountFailuresWithProbes(t *testing.T) {
	probed := metav1.NewTime(now.Add(time.Minute))
	st := v1.ProviderLockStatus{ActiveProvider: "openai", Epoch: 2, Providers: []v1.ProviderStatus{
		{Name: "openai", ProbeFailures: 2, LastProbeTime: &probed, LastError: "ServerError: HTTP 503"},
		{Name: "gemini", ProbeFailures: 7, LastProbeTime: &probed},
	}}
	f := CountFailures(st, []v1.Attempt{attempt("openai", 2, v1.OutcomeProviderFailed, "Timeout", 1, 5)})
	if f.Count != 3 {
		t.Errorf("count = %d, want 1 failed request + the active provider's 2 failed probes (not gemini's)", f.Count)
	}
	if f.Last != "health probe failed: ServerError: HTTP 503" {
		t.Errorf("the newest failure is the probe, got Last = %q", f.Last)
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
