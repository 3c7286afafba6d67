package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bottleneck-io/bottleneck-operator/internal/gate"
)

var (
	gateInFlightDesc = prometheus.NewDesc("bottleneck_gate_in_flight",
		"Calls in flight through a provider's gate.", []string{"provider"}, nil)
	gateQueuedDesc = prometheus.NewDesc("bottleneck_gate_queued",
		"Forecast calls waiting at a provider's gate.", []string{"provider"}, nil)
	gatePausedDesc = prometheus.NewDesc("bottleneck_gate_paused_seconds",
		"Seconds until a provider's rate-limit pause ends; 0 when its gate is open.", []string{"provider"}, nil)
	gateLimitDesc = prometheus.NewDesc("bottleneck_gate_limit",
		"A provider gate's limits in force (0: none), by kind: max_concurrent, requests_per_minute, tokens_per_minute.",
		[]string{"provider", "kind"}, nil)
)

// GateCollector reports each provider gate's state at scrape time.
type GateCollector struct {
	Gates func() []*gate.Gate
	Now   func() time.Time
}

// Describe implements prometheus.Collector.
func (c GateCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- gateInFlightDesc
	ch <- gateQueuedDesc
	ch <- gatePausedDesc
	ch <- gateLimitDesc
}

// Collect implements prometheus.Collector.
func (c GateCollector) Collect(ch chan<- prometheus.Metric) {
	now := c.Now()
	for _, g := range c.Gates() {
		s, name := g.Stats(), g.Name()
		ch <- prometheus.MustNewConstMetric(gateInFlightDesc, prometheus.GaugeValue, float64(s.InFlight), name)
		ch <- prometheus.MustNewConstMetric(gateQueuedDesc, prometheus.GaugeValue, float64(s.Queued), name)
		ch <- prometheus.MustNewConstMetric(gatePausedDesc, prometheus.GaugeValue, max(s.PausedUntil.Sub(now).Seconds(), 0), name)
		for kind, v := range map[string]int{"max_concurrent": s.Limits.MaxConcurrent,
			"requests_per_minute": s.Limits.RequestsPerMinute, "tokens_per_minute": s.Limits.TokensPerMinute} {
			ch <- prometheus.MustNewConstMetric(gateLimitDesc, prometheus.GaugeValue, float64(v), name, kind)
		}
	}
}
