package dashboard

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

func TestSummary(t *testing.T) {
	h := newTestHandler(fixtures()...)
	s := getJSON[Summary](t, h, "/api/v1/summary", http.StatusOK)

	if s.Total != 7 || !s.GeneratedAt.Equal(now) || s.ListLimit != summaryListLimit {
		t.Errorf("total %d generatedAt %v listLimit %d", s.Total, s.GeneratedAt, s.ListLimit)
	}
	wantRisk := map[string]int{"Low": 1, "Moderate": 2, "High": 2, "Critical": 1, "None": 1}
	if !maps.Equal(s.ByRisk, wantRisk) {
		t.Errorf("byRisk = %v, want %v", s.ByRisk, wantRisk)
	}
	wantProvider := map[string]int{"openai": 1, "gemini": 4, "groq": 0, "cloudflare": 0, "huggingface": 0, "baseline": 1, "none": 1}
	if !maps.Equal(s.ByProvider, wantProvider) {
		t.Errorf("byProvider = %v, want %v", s.ByProvider, wantProvider)
	}
	wantState := map[string]int{"Ready": 3, "Failing": 1, "Stale": 1, "Pending": 1, "Suspended": 1}
	if !maps.Equal(s.ByState, wantState) {
		t.Errorf("byState = %v, want %v", s.ByState, wantState)
	}
	if !maps.Equal(s.FailingByReason, map[string]int{"ProviderFailed": 1}) {
		t.Errorf("failingByReason = %v", s.FailingByReason)
	}

	// Critical bottlenecks first, the riskier forecast first among equals.
	var top []string
	for _, b := range s.TopBottlenecks {
		top = append(top, b.Forecast.Namespace+"/"+b.Forecast.Name+":"+b.Name+":"+b.Severity)
	}
	wantTop := []string{"energy/fra-load:peak load:Critical", "ports/usa-teu:capacity exceeded:Critical",
		"ports/usa-teu:berth capacity:High", "ports/chn-teu:yard space:Moderate"}
	if !slices.Equal(top, wantTop) {
		t.Errorf("topBottlenecks = %v, want %v", top, wantTop)
	}
	if b := s.TopBottlenecks[1]; b.Forecast.Region != "USA" || b.RiskLevel != "High" || b.RiskScore != 72 || b.Period != "2025-09" || b.Description == "" {
		t.Errorf("second bottleneck = %+v", b)
	}

	if len(s.Failing) != 1 || s.Failing[0].Forecast.Name != "usa-load" || s.Failing[0].Reason != "ProviderFailed" ||
		s.Failing[0].AttemptReason != "Timeout" || !strings.Contains(s.Failing[0].Message, "timed out") {
		t.Errorf("failing = %+v", s.Failing)
	}
	if len(s.Stale) != 1 || s.Stale[0].Forecast.Name != "chn-teu" || s.Stale[0].OverdueSeconds != 3600 || s.Stale[0].NextRefreshAt == nil {
		t.Errorf("stale = %+v", s.Stale)
	}
}

func TestSummaryTop(t *testing.T) {
	h := newTestHandler(fixtures()...)
	s := getJSON[Summary](t, h, "/api/v1/summary?top=2", http.StatusOK)
	if len(s.TopBottlenecks) != 2 || s.TopBottlenecks[0].Name != "peak load" {
		t.Errorf("top=2 gave %+v", s.TopBottlenecks)
	}
	for _, bad := range []string{"0", "101", "x"} {
		body := getJSON[ErrorBody](t, h, "/api/v1/summary?top="+bad, http.StatusBadRequest)
		if body.Error.Parameter != "top" {
			t.Errorf("top=%s: %+v", bad, body.Error)
		}
	}
}

func TestSummaryEmptyCluster(t *testing.T) {
	s := getJSON[Summary](t, newTestHandler(), "/api/v1/summary", http.StatusOK)
	if s.Total != 0 || s.ByRisk["None"] != 0 || len(s.ByRisk) != 5 || len(s.ByProvider) != 7 || len(s.ByState) != 5 {
		t.Errorf("summary = %+v", s)
	}
	if s.TopBottlenecks == nil || s.Failing == nil || s.Stale == nil || s.FailingByReason == nil {
		t.Errorf("lists must be [] and maps {} in JSON, not null: %+v", s)
	}
}

