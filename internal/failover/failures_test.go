package failover

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

const lockUID types.UID = "lock-2"

// attempt is a Forecast's last attempt at now+second, under lockUID.
func attempt(provider v1.ProviderName, epoch int64, class v1.FailureClass, streak int32, second int) v1.Attempt {
	a := v1.Attempt{Provider: provider, Epoch: epoch, LockUID: lockUID, Class: class, Reason: string(class), Message: "m " + string(class),
		ConsecutiveFailures: streak, Time: metav1.NewTime(now.Add(time.Duration(second) * time.Second)), Outcome: v1.OutcomeProviderFailed}
	switch class {
	case "":
		a.Outcome, a.Reason, a.Message = v1.OutcomeSucceeded, "Succeeded", ""
	case v1.ClassInvalidOutput:
		a.Outcome = v1.OutcomeInvalidOutput
	case v1.ClassInvalidInput:
		a.Outcome = v1.OutcomeInvalidInput
	}
	return a
}

func TestCountFailures(t *testing.T) {
	confirmed := metav1.NewTime(now.Add(8 * time.Second))
	probed := metav1.NewTime(now.Add(20 * time.Second))
	refused := attempt("openai", 2, "", 0, 9)
	refused.Outcome = v1.OutcomeWriteRefused
	otherLock := attempt("openai", 2, v1.ClassTransient, 1, 5)
	otherLock.LockUID = "lock-1"
	tests := []struct {
		name      string
		attempts  []v1.Attempt
		providers []v1.ProviderStatus
		want      Failures
	}{
		{name: "nothing failed", attempts: []v1.Attempt{attempt("openai", 2, "", 0, 1)},
			want: Failures{}},
		{name: "each Forecast counts once, however long its streak", attempts: []v1.Attempt{
			attempt("openai", 2, v1.ClassTransient, 7, 5),
			attempt("openai", 2, v1.ClassInvalidOutput, 1, 6),
		}, want: Failures{Count: 2, Forecasts: 2, Attempted: 2, Last: "m InvalidOutput", LastClass: v1.ClassInvalidOutput}},
		{name: "request-caused failures count like any other, once per Forecast, and are no rejection", attempts: []v1.Attempt{
			attempt("openai", 2, v1.ClassRequestCaused, 40, 5),
		}, want: Failures{Count: 1, Forecasts: 1, Attempted: 1, Last: "m RequestCaused", LastClass: v1.ClassRequestCaused}},
		{name: "rate limits count once together: one pause", attempts: []v1.Attempt{
			attempt("openai", 2, v1.ClassRateLimited, 1, 5),
			attempt("openai", 2, v1.ClassRateLimited, 1, 6),
			attempt("openai", 2, v1.ClassRateLimited, 1, 7),
			attempt("openai", 2, v1.ClassTransient, 1, 4),
		}, want: Failures{Count: 2, Forecasts: 1, Pauses: 1, Attempted: 4, Last: "m RateLimited", LastClass: v1.ClassRateLimited}},
		{name: "a Forecast limited again after its wait is the next pause in a row", attempts: []v1.Attempt{
			attempt("openai", 2, v1.ClassRateLimited, 1, 5),
			attempt("openai", 2, v1.ClassRateLimited, 3, 6),
		}, want: Failures{Count: 3, Pauses: 3, Attempted: 2, Last: "m RateLimited", LastClass: v1.ClassRateLimited}},
		{name: "a success resets the count for older failures", attempts: []v1.Attempt{
			attempt("openai", 2, v1.ClassTransient, 2, 5),
			attempt("openai", 2, "", 0, 7),
			attempt("openai", 2, v1.ClassUnreachable, 1, 9),
		}, want: Failures{Count: 1, Forecasts: 1, Attempted: 1, Last: "m Unreachable", LastClass: v1.ClassUnreachable}},
		{name: "a confirming completion probe resets it too", attempts: []v1.Attempt{
			attempt("openai", 2, v1.ClassInvalidOutput, 3, 5),
		}, providers: []v1.ProviderStatus{{Name: "openai", LastConfirmedTime: &confirmed}},
			want: Failures{}},
		{name: "other epochs, providers and lock incarnations are fenced off", attempts: []v1.Attempt{
			attempt("openai", 1, v1.ClassTransient, 5, 5),
			attempt("baseline", 2, v1.ClassTransient, 5, 5),
			otherLock,
		}, want: Failures{}},
		{name: "invalid input and refused writes never count", attempts: []v1.Attempt{
			attempt("openai", 2, v1.ClassInvalidInput, 4, 5), refused,
		}, want: Failures{Attempted: 1}},
		{name: "failed probes before a success do not count", attempts: []v1.Attempt{
			attempt("openai", 2, "", 0, 30),
		}, providers: []v1.ProviderStatus{{Name: "openai", ProbeFailures: 3, LastProbeTime: &probed, LastProbeClass: v1.ClassTransient}},
			want: Failures{}},
		{name: "a probe the provider rejects is a rejection", providers: []v1.ProviderStatus{
			{Name: "openai", ProbeFailures: 1, LastProbeTime: &probed, LastError: "Unauthorized", LastProbeClass: v1.ClassRejected},
		}, want: Failures{Count: 1, Probes: 1, Rejected: true, Last: "health probe failed: Unauthorized", LastClass: v1.ClassRejected}},
		{name: "a rejection is flagged", attempts: []v1.Attempt{
			attempt("openai", 2, v1.ClassRejected, 1, 5),
		}, want: Failures{Count: 1, Forecasts: 1, Attempted: 1, Rejected: true, Last: "m Rejected", LastClass: v1.ClassRejected}},
		{name: "failed probes of the active provider count once each, not other providers'", attempts: []v1.Attempt{
			attempt("openai", 2, v1.ClassTransient, 1, 5),
		}, providers: []v1.ProviderStatus{
			{Name: "openai", ProbeFailures: 2, LastProbeTime: &probed, LastError: "ServerError: HTTP 503", LastProbeClass: v1.ClassTransient},
			{Name: "gemini", ProbeFailures: 7, LastProbeTime: &probed},
		}, want: Failures{Count: 3, Forecasts: 1, Probes: 2, Attempted: 1, Last: "health probe failed: ServerError: HTTP 503", LastClass: v1.ClassTransient}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := v1.ProviderLockStatus{ActiveProvider: "openai", Epoch: 2, Providers: tt.providers}
			got := CountFailures(st, lockUID, tt.attempts)
			if got.Count > 0 && got.LastTime.IsZero() {
				t.Errorf("a counted failure needs its time, for the egress evidence")
			}
			got.LastTime = time.Time{}
			if got != tt.want {
				t.Fatalf("CountFailures() =\n %+v, want\n %+v", got, tt.want)
			}
		})
	}
}

