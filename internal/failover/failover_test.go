package failover

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

var now = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

func spec(names ...v1.ProviderName) v1.ProviderLockSpec {
	s := v1.ProviderLockSpec{}
	for _, n := range names {
		s.Providers = append(s.Providers, v1.ProviderSpec{Name: n})
	}
	return s
}

func TestDecide(t *testing.T) {
	later := metav1.NewTime(now.Add(time.Minute))
	earlier := metav1.NewTime(now.Add(-time.Minute))
	tests := []struct {
		name       string
		in         Input
		wantMove   bool
		wantTo     v1.ProviderName
		wantReason v1.LockChangeReason
	}{
		{name: "initial takes the first configured provider",
			in:       Input{Spec: spec("openai", "gemini", "baseline")},
			wantMove: true, wantTo: "openai", wantReason: v1.LockInitial},
		{name: "initial skips unconfigured providers",
			in: Input{Spec: spec("openai", "gemini", "baseline"),
				Unconfigured: map[v1.ProviderName]string{"openai": "no Secret", "gemini": "no key"}},
			wantMove: true, wantTo: "baseline", wantReason: v1.LockInitial},
		{name: "initial skips a provider cooling down",
			in: Input{Spec: spec("openai", "baseline"), Status: v1.ProviderLockStatus{
				Providers: []v1.ProviderStatus{{Name: "openai", CooldownUntil: &later}}}},
			wantMove: true, wantTo: "baseline", wantReason: v1.LockInitial},
		{name: "an expired cooldown does not block",
			in: Input{Spec: spec("openai", "baseline"), Status: v1.ProviderLockStatus{
				Providers: []v1.ProviderStatus{{Name: "openai", CooldownUntil: &earlier}}}},
			wantMove: true, wantTo: "openai", wantReason: v1.LockInitial},
		{name: "initial skips an unhealthy provider",
			in: Input{Spec: spec("openai", "groq"), Status: v1.ProviderLockStatus{
				Providers: []v1.ProviderStatus{{Name: "openai", State: v1.ProviderUnhealthy}}}},
			wantMove: true, wantTo: "groq", wantReason: v1.LockInitial},
		{name: "nothing eligible locks nothing",
			in: Input{Spec: spec("openai"),
				Unconfigured: map[v1.ProviderName]string{"openai": "no Secret"}},
			wantMove: false, wantTo: ""},
		{name: "baseline is always eligible",
			in: Input{Spec: spec("baseline"),
				Unconfigured: map[v1.ProviderName]string{"baseline": "ignored"}},
			wantMove: true, wantTo: "baseline", wantReason: v1.LockInitial},
		{name: "a locked provider stays (manual failback)",
			in: Input{Spec: spec("openai", "baseline"),
				Status: v1.ProviderLockStatus{ActiveProvider: "baseline", Epoch: 1}},
			wantMove: false, wantTo: "baseline"},
		{name: "override moves at once, even to an unconfigured provider",
			in: Input{Spec: v1.ProviderLockSpec{Providers: spec("openai", "groq").Providers, Override: "groq"},
				Status:       v1.ProviderLockStatus{ActiveProvider: "openai"},
				Unconfigured: map[v1.ProviderName]string{"groq": "no Secret"}},
			wantMove: true, wantTo: "groq", wantReason: v1.LockOverride},
		{name: "override already in force does not move",
			in: Input{Spec: v1.ProviderLockSpec{Providers: spec("openai", "groq").Providers, Override: "groq"},
				Status: v1.ProviderLockStatus{ActiveProvider: "groq"}},
			wantMove: false, wantTo: "groq"},
		{name: "a cleared override returns to normal selection",
			in: Input{Spec: spec("openai", "groq"), Status: v1.ProviderLockStatus{ActiveProvider: "groq", Override: "groq",
				History: []v1.LockChange{{To: "groq", Reason: v1.LockOverride}}}},
			wantMove: true, wantTo: "openai", wantReason: v1.LockOverrideCleared},
		{name: "a cleared override is recorded even when the provider stays",
			in:       Input{Spec: spec("openai", "groq"), Status: v1.ProviderLockStatus{ActiveProvider: "openai", Override: "openai"}},
			wantMove: false, wantTo: "openai", wantReason: v1.LockOverrideCleared},
		{name: "an Override entry in the history alone is no override in effect",
			in: Input{Spec: spec("openai", "groq"), Status: v1.ProviderLockStatus{ActiveProvider: "groq",
				History: []v1.LockChange{{To: "groq", Reason: v1.LockOverride}}}},
			wantMove: false, wantTo: "groq"},
		{name: "a removed provider loses the lock",
			in: Input{Spec: spec("gemini", "baseline"),
				Status: v1.ProviderLockStatus{ActiveProvider: "openai"}},
			wantMove: true, wantTo: "gemini", wantReason: v1.LockProviderRemoved},
		{name: "a removed provider keeps the lock when nothing else is eligible",
			in: Input{Spec: spec("gemini"), Status: v1.ProviderLockStatus{ActiveProvider: "openai"},
				Unconfigured: map[v1.ProviderName]string{"gemini": "no Secret"}},
			wantMove: false, wantTo: "openai"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.Now = now
			d := Decide(tt.in)
			if d.Move != tt.wantMove || d.To != tt.wantTo || d.Reason != tt.wantReason {
				t.Fatalf("Decide() = %+v, want move=%v to=%q reason=%q", d, tt.wantMove, tt.wantTo, tt.wantReason)
			}
			if (d.Move || d.Record) && d.Message == "" {
				t.Errorf("a move needs a message for the audit trail")
			}
		})
	}
}

func TestStates(t *testing.T) {
	later := metav1.NewTime(now.Add(time.Minute))
	in := Input{
		Spec: spec("openai", "gemini", "groq", "huggingface", "baseline"),
		Status: v1.ProviderLockStatus{Providers: []v1.ProviderStatus{
			{Name: "gemini", CooldownUntil: &later},
			{Name: "groq", State: v1.ProviderUnhealthy, Message: "probe: HTTP 503"},
		}},
		Unconfigured: map[v1.ProviderName]string{"openai": "Secret ns/openai not found"},
		Now:          now,
	}
	got := States(in, Decision{To: "baseline"})
	want := map[v1.ProviderName]v1.ProviderState{
		"openai": v1.ProviderUnconfigured, "gemini": v1.ProviderCoolingDown, "groq": v1.ProviderUnhealthy,
		"huggingface": v1.ProviderStandby, "baseline": v1.ProviderActive,
	}
	if len(got) != len(want) {
		t.Fatalf("States() returned %d entries, want %d", len(got), len(want))
	}
	for i, s := range got {
		if s.Name != in.Spec.Providers[i].Name {
			t.Errorf("entry %d is %s, want spec order %s", i, s.Name, in.Spec.Providers[i].Name)
		}
		if s.State != want[s.Name] {
			t.Errorf("%s: state %s, want %s", s.Name, s.State, want[s.Name])
		}
	}
	if got[0].Message != "Secret ns/openai not found" {
		t.Errorf("an unconfigured provider must say why, got %q", got[0].Message)
	}
	const wantSummary = "openai: Unconfigured (Secret ns/openai not found); gemini: CoolingDown (cooling down until 2026-11-30T12:01:00Z); groq: Unhealthy (probe: HTTP 503); huggingface: Standby; baseline: Active"
	if s := Summary(got); s != wantSummary {
		t.Errorf("Summary() = %q\nwant       %q", s, wantSummary)
	}
}
