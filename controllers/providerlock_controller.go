package controllers

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/failover"
	"github.com/bottleneck-io/bottleneck-operator/internal/metrics"
	"github.com/bottleneck-io/bottleneck-operator/internal/providers"
)

// ProviderLockReconciler keeps the ProviderLock `default` pointing at one
// usable provider. It is the only writer of the lock's status, and writes it
// with optimistic concurrency, so two replicas can never both move the lock.
type ProviderLockReconciler struct {
	client.Client
	Credentials Credentials
	// NewProvider builds the clients the health monitor probes.
	NewProvider func(providers.Config) (providers.Provider, error)
	Recorder    events.EventRecorder
	Clock       clock.PassiveClock

	probes probeLog
	// attempts is every Forecast's last attempt, kept by the Forecast
	// watch's handler, so that counting failures does not list them all.
	attempts *failover.Attempts
}

// Reconcile decides where the lock must be and records it.
func (r *ProviderLockReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	lock := &v1.ProviderLock{}
	if err := r.Get(ctx, req.NamespacedName, lock); err != nil {
		if apierrors.IsNotFound(err) && req.Name == v1.ProviderLockName {
			metrics.ForgetLock() // its series go with it
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if lock.Name != v1.ProviderLockName || !lock.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil // admission refuses any other name
	}

	in, err := r.observe(ctx, lock)
	if err != nil {
		return ctrl.Result{}, err
	}
	decision := failover.Decide(in)
	if err := r.record(ctx, lock, in, decision); err != nil {
		return ctrl.Result{}, err
	}
	in.Status = lock.Status
	next := untilCooldownEnds(lock.Status, in.Now)
	if p := failover.StatusOf(lock.Status, lock.Status.ActiveProvider); p != nil && p.PausedUntil != nil {
		if d := p.PausedUntil.Sub(in.Now); d > 0 && (next == 0 || d < next) {
			next = d // to say when the pause is over
		}
	}
	if probe := r.untilNextProbe(lock, in); probe > 0 && (next == 0 || probe < next) {
		next = probe
	}
	return ctrl.Result{RequeueAfter: next}, nil
}

// observe gathers what the decision depends on: the providers that cannot
// be used, the Forecasts' last attempts, and the probes, running those that
// are due (on their cadence, to confirm failures, or to tell an outage of
// the operator's own network from the provider's).
func (r *ProviderLockReconciler) observe(ctx context.Context, lock *v1.ProviderLock) (failover.Input, error) {
	bad, err := r.Credentials.Unconfigured(ctx, lock.Spec)
	if err != nil {
		return failover.Input{}, err
	}
	attempts := r.attempts.Recent(lock.Status, lock.UID)
	observed := *lock.Status.DeepCopy()
	now := r.Clock.Now()
	if healthInterval(lock) == 0 {
		forgetStaleProbes(&observed, now)
	}
	applyProbes(&observed, r.probes.unwritten(lock))
	in := r.input(lock, observed, bad, attempts, now)
	if due := r.probesDue(lock, in); len(due) > 0 {
		results := r.probeAll(ctx, due)
		r.probes.record(lock, results)
		applyProbes(&observed, results)
		in = r.input(lock, observed, bad, attempts, r.Clock.Now())
	}
	return in, nil
}

// record writes the status the decision leads to, in one update guarded by
// the resourceVersion, and announces a move.
func (r *ProviderLockReconciler) record(ctx context.Context, lock *v1.ProviderLock, in failover.Input, d failover.Decision) error {
	status := nextLockStatus(lock, in, d)
	if !equality.Semantic.DeepEqual(status, lock.Status) {
		from := lock.Status.ActiveProvider
		lock.Status = status
		// Update, not Patch: the resourceVersion makes a concurrent writer fail.
		if err := r.Status().Update(ctx, lock); err != nil {
			return fmt.Errorf("updating the lock's status: %w", err)
		}
		if d.Move || d.Record {
			r.recordMove(ctx, lock, from, d)
		}
	}
	metrics.ObserveLock(lock)
	return nil
}

// input gathers the facts a decision depends on.
func (r *ProviderLockReconciler) input(lock *v1.ProviderLock, st v1.ProviderLockStatus, bad map[v1.ProviderName]string,
	attempts []v1.Attempt, now time.Time) failover.Input {
	return failover.Input{Spec: lock.Spec, Status: st, Unconfigured: bad, Now: now,
		Failures:    failover.CountFailures(st, lock.UID, attempts),
		Unreachable: failover.Unreachable(st, lock.UID, attempts, now)}
}

// untilCooldownEnds is when the next cooldown ends (and the provider becomes
// eligible again), or 0 when none is running.
func untilCooldownEnds(st v1.ProviderLockStatus, now time.Time) time.Duration {
	var next time.Duration
	for _, p := range st.Providers {
		if p.CooldownUntil != nil && p.CooldownUntil.After(now) {
			if d := p.CooldownUntil.Sub(now); next == 0 || d < next {
				next = d
			}
		}
	}
	return next
}

func (r *ProviderLockReconciler) recordMove(ctx context.Context, lock *v1.ProviderLock, from v1.ProviderName, d failover.Decision) {
	eventType := corev1.EventTypeNormal
	if d.Demotes() || d.Reason == v1.LockEgressFailure {
		eventType = corev1.EventTypeWarning
	}
	if from == "" {
		from = "none"
	}
	if d.Move {
		metrics.Failovers.WithLabelValues(string(from), string(d.To), string(d.Reason)).Inc()
	}
	what := fmt.Sprintf("lock moved from %s to %s", from, d.To)
	if !d.Move {
		what = fmt.Sprintf("%s keeps the lock", d.To)
	}
	r.Recorder.Eventf(lock, nil, eventType, string(d.Reason), "MoveLock",
		"%s (epoch %d): %s", what, lock.Status.Epoch, d.Message)
	ctrl.LoggerFrom(ctx).Info(what, "from", from, "to", d.To, "epoch", lock.Status.Epoch, "reason", d.Reason)
}

// nextLockStatus applies the decision to a copy of the lock's status.
func nextLockStatus(lock *v1.ProviderLock, in failover.Input, d failover.Decision) v1.ProviderLockStatus {
	st := *in.Status.DeepCopy()
	now := metav1.NewTime(in.Now)
	st.ConsecutiveFailures = in.Failures.Count
	if d.Move {
		if d.Demotes() {
			until := metav1.NewTime(in.Now.Add(durationOr(lock.Spec.Cooldown, 5*time.Minute)))
			demote(&st, st.ActiveProvider, until, in.Failures.Last)
		}
		st.Epoch++
		st.ActiveProvider = d.To
		st.LockedAt = &now
		st.ConsecutiveFailures = 0
	}
	if d.Move || d.Record {
		st.History = append([]v1.LockChange{{
			Time: now, From: in.Status.ActiveProvider, To: d.To, Epoch: st.Epoch, Reason: d.Reason, Message: truncate(d.Message, 1024),
		}}, st.History...)
	}
	st.Override = lock.Spec.Override
	switch {
	case !d.EgressFailing:
		st.EgressFailingSince = nil
	case st.EgressFailingSince == nil:
		st.EgressFailingSince = &now
	}
	if limit := int(lock.Spec.HistoryLimit); limit > 0 && len(st.History) > limit {
		st.History = st.History[:limit]
	}
	in.Status = st // the states below see the cooldown
	st.ActiveModel = activeModel(lock.Spec, st.ActiveProvider)
	st.Providers = failover.States(in, d)
	setLockConditions(&st, lock, d)
	st.ObservedGeneration = lock.Generation
	return st
}

// demote puts a provider that lost the lock by failing into cooldown.
func demote(st *v1.ProviderLockStatus, name v1.ProviderName, until metav1.Time, lastError string) {
	p := providerEntry(st, name)
	p.CooldownUntil, p.LastError = &until, truncate(lastError, 1024)
}

// providerEntry returns the status entry of a provider, adding it if
// missing.
func providerEntry(st *v1.ProviderLockStatus, name v1.ProviderName) *v1.ProviderStatus {
	if p := failover.StatusOf(*st, name); p != nil {
		return p
	}
	st.Providers = append(st.Providers, v1.ProviderStatus{Name: name})
	return &st.Providers[len(st.Providers)-1]
}

func activeModel(spec v1.ProviderLockSpec, active v1.ProviderName) string {
	p, ok := providerSpec(spec, active)
	if !ok {
		return ""
	}
	if p.Model != "" {
		return p.Model
	}
	return providers.DefaultModel(string(p.Name))
}

func providerSpec(spec v1.ProviderLockSpec, name v1.ProviderName) (v1.ProviderSpec, bool) {
	for _, p := range spec.Providers {
		if p.Name == name {
			return p, true
		}
	}
	return v1.ProviderSpec{}, false
}

func setLockConditions(st *v1.ProviderLockStatus, lock *v1.ProviderLock, d failover.Decision) {
	summary := failover.Summary(st.Providers)
	set := func(t string, s metav1.ConditionStatus, reason, msg string) {
		apimeta.SetStatusCondition(&st.Conditions, metav1.Condition{
			Type: t, Status: s, Reason: reason, Message: msg, ObservedGeneration: lock.Generation})
	}
	if st.ActiveProvider == "" {
		msg := "no provider is eligible: " + summary
		set(v1.ReadyCondition, metav1.ConditionFalse, v1.NoEligibleProviderReason, msg)
		set(v1.DegradedCondition, metav1.ConditionTrue, v1.NoEligibleProviderReason, msg)
		return
	}
	set(v1.ReadyCondition, metav1.ConditionTrue, v1.ProviderLockedReason,
		fmt.Sprintf("%s serves every request (epoch %d)", st.ActiveProvider, st.Epoch))
	if d.OverrideIneligible != "" {
		set(v1.DegradedCondition, metav1.ConditionTrue, v1.OverrideIneligibleReason, fmt.Sprintf(
			"spec.override holds the lock on %s, which is not eligible (%s): its calls fail until it is fixed or spec.override is removed",
			st.ActiveProvider, d.OverrideIneligible))
		return
	}
	if st.EgressFailingSince != nil {
		set(v1.DegradedCondition, metav1.ConditionTrue, v1.EgressFailureReason, fmt.Sprintf(
			"most LLM providers have been unreachable since %s: the operator's own egress (DNS, proxy, network policy) is failing, so no provider is blamed; %s serves, and the lock returns to the first LLM provider a probe reaches (%s)",
			st.EgressFailingSince.UTC().Format(time.RFC3339), st.ActiveProvider, summary))
		return
	}
	if d.Stranded != "" {
		set(v1.DegradedCondition, metav1.ConditionTrue, v1.NoEligibleProviderReason,
			fmt.Sprintf("%s keeps the lock: no other provider is eligible (%s); %s", st.ActiveProvider, summary, d.Stranded))
		return
	}
	if primary := lock.Spec.Providers[0].Name; st.ActiveProvider != primary {
		set(v1.DegradedCondition, metav1.ConditionTrue, v1.RunningOnFallbackReason,
			fmt.Sprintf("serving from %s, not the first listed provider %s: %s", st.ActiveProvider, primary, summary))
		return
	}
	set(v1.DegradedCondition, metav1.ConditionFalse, v1.PrimaryProviderReason,
		fmt.Sprintf("serving from the first listed provider, %s", st.ActiveProvider))
}

// SetupWithManager registers the controller. It watches the Secrets of the
// credentials namespace, so that a provider whose key appears, changes or
// goes away is re-assessed at once, and the Forecasts, whose last attempts
// are the failure counts.
func (r *ProviderLockReconciler) SetupWithManager(mgr ctrl.Manager) error {
	r.attempts = failover.NewAttempts()
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1.ProviderLock{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(r.lockReading)).
		Watches(&v1.Forecast{}, attemptTally{r.attempts}).
		Named("providerlock").
		Complete(r)
}

// lockReading maps a Secret to the lock when the lock reads it.
func (r *ProviderLockReconciler) lockReading(ctx context.Context, secret client.Object) []reconcile.Request {
	lock := &v1.ProviderLock{}
	if err := r.Get(ctx, client.ObjectKey{Name: v1.ProviderLockName}, lock); err != nil || !references(lock.Spec, secret) {
		return nil
	}
	return []reconcile.Request{{NamespacedName: client.ObjectKeyFromObject(lock)}}
}
