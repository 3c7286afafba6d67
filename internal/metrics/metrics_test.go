package metrics

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

func TestObserveRequest(t *testing.T) {
	ObserveRequest("groq", v1.OutcomeProviderFailed, "RateLimited", 2*time.Second)
	ObserveRequest("groq", v1.OutcomeSucceeded, "Succeeded", time.Second)
	if got := testutil.ToFloat64(ProviderRequests.WithLabelValues("groq", "ProviderFailed")); got != 1 {
		t.Errorf("failed requests = %v, want 1", got)
	}
	if got := testutil.ToFloat64(ProviderErrors.WithLabelValues("groq", "RateLimited")); got != 1 {
		t.Errorf("errors = %v, want 1", got)
	}
	if got := testutil.ToFloat64(ProviderErrors.WithLabelValues("groq", "Succeeded")); got != 0 {
		t.Errorf("a success is not an error")
	}
}

func TestObserveProbe(t *testing.T) {
	ObserveProbe("gemini", true, 30*time.Millisecond)
	ObserveProbe("gemini", false, 20*time.Millisecond)
	ObserveProbe("gemini", false, 10*time.Millisecond)
	if got := testutil.ToFloat64(Probes.WithLabelValues("gemini", "Failed")); got != 1 {
		t.Errorf("failed probes = %v, want 1", got)
	}
	if got := testutil.ToFloat64(Probes.WithLabelValues("gemini", "Succeeded")); got != 2 {
		t.Errorf("good probes = %v, want 2", got)
	}
	if n := testutil.CollectAndCount(ProbeLatency, "bottleneck_provider_probe_duration_seconds"); n != 1 {
		t.Errorf("one latency series per provider, got %d", n)
	}
}

// The usage series name the Forecast's namespace forecast_namespace: a
// series' own "namespace" label would be renamed exported_namespace by
// Prometheus, which sets the target's.
func TestObserveTokensLabelsTheForecastNamespace(t *testing.T) {
	Tokens.Reset()
	Cost.Reset()
	ObserveTokens("cloudflare", "team-a", 1200, 300, 0.5, 2)
	ObserveTokens("cloudflare", "team-b", 0, 0, 0.5, 2) // no usage: no series
	want := `# HELP bottleneck_provider_cost_total Cost of forecast calls at the lock entry's spec.providers[].pricing (in the currency of that price), by provider and the Forecast's namespace.
# TYPE bottleneck_provider_cost_total counter
bottleneck_provider_cost_total{forecast_namespace="team-a",provider="cloudflare"} 0.0012
# HELP bottleneck_provider_tokens_total Tokens spent on forecast calls, by provider, the Forecast's namespace and kind (prompt, completion); estimated where a provider reports no usage.
# TYPE bottleneck_provider_tokens_total counter
bottleneck_provider_tokens_total{forecast_namespace="team-a",kind="completion",provider="cloudflare"} 300
bottleneck_provider_tokens_total{forecast_namespace="team-a",kind="prompt",provider="cloudflare"} 1200
`
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(Tokens, Cost)
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
}

func TestObserveLock(t *testing.T) {
	observe := func(epoch int64, active v1.ProviderName, listed ...v1.ProviderName) {
		st := v1.ProviderLockStatus{ActiveProvider: active, Epoch: epoch}
		for _, name := range listed {
			st.Providers = append(st.Providers, v1.ProviderStatus{Name: name})
		}
		ObserveLock(&v1.ProviderLock{Status: st})
	}
	const help = `# HELP bottleneck_lock_active_provider 1 for the provider the ProviderLock holds, 0 for every other listed provider.
# TYPE bottleneck_lock_active_provider gauge
# HELP bottleneck_lock_epoch The ProviderLock's epoch: it increases by one on every lock change.
# TYPE bottleneck_lock_epoch gauge
`
	observe(4, "baseline", "openai", "baseline")
	want := help + `bottleneck_lock_active_provider{provider="baseline"} 1
bottleneck_lock_active_provider{provider="openai"} 0
bottleneck_lock_epoch 4
`
	if err := testutil.CollectAndCompare(lockCollector{}, strings.NewReader(want), "bottleneck_lock_active_provider", "bottleneck_lock_epoch"); err != nil {
		t.Error(err)
	}
	// openai is taken out of the lock: its series goes with it.
	observe(5, "gemini", "gemini", "baseline")
	want = help + `bottleneck_lock_active_provider{provider="baseline"} 0
bottleneck_lock_active_provider{provider="gemini"} 1
bottleneck_lock_epoch 5
`
	if err := testutil.CollectAndCompare(lockCollector{}, strings.NewReader(want), "bottleneck_lock_active_provider", "bottleneck_lock_epoch"); err != nil {
		t.Error(err)
	}
	// The lock is deleted: none of its series stays.
	ForgetLock()
	if n := testutil.CollectAndCount(lockCollector{}); n != 0 {
		t.Errorf("%d lock series after the lock was deleted, want none", n)
	}
}