// The failing and stale lists are bounded; the counts are not.
func TestSummaryListsAreBounded(t *testing.T) {
	var objs []client.Object
	for i := range 30 {
		objs = append(objs, testForecast("ns", fmt.Sprintf("failing-%02d", i), "USA", failing(v1.NoActiveProviderReason, "", "no provider")))
		objs = append(objs, testForecast("ns", fmt.Sprintf("stale-%02d", i), "USA", staleBy(time.Duration(i+1)*time.Hour)))
	}
	s := getJSON[Summary](t, newTestHandler(objs...), "/api/v1/summary", http.StatusOK)
	if s.ByState["Failing"] != 30 || s.ByState["Stale"] != 30 || s.FailingByReason["NoActiveProvider"] != 30 {
		t.Errorf("byState %v failingByReason %v", s.ByState, s.FailingByReason)
	}
	if len(s.Failing) != summaryListLimit || s.Failing[0].Forecast.Name != "failing-00" || s.Failing[19].Forecast.Name != "failing-19" {
		t.Errorf("failing: %d entries from %s to %s, want the first %d by name", len(s.Failing), s.Failing[0].Forecast.Name,
			s.Failing[len(s.Failing)-1].Forecast.Name, summaryListLimit)
	}
	if len(s.Stale) != summaryListLimit || s.Stale[0].Forecast.Name != "stale-29" || s.Stale[0].OverdueSeconds != 30*3600 {
		t.Errorf("stale: %d entries, first %+v; want the most overdue first", len(s.Stale), s.Stale[0])
	}
}

func TestAssess(t *testing.T) {
	a := assessor{now: now, grace: 5 * time.Minute}
	notReady := func(reason string) forecastOption {
		return func(fc *v1.Forecast) {
			fc.Status.Conditions = []metav1.Condition{{Type: v1.ReadyCondition, Status: metav1.ConditionFalse, Reason: reason,
				Message: reason + " message", LastTransitionTime: metav1.NewTime(now.Add(-time.Minute))}}
		}
	}
	for _, tc := range []struct {
		name          string
		opts          []forecastOption
		state, reason string
	}{
		{"ready", nil, StateReady, ""},
		{"due within the grace", []forecastOption{staleBy(4 * time.Minute)}, StateReady, ""},
		{"due past the grace", []forecastOption{staleBy(6 * time.Minute)}, StateStale, ""},
		{"no nextRefreshAt: generatedAt plus refreshInterval", []forecastOption{func(fc *v1.Forecast) {
			fc.Status.NextRefreshAt, fc.Status.GeneratedAt = nil, mt(now.Add(-2*time.Hour))
		}}, StateStale, ""},
		{"failed attempt", []forecastOption{failing(v1.ProviderFailedReason, "RateLimited", "429")}, StateFailing, v1.ProviderFailedReason},
		{"waiting for a provider", []forecastOption{notReady(v1.NoActiveProviderReason)}, StateFailing, v1.NoActiveProviderReason},
		{"stalled on bad input", []forecastOption{notReady(v1.InvalidInputReason)}, StateFailing, v1.InvalidInputReason},
		{"waiting for a rate-limit pause is not failing", []forecastOption{failing(v1.RateLimitedReason, "RateLimited", "429")}, StateReady, ""},
		{"waiting for a pause with an old result", []forecastOption{staleBy(time.Hour), failing(v1.RateLimitedReason, "RateLimited", "429")}, StateStale, ""},
		{"waiting for a pause without a result", []forecastOption{pending, notReady(v1.RateLimitedReason)}, StatePending, ""},
		{"failed attempt without a Ready condition", []forecastOption{func(fc *v1.Forecast) {
			fc.Status.Conditions = nil
			fc.Status.LastAttempt = &v1.Attempt{Time: metav1.NewTime(now), Outcome: v1.OutcomeInvalidOutput, Reason: "NoJSON", Provider: v1.ProviderGroq}
		}}, StateFailing, string(v1.OutcomeInvalidOutput)},
		{"pending", []forecastOption{pending}, StatePending, ""},
		{"suspended wins over failing", []forecastOption{suspended, failing(v1.ProviderFailedReason, "Timeout", "x")}, StateSuspended, ""},
		{"failing wins over stale", []forecastOption{staleBy(time.Hour), failing(v1.ProviderFailedReason, "Timeout", "x")}, StateFailing, v1.ProviderFailedReason},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := a.assess(testForecast("ns", "fc", "USA", tc.opts...))
			if got.state != tc.state {
				t.Errorf("state = %s, want %s", got.state, tc.state)
			}
			switch {
			case tc.reason == "" && got.failure != nil:
				t.Errorf("failure = %+v, want none", got.failure)
			case tc.reason != "" && (got.failure == nil || got.failure.Reason != tc.reason):
				t.Errorf("failure = %+v, want reason %s", got.failure, tc.reason)
			}
		})
	}
}

func TestTopN(t *testing.T) {
	values := rand.New(rand.NewPCG(1, 2)).Perm(1000)
	top := newTopN(10, func(a, b int) bool { return a > b })
	for _, v := range values {
		top.offer(v)
	}
	if got, want := top.sorted(), []int{999, 998, 997, 996, 995, 994, 993, 992, 991, 990}; !slices.Equal(got, want) {
		t.Errorf("top 10 = %v, want %v", got, want)
	}
	none := newTopN(0, func(a, b int) bool { return a > b })
	none.offer(1)
	if len(none.sorted()) != 0 {
		t.Error("a top 0 kept a value")
	}
}
