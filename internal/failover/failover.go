// Package failover decides which provider holds the ProviderLock. It is pure:
// the ProviderLock controller gathers the facts (configuration, probe
// results, failure counts, the time) and applies the decision in one status
// update, so every rule here is tested without a cluster.
package failover

import (
	"fmt"
	"slices"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

// Input is everything a decision depends on.
type Input struct {
	Spec   v1.ProviderLockSpec
	Status v1.ProviderLockStatus
	// Unconfigured maps a provider that cannot be used to the reason, e.g.
	// its Secret key is missing. A provider not in the map is configured.
	Unconfigured map[v1.ProviderName]string
	// Failures are the active provider's failures in this epoch.
	Failures Failures
	// Unreachable holds the LLM providers whose latest request or probe,
	// within EgressWindow, never reached them (DNS, connection, proxy).
	Unreachable map[v1.ProviderName]bool
	Now         time.Time
}

// EgressWindow is how recent the evidence must be for an unreachable
// provider to count toward an egress failure.
const EgressWindow = time.Minute

// Decision is the outcome: keep the active provider, or move the lock.
type Decision struct {
	// Move is true when the lock changes hands.
	Move bool
	// Record is true when the decision is written to the audit trail
	// although the provider stays (an override cleared on the provider it
	// named).
	Record bool
	// To is the provider that holds the lock after the decision; empty when
	// nothing is eligible and nothing was locked.
	To v1.ProviderName
	// Reason and Message describe the move, for the audit trail.
	Reason  v1.LockChangeReason
	Message string
	// Stranded says why the active provider should give up the lock, when
	// it keeps it only because no other provider is eligible.
	Stranded string
	// EgressFailing is whether the operator's own egress is failing after
	// the decision (status.egressFailingSince is set or kept).
	EgressFailing bool
	// OverrideIneligible says why the provider that spec.override holds
	// the lock on may not take it (unconfigured, cooling down), when it may
	// not.
	OverrideIneligible string
}

// rule returns a decision and true when it applies. Rules are tried in
// order; the first that applies decides.
type rule func(in Input) (Decision, bool)

var rules = []rule{override, overrideCleared, initial, providerRemoved,
	egressRestored, egressFailure, rejected, failureThreshold, failback}

// Decide returns where the lock must be.
func Decide(in Input) Decision {
	d := Decision{To: in.Status.ActiveProvider}
	for _, r := range rules {
		if rd, ok := r(in); ok {
			d = rd
			break
		}
	}
	if d.Reason != v1.LockEgressFailure && d.Reason != v1.LockEgressRestored && !d.EgressFailing {
		d.EgressFailing = in.Status.EgressFailingSince != nil
	}
	if d.To == in.Status.ActiveProvider {
		d.Move = false // the provider it names holds the lock already
		if !d.Record {
			d.Reason, d.Message = "", ""
		}
	}
	return d
}

// override moves the lock at once to spec.override, whatever its state.
// While an override is in effect no other rule moves the lock. The move's
// message, and the decision for as long as the override holds, say when
// the provider named is not eligible, because every Forecast will then
// fail until the override is fixed or cleared.
func override(in Input) (Decision, bool) {
	if in.Spec.Override == "" {
		return Decision{}, false
	}
	msg := fmt.Sprintf("spec.override names %s", in.Spec.Override)
	why := ineligible(in, in.Spec.Override)
	if why != "" {
		msg += fmt.Sprintf(", which is not eligible (%s): it serves anyway until spec.override changes", why)
	}
	return Decision{Move: true, To: in.Spec.Override, Reason: v1.LockOverride, Message: msg, OverrideIneligible: why}, true
}

// ineligible says why a provider may not take the lock, or "" when it may.
func ineligible(in Input, name v1.ProviderName) string {
	if Eligible(in, name) {
		return ""
	}
	if reason, bad := in.Unconfigured[name]; bad {
		return "Unconfigured: " + reason
	}
	st := StatusOf(in.Status, name)
	if st.CooldownUntil != nil && in.Now.Before(st.CooldownUntil.Time) {
		return "CoolingDown until " + st.CooldownUntil.UTC().Format(time.RFC3339)
	}
	return fmt.Sprintf("%s: %s", st.State, st.Message)
}

// overrideCleared returns to normal selection, once, when the override in
// effect (status.override) has been removed from the spec. The audit trail
// records it even when the provider stays the same.
func overrideCleared(in Input) (Decision, bool) {
	if in.Status.Override == "" {
		return Decision{}, false
	}
	to, ok := FirstEligible(in, "")
	if !ok {
		to = in.Status.ActiveProvider
	}
	msg := fmt.Sprintf("spec.override (%s) was cleared; %s is the first eligible provider", in.Status.Override, to)
	if to == in.Status.ActiveProvider {
		msg = fmt.Sprintf("spec.override (%s) was cleared; %s keeps the lock as the first eligible provider", in.Status.Override, to)
	}
	return Decision{Move: true, Record: true, To: to, Reason: v1.LockOverrideCleared, Message: msg}, true
}

// initial locks the first eligible provider when none is locked yet.
func initial(in Input) (Decision, bool) {
	if in.Status.ActiveProvider != "" {
		return Decision{}, false
	}
	to, ok := FirstEligible(in, "")
	if !ok {
		return Decision{}, true
	}
	return Decision{Move: true, To: to, Reason: v1.LockInitial,
		Message: fmt.Sprintf("%s is the first eligible provider", to)}, true
}

// providerRemoved moves the lock when its provider left spec.providers.
func providerRemoved(in Input) (Decision, bool) {
	if listed(in.Spec, in.Status.ActiveProvider) {
		return Decision{}, false
	}
	return moveAway(in, v1.LockProviderRemoved, fmt.Sprintf("%s was removed from spec.providers", in.Status.ActiveProvider))
}

// egressFailure applies when the active provider reached its threshold,
// its latest failure never reached it, and most configured LLM providers
// are unreachable too: the operator's own network is at fault.
// The lock moves to baseline when it is listed, and no provider is put in
// cooldown; without baseline it stays where it is.
func egressFailure(in Input) (Decision, bool) {
	threshold := max(in.Spec.FailureThreshold, 1)
	if in.Status.EgressFailingSince != nil || in.Failures.Count < threshold ||
		!in.Unreachable[in.Status.ActiveProvider] || !EgressFailing(in) {
		return Decision{}, false
	}
	llm := configuredLLM(in)
	msg := fmt.Sprintf("%d of %d LLM providers are unreachable at once (%s): the operator's own egress (DNS, proxy, network policy) is failing; no provider is blamed",
		countUnreachable(in, llm), len(llm), joinNames(llm))
	d := Decision{To: in.Status.ActiveProvider, Reason: v1.LockEgressFailure, Message: msg, EgressFailing: true}
	if listed(in.Spec, v1.ProviderBaseline) {
		d.Move, d.To = true, v1.ProviderBaseline
	} else {
		d.Record, d.Stranded = true, msg // no move, but the audit trail says why nothing moves
	}
	return d, true
}

// egressRestored returns the lock, after an egress failure, to the best
// LLM provider a probe has reached since, whatever spec.failback says. The
// egress failure ends when that is the first LLM provider; until then a
// probe that reaches a higher one brings the lock up again, and on an LLM
// provider the other rules apply meanwhile.
func egressRestored(in Input) (Decision, bool) {
	since := in.Status.EgressFailingSince
	if since == nil {
		return Decision{}, false
	}
	for i, p := range configuredLLM(in) {
		if !Eligible(in, p) || !probedSince(in.Status, p, since.Time) {
			continue
		}
		if p == in.Status.ActiveProvider && i > 0 {
			break // the best one reachable serves already
		}
		return Decision{Move: true, Record: true, To: p, Reason: v1.LockEgressRestored,
			EgressFailing: i > 0, Message: fmt.Sprintf("a probe reached %s again after the egress failure that began %s",
				p, since.UTC().Format(time.RFC3339))}, true
	}
	return Decision{To: in.Status.ActiveProvider, EgressFailing: true}, in.Status.ActiveProvider == v1.ProviderBaseline
}

// EgressFailing reports whether most configured LLM providers (at least
// two) are unreachable.
func EgressFailing(in Input) bool {
	llm := configuredLLM(in)
	return len(llm) >= 2 && 2*countUnreachable(in, llm) > len(llm)
}

// configuredLLM lists the providers other than baseline that are
// configured, in priority order.
func configuredLLM(in Input) []v1.ProviderName {
	var out []v1.ProviderName
	for _, p := range in.Spec.Providers {
		if _, bad := in.Unconfigured[p.Name]; !bad && p.Name != v1.ProviderBaseline {
			out = append(out, p.Name)
		}
	}
	return out
}

func countUnreachable(in Input, names []v1.ProviderName) int {
	n := 0
	for _, name := range names {
		if in.Unreachable[name] {
			n++
		}
	}
	return n
}

func joinNames(names []v1.ProviderName) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = string(n)
	}
	return strings.Join(parts, ", ")
}