func TestTally(t *testing.T) {
	f := Failures{Count: 4, Forecasts: 2, Pauses: 1, Probes: 1}
	if got, want := f.Tally(), "2 Forecasts, 1 rate-limit pause, 1 failed probe"; got != want {
		t.Errorf("Tally() = %q, want %q", got, want)
	}
}

// TestOneTenantCannotMoveTheLock plays a Forecast whose own data fails every
// attempt, for an hour of retries, against a provider that serves everyone
// else: the count never passes one, and a confirming probe clears it.
func TestOneTenantCannotMoveTheLock(t *testing.T) {
	in := Input{Spec: v1.ProviderLockSpec{Providers: spec("openai", "gemini", "baseline").Providers, FailureThreshold: 3},
		Status: v1.ProviderLockStatus{ActiveProvider: "openai", Epoch: 2}, Now: now}
	for streak := int32(1); streak <= 60; streak++ {
		in.Failures = CountFailures(in.Status, lockUID, []v1.Attempt{
			attempt("openai", 2, v1.ClassRequestCaused, streak, int(streak)),
		})
		if d := Decide(in); d.Move || in.Failures.Count != 1 {
			t.Fatalf("after %d failures of one Forecast: count %d, decision %+v", streak, in.Failures.Count, d)
		}
		if !NeedsConfirmation(in) {
			t.Fatalf("one Forecast failing, fewer than the threshold tried: the lock must confirm with a probe")
		}
	}
}

