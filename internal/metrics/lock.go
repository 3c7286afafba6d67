package metrics

import (
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	crmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

var (
	activeProviderDesc = prometheus.NewDesc("bottleneck_lock_active_provider",
		"1 for the provider the ProviderLock holds, 0 for every other listed provider.",
		[]string{"provider"}, nil)
	epochDesc = prometheus.NewDesc("bottleneck_lock_epoch",
		"The ProviderLock's epoch: it increases by one on every lock change.", nil, nil)
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

// lockCollector reports the last observed lock: its epoch, active provider,
// conditions and provider states. A provider removed from the lock leaves
// with its series. A replica that has not reconciled the lock (a follower)
// reports none, so no series is counted twice.
type lockCollector struct{}

func init() { crmetrics.Registry.MustRegister(lockCollector{}) }

// Describe implements prometheus.Collector.
func (lockCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- activeProviderDesc
	ch <- epochDesc
	ch <- lockConditionDesc
	ch <- providerStateDesc
}

// Collect implements prometheus.Collector.
func (lockCollector) Collect(ch chan<- prometheus.Metric) {
	st := lockSnapshot.Load()
	if st == nil {
		return
	}
	ch <- prometheus.MustNewConstMetric(epochDesc, prometheus.GaugeValue, float64(st.Epoch))
	for _, c := range st.Conditions {
		ch <- prometheus.MustNewConstMetric(lockConditionDesc, prometheus.GaugeValue, 1, c.Type, string(c.Status), c.Reason)
	}
	for _, p := range st.Providers {
		ch <- prometheus.MustNewConstMetric(activeProviderDesc, prometheus.GaugeValue, gaugeBool(p.Name == st.ActiveProvider), string(p.Name))
		for _, s := range providerStates {
			ch <- prometheus.MustNewConstMetric(providerStateDesc, prometheus.GaugeValue, gaugeBool(p.State == s), string(p.Name), string(s))
		}
	}
}

// gaugeBool is a gauge's 1 for true and 0 for false.
func gaugeBool(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
