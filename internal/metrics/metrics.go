// Package metrics defines the operator's Prometheus series, registered on
// controller-runtime's registry and served on the manager's metrics
// endpoint. Labels hold provider names, outcomes and reasons only, never a
// key or a user's data.
package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	crmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

var (
	// ProviderRequests counts forecast calls by provider and outcome.
	ProviderRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bottleneck_provider_requests_total",
		Help: "Forecast requests sent to a provider, by provider and outcome (Succeeded, ProviderFailed, InvalidOutput, InvalidInput).",
	}, []string{"provider", "outcome"})

	// ProviderErrors counts failed calls by provider and reason.
	ProviderErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bottleneck_provider_errors_total",
		Help: "Failed forecast requests, by provider and reason (e.g. Timeout, RateLimited, Unauthorized, NoJSON).",
	}, []string{"provider", "reason"})

	// ProviderLatency observes how long calls take, answer normalization
	// included.
	ProviderLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "bottleneck_provider_request_duration_seconds",
		Help:    "Duration of forecast requests, by provider and outcome.",
		Buckets: []float64{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60},
	}, []string{"provider", "outcome"})

	// Failovers counts lock moves.
	Failovers = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bottleneck_lock_changes_total",
		Help: "ProviderLock moves, by the provider left (none for the first lock), the provider locked and the reason.",
	}, []string{"from", "to", "reason"})

	// Probes counts health probes by provider and result.
	Probes = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bottleneck_provider_probes_total",
		Help: "Health probes of a provider, by provider and result (Succeeded, Failed).",
	}, []string{"provider", "result"})

	// ProbeLatency observes how long health probes take.
	ProbeLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "bottleneck_provider_probe_duration_seconds",
		Help:    "Duration of health probes, by provider.",
		Buckets: []float64{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
	}, []string{"provider"})

	// StatusWriteFailures counts results the API server did not store.
	StatusWriteFailures = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bottleneck_forecast_status_write_failures_total",
		Help: "Forecast results whose status write failed, by the API server's reason (e.g. Invalid, Forbidden, Timeout). The result is kept and only the write is retried.",
	}, []string{"reason"})

	// Tokens counts the tokens the calls spent.
	Tokens = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bottleneck_provider_tokens_total",
		Help: "Tokens spent on forecast calls, by provider, the Forecast's namespace and kind (prompt, completion); estimated where a provider reports no usage.",
	}, []string{"provider", forecastNamespaceLabel, "kind"})

	// Cost counts what the calls cost, where the lock entry names a price.
	Cost = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bottleneck_provider_cost_total",
		Help: "Cost of forecast calls at the lock entry's spec.providers[].pricing (in the currency of that price), by provider and the Forecast's namespace.",
	}, []string{"provider", forecastNamespaceLabel})
)

// forecastNamespaceLabel names the Forecast's namespace on the usage series.
// It is not "namespace": Prometheus gives every scraped series its target's
// namespace (the operator's), which would rename ours exported_namespace.
const forecastNamespaceLabel = "forecast_namespace"

func init() {
	crmetrics.Registry.MustRegister(ProviderRequests, ProviderErrors, ProviderLatency, Probes, ProbeLatency,
		Failovers, StatusWriteFailures, Tokens, Cost)
}

// ObserveRequest records one forecast call.
func ObserveRequest(provider string, outcome v1.AttemptOutcome, reason string, took time.Duration) {
	ProviderRequests.WithLabelValues(provider, string(outcome)).Inc()
	ProviderLatency.WithLabelValues(provider, string(outcome)).Observe(took.Seconds())
	if outcome != v1.OutcomeSucceeded {
		ProviderErrors.WithLabelValues(provider, reason).Inc()
	}
}

// ObserveTokens records the tokens of one call, and its cost at the prices
// per million tokens (0 when none is named).
func ObserveTokens(provider, namespace string, prompt, completion int, promptPrice, completionPrice float64) {
	if prompt == 0 && completion == 0 {
		return
	}
	Tokens.WithLabelValues(provider, namespace, "prompt").Add(float64(prompt))
	Tokens.WithLabelValues(provider, namespace, "completion").Add(float64(completion))
	if promptPrice > 0 || completionPrice > 0 {
		Cost.WithLabelValues(provider, namespace).Add((float64(prompt)*promptPrice + float64(completion)*completionPrice) / 1e6)
	}
}

// ObserveProbe records one health probe.
func ObserveProbe(provider string, failed bool, took time.Duration) {
	result := "Succeeded"
	if failed {
		result = "Failed"
	}
	Probes.WithLabelValues(provider, result).Inc()
	ProbeLatency.WithLabelValues(provider).Observe(took.Seconds())
}

// ObserveLock records the lock's state.
func ObserveLock(lock *v1.ProviderLock) {
	lockSnapshot.Store(lock.Status.DeepCopy())
}

// ForgetLock drops the lock's series: the lock was deleted.
func ForgetLock() {
	lockSnapshot.Store(nil)
}

// forecastsDesc describes the Forecasts gauge the collector computes.
var (
	forecastsDesc = prometheus.NewDesc("bottleneck_forecasts",
		"Forecasts by risk level (empty before a first result) and Ready status.",
		[]string{"risk_level", "ready"}, nil)
	overdueDesc = prometheus.NewDesc("bottleneck_forecasts_overdue",
		"Forecasts, not suspended, whose nextRefreshAt has passed: their result is older than they asked for.", nil, nil)
	oldestOverdueDesc = prometheus.NewDesc("bottleneck_forecasts_overdue_max_seconds",
		"How long the most overdue Forecast's refresh is late (now less its nextRefreshAt); 0 when none is late.", nil, nil)
)

// ForecastCollector counts Forecasts by risk at scrape time, from the
// manager's cache: no bookkeeping that could drift.
type ForecastCollector struct {
	List func(context.Context) ([]v1.Forecast, error)
	// Now is the time refreshes are late against; time.Now when nil.
	Now func() time.Time
}

// Describe implements prometheus.Collector.
func (c ForecastCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- forecastsDesc
	ch <- overdueDesc
	ch <- oldestOverdueDesc
}

// Collect implements prometheus.Collector.
func (c ForecastCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	items, err := c.List(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(forecastsDesc, err)
		return
	}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	type key struct{ risk, ready string }
	counts := map[key]int{}
	overdue, latest := 0, time.Duration(0)
	for _, fc := range items {
		counts[key{string(fc.Status.RiskLevel), readyStatus(fc)}]++
		if late := lateBy(fc, now()); late > 0 {
			overdue++
			latest = max(latest, late)
		}
	}
	for k, n := range counts {
		ch <- prometheus.MustNewConstMetric(forecastsDesc, prometheus.GaugeValue, float64(n), k.risk, k.ready)
	}
	ch <- prometheus.MustNewConstMetric(overdueDesc, prometheus.GaugeValue, float64(overdue))
	ch <- prometheus.MustNewConstMetric(oldestOverdueDesc, prometheus.GaugeValue, latest.Seconds())
}

func readyStatus(fc v1.Forecast) string {
	for _, c := range fc.Status.Conditions {
		if c.Type == v1.ReadyCondition {
			return string(c.Status)
		}
	}
	return "False"
}

// lateBy is how long past its nextRefreshAt a Forecast is: its refresh
// has not succeeded since. Suspended Forecasts are never late.
func lateBy(fc v1.Forecast, now time.Time) time.Duration {
	if fc.Spec.Suspend || fc.Status.NextRefreshAt == nil {
		return 0
	}
	return max(now.Sub(fc.Status.NextRefreshAt.Time), 0)
}
