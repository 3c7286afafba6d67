package metrics

import (
	"context"
	"strings"
	"testing"
	"time"

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

func TestObserveLock(t *testing.T) {
	lock := &v1.ProviderLock{
		Spec:   v1.ProviderLockSpec{Providers: []v1.ProviderSpec{{Name: "openai"}, {Name: "baseline"}}},
		Status: v1.ProviderLockStatus{ActiveProvider: "baseline", Epoch: 4},
	}
	ObserveLock(lock)
	if testutil.ToFloat64(ActiveProvider.WithLabelValues("baseline")) != 1 || testutil.ToFloat64(ActiveProvider.WithLabelValues("openai")) != 0 {
		t.Error("only the active provider is 1")
	}
	if testutil.ToFloat64(Epoch) != 4 {
		t.Error("the epoch gauge must follow the lock")
	}
}

func TestForecastCollector(t *testing.T) {
	ready := []metav1.Condition{{Type: v1.ReadyCondition, Status: metav1.ConditionTrue}}
	items := []v1.Forecast{
		{Status: v1.ForecastStatus{RiskLevel: v1.RiskHigh, Conditions: ready}},
		{Status: v1.ForecastStatus{RiskLevel: v1.RiskHigh, Conditions: ready}},
		{Status: v1.ForecastStatus{RiskLevel: v1.RiskLow}},
	}
	c := ForecastCollector{List: func(context.Context) ([]v1.Forecast, error) { return items, nil }}
	want := `# HELP bottleneck_forecasts Forecasts by risk level (empty before a first result) and Ready status.
# TYPE bottleneck_forecasts gauge
bottleneck_forecasts{ready="False",risk_level="Low"} 1
bottleneck_forecasts{ready="True",risk_level="High"} 2
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
}