func TestForecastCollector(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *metav1.Time { return &metav1.Time{Time: now.Add(d)} }
	ready := []metav1.Condition{{Type: v1.ReadyCondition, Status: metav1.ConditionTrue}}
	items := []v1.Forecast{
		{Status: v1.ForecastStatus{RiskLevel: v1.RiskHigh, Conditions: ready, NextRefreshAt: at(time.Hour)}},
		{Status: v1.ForecastStatus{RiskLevel: v1.RiskHigh, Conditions: ready, NextRefreshAt: at(-90 * time.Second)}},
		{Status: v1.ForecastStatus{RiskLevel: v1.RiskLow, NextRefreshAt: at(-40 * time.Minute)}},
		// Suspended: its old result is what its owner asked for.
		{Spec: v1.ForecastSpec{Suspend: true}, Status: v1.ForecastStatus{NextRefreshAt: at(-5 * time.Hour)}},
	}
	c := ForecastCollector{List: func(context.Context) ([]v1.Forecast, error) { return items, nil }, Now: func() time.Time { return now }}
	want := `# HELP bottleneck_forecasts Forecasts by risk level (empty before a first result) and Ready status.
# TYPE bottleneck_forecasts gauge
bottleneck_forecasts{ready="False",risk_level=""} 1
bottleneck_forecasts{ready="False",risk_level="Low"} 1
bottleneck_forecasts{ready="True",risk_level="High"} 2
# HELP bottleneck_forecasts_overdue Forecasts, not suspended, whose nextRefreshAt has passed: their result is older than they asked for.
# TYPE bottleneck_forecasts_overdue gauge
bottleneck_forecasts_overdue 2
# HELP bottleneck_forecasts_overdue_max_seconds How long the most overdue Forecast's refresh is late (now less its nextRefreshAt); 0 when none is late.
# TYPE bottleneck_forecasts_overdue_max_seconds gauge
bottleneck_forecasts_overdue_max_seconds 2400
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
}

func TestLockCollector(t *testing.T) {
	ObserveLock(&v1.ProviderLock{
		Spec: v1.ProviderLockSpec{Providers: []v1.ProviderSpec{{Name: "openai"}, {Name: "baseline"}}},
		Status: v1.ProviderLockStatus{ActiveProvider: "baseline", Epoch: 2,
			Conditions: []metav1.Condition{
				{Type: v1.ReadyCondition, Status: metav1.ConditionTrue, Reason: v1.ProviderLockedReason},
				{Type: v1.DegradedCondition, Status: metav1.ConditionTrue, Reason: v1.RunningOnFallbackReason},
			},
			Providers: []v1.ProviderStatus{{Name: "openai", State: v1.ProviderCoolingDown}, {Name: "baseline", State: v1.ProviderActive}},
		},
	})
	want := `# HELP bottleneck_lock_condition 1 for each condition of the ProviderLock, with its status and reason (e.g. Degraded True RunningOnFallback); reported by the replica that reconciles the lock.
# TYPE bottleneck_lock_condition gauge
bottleneck_lock_condition{reason="ProviderLocked",status="True",type="Ready"} 1
bottleneck_lock_condition{reason="RunningOnFallback",status="True",type="Degraded"} 1
`
	if err := testutil.CollectAndCompare(lockCollector{}, strings.NewReader(want), "bottleneck_lock_condition"); err != nil {
		t.Error(err)
	}
	want = `# HELP bottleneck_provider_state 1 for the state a listed provider is in (Active, Standby, Unhealthy, CoolingDown, Unconfigured), 0 for the others.
# TYPE bottleneck_provider_state gauge
bottleneck_provider_state{provider="baseline",state="Active"} 1
bottleneck_provider_state{provider="baseline",state="CoolingDown"} 0
bottleneck_provider_state{provider="baseline",state="Standby"} 0
bottleneck_provider_state{provider="baseline",state="Unconfigured"} 0
bottleneck_provider_state{provider="baseline",state="Unhealthy"} 0
bottleneck_provider_state{provider="openai",state="Active"} 0
bottleneck_provider_state{provider="openai",state="CoolingDown"} 1
bottleneck_provider_state{provider="openai",state="Standby"} 0
bottleneck_provider_state{provider="openai",state="Unconfigured"} 0
bottleneck_provider_state{provider="openai",state="Unhealthy"} 0
`
	if err := testutil.CollectAndCompare(lockCollector{}, strings.NewReader(want), "bottleneck_provider_state"); err != nil {
		t.Error(err)
	}
}