func TestNeedsConfirmation(t *testing.T) {
	base := Input{Spec: v1.ProviderLockSpec{Providers: spec("openai", "baseline").Providers, FailureThreshold: 3},
		Status: v1.ProviderLockStatus{ActiveProvider: "openai", Epoch: 2}}
	tests := []struct {
		name   string
		change func(*Input)
		want   bool
	}{
		{"one Forecast failed, one tried", func(in *Input) { in.Failures = Failures{Count: 1, Forecasts: 1, Attempted: 1} }, true},
		{"one failed probe", func(in *Input) { in.Failures = Failures{Count: 1, Probes: 1} }, true},
		{"only a rate-limit pause: not asked again before its wait", func(in *Input) {
			in.Failures = Failures{Count: 1, Pauses: 1, Attempted: 1}
		}, false},
		{"nothing failed", func(in *Input) { in.Failures = Failures{Attempted: 1} }, false},
		{"enough Forecasts tried since the last success to decide on their own", func(in *Input) {
			in.Failures = Failures{Count: 1, Forecasts: 1, Attempted: 3}
		}, false},
		{"the threshold is reached", func(in *Input) { in.Failures = Failures{Count: 3, Forecasts: 3, Attempted: 1} }, false},
		{"a rejection needs no confirmation", func(in *Input) {
			in.Failures = Failures{Count: 1, Forecasts: 1, Attempted: 1, Rejected: true}
		}, false},
		{"baseline is never probed", func(in *Input) {
			in.Status.ActiveProvider, in.Failures = "baseline", Failures{Count: 1, Forecasts: 1, Attempted: 1}
		}, false},
		{"an override in effect is not second-guessed", func(in *Input) {
			in.Spec.Override, in.Status.Override, in.Failures = "openai", "openai", Failures{Count: 1, Forecasts: 1, Attempted: 1}
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := base
			tt.change(&in)
			if got := NeedsConfirmation(in); got != tt.want {
				t.Errorf("NeedsConfirmation() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestUnreachable(t *testing.T) {
	recent := metav1.NewTime(now.Add(-10 * time.Second))
	old := metav1.NewTime(now.Add(-2 * EgressWindow))
	st := v1.ProviderLockStatus{ActiveProvider: "openai", Epoch: 2, Providers: []v1.ProviderStatus{
		{Name: "openai", LastProbeTime: &old},
		{Name: "gemini", LastProbeTime: &recent, LastProbeClass: v1.ClassUnreachable},
		{Name: "groq", LastProbeTime: &old, LastProbeClass: v1.ClassUnreachable},
		{Name: "cloudflare", LastProbeTime: &recent, LastProbeClass: v1.ClassTransient},
		{Name: "huggingface", LastProbeTime: &recent},
	}}
	unreachable := attempt("openai", 2, v1.ClassUnreachable, 1, -5)
	got := Unreachable(st, lockUID, []v1.Attempt{unreachable}, now)
	want := map[v1.ProviderName]bool{"openai": true, "gemini": true}
	if len(got) != len(want) || !got["openai"] || !got["gemini"] {
		t.Errorf("Unreachable() = %v, want %v (groq's evidence is too old, cloudflare answered with a 5xx)", got, want)
	}
	succeeded := attempt("openai", 2, "", 0, -1)
	if got := Unreachable(st, lockUID, []v1.Attempt{unreachable, succeeded}, now); got["openai"] {
		t.Errorf("a newer success makes the active provider reachable: %v", got)
	}
}