// rejected moves the lock at once when the active provider refused to serve.
func rejected(in Input) (Decision, bool) {
	if !in.Failures.Rejected {
		return Decision{}, false
	}
	return moveAway(in, v1.LockProviderRejected,
		fmt.Sprintf("%s refused to serve: %s", in.Status.ActiveProvider, in.Failures.Last))
}

// failureThreshold moves the lock when the active provider failed
// failureThreshold times since its last success, counted by CountFailures.
func failureThreshold(in Input) (Decision, bool) {
	threshold := max(in.Spec.FailureThreshold, 1)
	if in.Failures.Count < threshold {
		return Decision{}, false
	}
	return moveAway(in, v1.LockFailureThreshold,
		fmt.Sprintf("%s failed %s since its last success (threshold %d; %s); last: %s",
			in.Status.ActiveProvider, times(in.Failures.Count), threshold, in.Failures.Tally(), in.Failures.Last))
}

func times(n int32) string {
	if n == 1 {
		return "once"
	}
	return fmt.Sprintf("%d times", n)
}

// NeedsConfirmation reports whether the lock must confirm the active
// provider's failures with a completion probe before it blames the
// provider: some failures are counted, not yet enough, and fewer Forecasts
// have tried the provider since its last success than the threshold, so
// they alone may never reach it, or one tenant's data may be the cause.
func NeedsConfirmation(in Input) bool {
	threshold := max(in.Spec.FailureThreshold, 1)
	f := in.Failures
	return in.Status.ActiveProvider != "" && in.Status.ActiveProvider != v1.ProviderBaseline &&
		in.Status.Override == "" && in.Spec.Override == "" &&
		!f.Rejected && f.Count > 0 && f.Count < threshold && f.Attempted < threshold &&
		f.Forecasts+f.Probes > 0 // a rate-limited provider is not asked again before its wait
}

