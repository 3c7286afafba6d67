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

// probeResult is the outcome of one provider's probe.
type probeResult struct {
	name    v1.ProviderName
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
	if p := failover.StatusOf(lock.Status, name); p != nil && p.LastProbeTime != nil && (!ok || p.LastProbeTime.After(res.at)) {
		return probeResult{name: name, at: p.LastProbeTime.Time}, false
	}
	return res, ok
}

func (l *probeLog) record(lock *v1.ProviderLock, results []probeResult) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.last == nil {
		l.last = map[probeKey]probeResult{}
	}
	for _, r := range results {
		l.last[probeKey{lock.UID, r.name}] = r
	}
}

// probesDue lists the configured providers whose last probe is at least one
// interval old. Probing is driven by the interval alone, not by how often
// the lock is reconciled, so a thousand Forecasts cost no extra probes.
func (r *ProviderLockReconciler) probesDue(lock *v1.ProviderLock, unconfigured map[v1.ProviderName]string, now time.Time) []v1.ProviderSpec {
	interval := healthInterval(lock)
	if interval == 0 {
		return nil
	}
	var due []v1.ProviderSpec
	for _, p := range lock.Spec.Providers {
		if _, bad := unconfigured[p.Name]; bad || p.Name == v1.ProviderBaseline {
			continue
		}
		if last, _ := r.probes.latest(lock, p.Name); !now.Before(last.at.Add(interval)) {
			due = append(due, p)
		}
	}
	return due
}

func healthInterval(lock *v1.ProviderLock) time.Duration {
	if hc := lock.Spec.HealthCheck; hc != nil && hc.Interval != nil {
		return hc.Interval.Duration
	}
	return 0
}

// probe probes the providers that are due, and returns every result the
// lock's status does not show yet: the new ones and those remembered from an
// earlier reconcile whose status update did not land.
func (r *ProviderLockReconciler) probe(ctx context.Context, lock *v1.ProviderLock, unconfigured map[v1.ProviderName]string) []probeResult {
	r.probes.record(lock, r.probeAll(ctx, r.probesDue(lock, unconfigured, r.Clock.Now())))
	var unwritten []probeResult
	for _, p := range lock.Spec.Providers {
		if res, fromLog := r.probes.latest(lock, p.Name); fromLog {
			unwritten = append(unwritten, res)
		}
	}
	return unwritten
}

// probeAll calls Probe on each provider at once and waits for all of them.
func (r *ProviderLockReconciler) probeAll(ctx context.Context, due []v1.ProviderSpec) []probeResult {
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

func (r *ProviderLockReconciler) probeOne(ctx context.Context, p v1.ProviderSpec) probeResult {
	res := probeResult{name: p.Name}
	key, err := r.Credentials.APIKey(ctx, p)
	var client providers.Provider
	if err == nil {
		client, err = r.NewProvider(providers.Config{Name: string(p.Name), Model: p.Model, BaseURL: p.BaseURL,
			AccountID: p.AccountID, APIKey: key, Timeout: min(durationOr(p.Timeout, probeTimeout), probeTimeout)})
	}
	start := time.Now()
	if err == nil {
		probeCtx, cancel := context.WithTimeout(ctx, min(durationOr(p.Timeout, probeTimeout), probeTimeout))
		err = client.Probe(probeCtx)
		cancel()
	}
	res.at, res.latency, res.err = r.Clock.Now(), time.Since(start), err
	metrics.ObserveProbe(string(p.Name), err != nil, res.latency)
	return res
}

// applyProbes writes probe results into the status the decision reads: a
// failed probe makes the provider Unhealthy (not eligible) and, for the
// active provider, counts as a failure; a good one clears both.
func applyProbes(st *v1.ProviderLockStatus, results []probeResult) {
	for _, res := range results {
		p := providerEntry(st, res.name)
		at := metav1.NewTime(res.at)
		p.LastProbeTime, p.LastProbeLatency = &at, &metav1.Duration{Duration: res.latency.Round(time.Millisecond)}
		if res.err != nil {
			p.State, p.Message = v1.ProviderUnhealthy, truncate("health probe failed: "+res.err.Error(), 1024)
			p.LastError = truncate(res.err.Error(), 1024)
			p.ProbeFailures++
			continue
		}
		p.ProbeFailures = 0
		if p.State == v1.ProviderUnhealthy {
			p.State, p.Message = v1.ProviderStandby, ""
		}
	}
}

// forgetProbes clears what the health monitor concluded once it is off, so
// that no provider stays Unhealthy, or its failed probes counted, on an old
// verdict.
func forgetProbes(st *v1.ProviderLockStatus) {
	for i := range st.Providers {
		st.Providers[i].ProbeFailures = 0
		if st.Providers[i].State == v1.ProviderUnhealthy {
			st.Providers[i].State, st.Providers[i].Message = v1.ProviderStandby, ""
		}
	}
}

// untilNextProbe is when the next probe is due, or 0 when probing is off.
func untilNextProbe(lock *v1.ProviderLock, now time.Time) time.Duration {
	interval := healthInterval(lock)
	if interval == 0 {
		return 0
	}
	next := interval
	for _, p := range lock.Status.Providers {
		if p.LastProbeTime != nil {
			if d := p.LastProbeTime.Add(interval).Sub(now); d > 0 && d < next {
				next = d
			}
		}
	}
	return next
}
