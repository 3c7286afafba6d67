package controllers

import (
	"context"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/failover"
	"github.com/bottleneck-io/bottleneck-operator/internal/metrics"
	"github.com/bottleneck-io/bottleneck-operator/internal/providers"
)

// probeTimeout bounds one health probe when the provider entry has no
// shorter timeout.
const probeTimeout = 10 * time.Second

// probeKind is what a probe exercises.
type probeKind int

const (
	// probeModels is the cheap health probe: a model-list call.
	probeModels probeKind = iota
	// probeCompletion sends a minimal completion (capped output tokens),
	// to confirm the active provider's failures before blaming it.
	probeCompletion
)

// Probe cadences when the health monitor is off (healthCheck.interval 0):
// a confirmation of the active provider's failures, and the probes that
// watch for the operator's egress to come back. With the monitor on, its
// interval is the cadence of both.
const (
	confirmEvery = time.Minute
	restoreEvery = 30 * time.Second
)

// probeResult is the outcome of one provider's probe.
type probeResult struct {
	name    v1.ProviderName
	kind    probeKind
	at      time.Time
	latency time.Duration
	err     error
}

// probeLog remembers this replica's last probe of each provider of a lock
// (by the lock's UID: a lock deleted and created again starts afresh). The
// lock's status records the probes too, but a reconcile may read a status
// from a cache that has not seen the last update yet, or lose its update to
// a conflict; the log keeps such a reconcile from probing again, and gives
// it the results to write.
type probeLog struct {
	mu   sync.Mutex
	last map[probeKey]probeResult
	// confirmed is when each provider's last completion probe ran: the
	// first confirmation of a failure runs at once, the next one a cadence
	// later.
	confirmed map[probeKey]time.Time
}

type probeKey struct {
	lock types.UID
	name v1.ProviderName
}

// latest returns the newest probe of a provider this replica knows of:
// from its log, or from the lock's status.
func (l *probeLog) latest(lock *v1.ProviderLock, name v1.ProviderName) (probeResult, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	res, ok := l.last[probeKey{lock.UID, name}]
	// The status keeps whole seconds: a probe it shows at the same second is
	// the one in the log.
	if p := failover.StatusOf(lock.Status, name); p != nil && p.LastProbeTime != nil &&
		(!ok || !p.LastProbeTime.Time.Before(res.at.Truncate(time.Second))) {
		return probeResult{name: name, at: p.LastProbeTime.Time}, false
	}
	return res, ok
}

func (l *probeLog) record(lock *v1.ProviderLock, results []probeResult) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.last == nil {
		l.last, l.confirmed = map[probeKey]probeResult{}, map[probeKey]time.Time{}
	}
	for _, r := range results {
		l.last[probeKey{lock.UID, r.name}] = r
		if r.kind == probeCompletion {
			l.confirmed[probeKey{lock.UID, r.name}] = r.at
		}
	}
}

// cadence is how often a provider is probed now, and with which kind of
// probe; 0 when it is not probed. Probing is driven by time alone, not by
// how often the lock is reconciled, so a thousand Forecasts cost no extra
// probes.
func cadence(lock *v1.ProviderLock, in failover.Input, name v1.ProviderName) (time.Duration, probeKind) {
	if _, bad := in.Unconfigured[name]; bad || name == v1.ProviderBaseline {
		return 0, probeModels
	}
	interval := healthInterval(lock)
	or := func(d time.Duration) time.Duration {
		if interval > 0 {
			return interval
		}
		return d
	}
	switch {
	case name == in.Status.ActiveProvider && failover.NeedsConfirmation(in):
		return or(confirmEvery), probeCompletion
	case in.Status.EgressFailingSince != nil:
		return or(restoreEvery), probeModels
	}
	return interval, probeModels
}

// needsEvidence reports whether a provider must be probed now because the
// active provider's latest failure never reached it: the lock must know
// whether the others are unreachable too (the operator's own egress)
// before it blames the provider, so their probes must be newer than that
// failure.
func (r *ProviderLockReconciler) needsEvidence(lock *v1.ProviderLock, in failover.Input, name v1.ProviderName) bool {
	if _, bad := in.Unconfigured[name]; bad || name == v1.ProviderBaseline || name == in.Status.ActiveProvider ||
		in.Failures.LastClass != v1.ClassUnreachable || in.Failures.Count == 0 || in.Status.EgressFailingSince != nil {
		return false
	}
	// Status times have whole seconds: a probe in the same second as the
	// failure may have come before it.
	return !r.probes.lastRun(lock, name, probeModels).Truncate(time.Second).After(in.Failures.LastTime)
}

// plannedProbe is a probe that is due.
type plannedProbe struct {
	spec v1.ProviderSpec
	kind probeKind
}

// probesDue lists the probes whose cadence has come round.
func (r *ProviderLockReconciler) probesDue(lock *v1.ProviderLock, in failover.Input) []plannedProbe {
	var due []plannedProbe
	for _, p := range lock.Spec.Providers {
		every, kind := cadence(lock, in, p.Name)
		if r.needsEvidence(lock, in, p.Name) {
			due = append(due, plannedProbe{spec: p, kind: probeModels})
			continue
		}
		if every == 0 {
			continue
		}
		if last := r.probes.lastRun(lock, p.Name, kind); !in.Now.Before(last.Add(every)) {
			due = append(due, plannedProbe{spec: p, kind: kind})
		}
	}
	return due
}