// failback returns the lock, with failback Automatic, to the first provider
// listed above the active one that has served its cooldown and passed a
// health probe since; never before that probe.
func failback(in Input) (Decision, bool) {
	if in.Spec.Failback != v1.FailbackAutomatic {
		return Decision{}, false
	}
	for _, p := range in.Spec.Providers {
		if p.Name == in.Status.ActiveProvider {
			return Decision{}, false
		}
		if Eligible(in, p.Name) && probedSinceCooldown(in.Status, p.Name) {
			return Decision{Move: true, To: p.Name, Reason: v1.LockFailback, Message: fmt.Sprintf(
				"%s passed a health probe after its cooldown and ranks above %s", p.Name, in.Status.ActiveProvider)}, true
		}
	}
	return Decision{}, false
}

// probedSince reports whether the provider's last probe succeeded after t.
func probedSince(st v1.ProviderLockStatus, name v1.ProviderName, t time.Time) bool {
	p := StatusOf(st, name)
	return p != nil && p.LastProbeTime != nil && p.State != v1.ProviderUnhealthy && p.LastProbeTime.After(t)
}

// probedSinceCooldown reports whether the provider's last probe succeeded
// and came after its cooldown ended (or it never had one).
func probedSinceCooldown(st v1.ProviderLockStatus, name v1.ProviderName) bool {
	p := StatusOf(st, name)
	if p == nil || p.LastProbeTime == nil || p.State == v1.ProviderUnhealthy {
		return false
	}
	return p.CooldownUntil == nil || p.LastProbeTime.After(p.CooldownUntil.Time)
}

