package metrics

import (
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	crmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

var (
	lockConditionDesc = prometheus.NewDesc("bottleneck_lock_condition",
		"1 for each condition of the ProviderLock, with its status and reason (e.g. Degraded True RunningOnFallback); "+
			"reported by the replica that reconciles the lock.",
		[]string{"type", "status", "reason"}, nil)
	providerStateDesc = prometheus.NewDesc("bottleneck_provider_state",
		"1 for the state a listed provider is in (Active, Standby, Unhealthy, CoolingDown, Unconfigured), 0 for the others.",
		[]string{"provider", "state"}, nil)
)

// providerStates are every ProviderState, so that each provider has a
// series per state and an alert on `== 1` never waits for a series to
// appear.
var providerStates = []v1.ProviderState{v1.ProviderActive, v1.ProviderStandby, v1.ProviderUnhealthy,
	v1.ProviderCoolingDown, v1.ProviderUnconfigured}

// lockSnapshot is the lock status ObserveLock saw last; scrapes read it
// whole, so a series never shows half of two states.
var lockSnapshot atomic.Pointer[v1.ProviderLockStatus]

// lockCollector reports the conditions and provider states of the last
// observed lock. A replica that has not reconciled the lock (a follower)
// reports none, so no series is counted twice.
type lockCollector struct{}

func init() { crmetrics.Registry.MustRegister(lockCollector{}) }

// Describe implements prometheus.Collector.
func (lockCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- lockConditionDesc
	ch <- providerStateDesc
}

// Collect implements prometheus.Collector.
func (lockCollector) Collect(ch chan<- prometheus.Metric) {
	st := lockSnapshot.Load()
	if st == nil {
		return
	}
	for _, c := range st.Conditions {
		ch <- prometheus.MustNewConstMetric(lockConditionDesc, prometheus.GaugeValue, 1, c.Type, string(c.Status), c.Reason)
	}
	for _, p := range st.Providers {
		for _, s := range providerStates {
			held := 0.0
			if p.State == s {
				held = 1
			}
			ch <- prometheus.MustNewConstMetric(providerStateDesc, prometheus.GaugeValue, held, string(p.Name), string(s))
		}
	}
}