// untilNextProbe is when the next probe is due, or 0 when none will be.
func (r *ProviderLockReconciler) untilNextProbe(lock *v1.ProviderLock, in failover.Input) time.Duration {
	var next time.Duration
	for _, p := range lock.Spec.Providers {
		every, kind := cadence(lock, in, p.Name)
		if every == 0 {
			continue
		}
		last := r.probes.lastRun(lock, p.Name, kind)
		if d := max(last.Add(every).Sub(in.Now), time.Second); next == 0 || d < next {
			next = d
		}
	}
	return next
}

func healthInterval(lock *v1.ProviderLock) time.Duration {
	if hc := lock.Spec.HealthCheck; hc != nil && hc.Interval != nil {
		return hc.Interval.Duration
	}
	return 0
}

// lastRun is when a provider was last probed with a probe of kind k.
func (l *probeLog) lastRun(lock *v1.ProviderLock, name v1.ProviderName, k probeKind) time.Time {
	if k == probeCompletion {
		l.mu.Lock()
		defer l.mu.Unlock()
		return l.confirmed[probeKey{lock.UID, name}]
	}
	last, _ := l.latest(lock, name)
	return last.at
}

// unwritten returns the probes this replica remembers that the lock's
// status does not show yet (an earlier update lost to a conflict, or a
// cache behind it).
func (l *probeLog) unwritten(lock *v1.ProviderLock) []probeResult {
	var out []probeResult
	for _, p := range lock.Spec.Providers {
		if res, fromLog := l.latest(lock, p.Name); fromLog {
			out = append(out, res)
		}
	}
	return out
}

// probeAll runs the planned probes at once and waits for all of them.
func (r *ProviderLockReconciler) probeAll(ctx context.Context, due []plannedProbe) []probeResult {
	results := make([]probeResult, len(due))
	var wg sync.WaitGroup
	for i, p := range due {
		wg.Go(func() {
			results[i] = r.probeOne(ctx, p)
		})
	}
	wg.Wait()
	return results
}

func (r *ProviderLockReconciler) probeOne(ctx context.Context, planned plannedProbe) probeResult {
	p := planned.spec
	res := probeResult{name: p.Name, kind: planned.kind}
	timeout := min(durationOr(p.Timeout, probeTimeout), probeTimeout)
	key, err := r.Credentials.APIKey(ctx, p)
	var client providers.Provider
	if err == nil {
		client, err = r.NewProvider(providers.Config{Name: string(p.Name), Model: p.Model, BaseURL: p.BaseURL,
			AccountID: p.AccountID, APIKey: key, Timeout: timeout})
	}
	start := time.Now()
	if err == nil {
		probeCtx, cancel := context.WithTimeout(ctx, timeout)
		if planned.kind == probeCompletion {
			err = client.ProbeCompletion(probeCtx)
		} else {
			err = client.Probe(probeCtx)
		}
		cancel()
	}
	res.at, res.latency, res.err = r.Clock.Now(), time.Since(start), err
	metrics.ObserveProbe(string(p.Name), err != nil, res.latency)
	return res
}

// applyProbes writes probe results into the status the decision reads: a
// failed probe makes the provider Unhealthy (not eligible) and, for the
// active provider, counts as a failure; a good one clears both, and a good
// completion probe also confirms that the provider answers, so that
// Forecast failures before it are not counted.
func applyProbes(st *v1.ProviderLockStatus, results []probeResult) {
	for _, res := range results {
		p := providerEntry(st, res.name)
		at := metav1.NewTime(res.at)
		p.LastProbeTime, p.LastProbeLatency = &at, &metav1.Duration{Duration: res.latency.Round(time.Millisecond)}
		if res.err != nil {
			what := "health probe"
			if res.kind == probeCompletion {
				what = "completion probe"
			}
			p.State, p.Message = v1.ProviderUnhealthy, truncate(what+" failed: "+res.err.Error(), 1024)
			p.LastError = truncate(res.err.Error(), 1024)
			p.LastProbeClass = v1.FailureClass(providers.Classify(string(res.name), res.err).Class)
			if p.LastProbeClass != v1.ClassRateLimited { // a pause, not a failure
				p.ProbeFailures++
			}
			continue
		}
		p.ProbeFailures, p.LastProbeClass = 0, ""
		if res.kind == probeCompletion {
			p.LastConfirmedTime = &at
		}
		if p.State == v1.ProviderUnhealthy {
			p.State, p.Message = v1.ProviderStandby, ""
		}
	}
}

// forgetStaleProbes clears, while the health monitor is off, the verdicts
// of probes older than twice the confirmation cadence, so that no provider
// stays Unhealthy, or its failed probes counted, on an old verdict; the
// probes that still run without the monitor (confirmation, egress) keep
// theirs.
func forgetStaleProbes(st *v1.ProviderLockStatus, now time.Time) {
	for i := range st.Providers {
		p := &st.Providers[i]
		if p.LastProbeTime != nil && now.Sub(p.LastProbeTime.Time) < 2*confirmEvery {
			continue
		}
		p.ProbeFailures, p.LastProbeClass = 0, ""
		if p.State == v1.ProviderUnhealthy {
			p.State, p.Message = v1.ProviderStandby, ""
		}
	}
}