// moveAway moves the lock to the first eligible provider other than the
// active one, or keeps it where it is, stranded, when there is none.
func moveAway(in Input, reason v1.LockChangeReason, msg string) (Decision, bool) {
	to, ok := FirstEligible(in, in.Status.ActiveProvider)
	if !ok {
		return Decision{To: in.Status.ActiveProvider, Stranded: msg}, true
	}
	return Decision{Move: true, To: to, Reason: reason, Message: msg}, true
}

// Demotes reports whether the move puts the provider it leaves in cooldown:
// it does when that provider failed, not when the lock moved by hand or
// because of the operator's own egress.
func (d Decision) Demotes() bool {
	return d.Move && (d.Reason == v1.LockFailureThreshold || d.Reason == v1.LockProviderRejected)
}

// FirstEligible returns the first provider in priority order that can take
// the lock, skipping exclude.
func FirstEligible(in Input, exclude v1.ProviderName) (v1.ProviderName, bool) {
	for _, p := range in.Spec.Providers {
		if p.Name != exclude && Eligible(in, p.Name) {
			return p.Name, true
		}
	}
	return "", false
}

// Eligible reports whether a provider may take the lock: configured, not
// cooling down, and not failing its health probes. Baseline, when listed, is
// always eligible: it needs no network and no key.
func Eligible(in Input, name v1.ProviderName) bool {
	if name == v1.ProviderBaseline {
		return true
	}
	if _, bad := in.Unconfigured[name]; bad {
		return false
	}
	st := StatusOf(in.Status, name)
	if st == nil {
		return true
	}
	if st.CooldownUntil != nil && in.Now.Before(st.CooldownUntil.Time) {
		return false
	}
	return st.State != v1.ProviderUnhealthy
}

// States returns every listed provider's state after the decision d.
func States(in Input, d Decision) []v1.ProviderStatus {
	out := make([]v1.ProviderStatus, 0, len(in.Spec.Providers))
	for _, p := range in.Spec.Providers {
		st := v1.ProviderStatus{Name: p.Name}
		if prev := StatusOf(in.Status, p.Name); prev != nil {
			st = *prev.DeepCopy()
		}
		st.State, st.Message = state(in, d, p.Name, st)
		st.PausedUntil = nil
		if until := in.Failures.PausedUntil; p.Name == d.To && d.To == in.Status.ActiveProvider && in.Now.Before(until) {
			st.PausedUntil = &metav1.Time{Time: until}
			st.Message = fmt.Sprintf("rate-limited: its gate is closed for every Forecast until %s (pause %d in a row; %d move the lock)",
				until.UTC().Format(time.RFC3339), in.Failures.Pauses, max(in.Spec.FailureThreshold, 1))
		}
		out = append(out, st)
	}
	return out
}

func state(in Input, d Decision, name v1.ProviderName, st v1.ProviderStatus) (v1.ProviderState, string) {
	switch reason, bad := in.Unconfigured[name]; {
	case name == d.To && bad && name != v1.ProviderBaseline:
		return v1.ProviderActive, "held by spec.override although unconfigured: " + reason
	case name == d.To:
		return v1.ProviderActive, ""
	case bad && name != v1.ProviderBaseline:
		return v1.ProviderUnconfigured, reason
	case st.CooldownUntil != nil && in.Now.Before(st.CooldownUntil.Time):
		return v1.ProviderCoolingDown, "cooling down until " + st.CooldownUntil.UTC().Format(time.RFC3339)
	case st.State == v1.ProviderUnhealthy:
		return v1.ProviderUnhealthy, st.Message
	default:
		return v1.ProviderStandby, ""
	}
}

// Summary describes every provider's state in one line, for conditions.
func Summary(states []v1.ProviderStatus) string {
	parts := make([]string, 0, len(states))
	for _, s := range states {
		part := fmt.Sprintf("%s: %s", s.Name, s.State)
		if s.Message != "" {
			part += " (" + s.Message + ")"
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, "; ")
}

func listed(spec v1.ProviderLockSpec, name v1.ProviderName) bool {
	return slices.ContainsFunc(spec.Providers, func(p v1.ProviderSpec) bool { return p.Name == name })
}

// StatusOf returns the status entry of a provider, or nil.
func StatusOf(st v1.ProviderLockStatus, name v1.ProviderName) *v1.ProviderStatus {
	for i := range st.Providers {
		if st.Providers[i].Name == name {
			return &st.Providers[i]
		}
	}
	return nil
}
