package dashboard

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
)

var testScheme = runtime.NewScheme()

func init() {
	utilruntime.Must(clientgoscheme.AddToScheme(testScheme))
	utilruntime.Must(v1.AddToScheme(testScheme))
}

// now is the tests' clock.
var now = time.Date(2025, time.July, 1, 12, 0, 0, 0, time.UTC)

// secretValue must never appear in an answer.
const secretValue = "sk-do-not-show-this-key"

func mt(t time.Time) *metav1.Time { m := metav1.NewTime(t); return &m }

func ptrTo[T any](v T) *T { return &v }

// testLock is a lock that failed over from openai to gemini.
func testLock() *v1.ProviderLock {
	ref := func(name string) *v1.SecretKeyReference {
		return &v1.SecretKeyReference{Namespace: "bottleneck-system", Name: name, Key: "apiKey"}
	}
	return &v1.ProviderLock{
		ObjectMeta: metav1.ObjectMeta{Name: v1.ProviderLockName, Generation: 3},
		Spec: v1.ProviderLockSpec{
			Providers: []v1.ProviderSpec{
				{Name: v1.ProviderOpenAI, Model: "gpt-4o-mini", CredentialsRef: ref("openai-key")},
				{Name: v1.ProviderGemini, Model: "gemini-2.5-flash", CredentialsRef: ref("gemini-key")},
				{Name: v1.ProviderBaseline},
			},
			FailureThreshold: 3,
			Cooldown:         &metav1.Duration{Duration: 5 * time.Minute},
			Failback:         v1.FailbackManual,
		},
		Status: v1.ProviderLockStatus{
			ActiveProvider: v1.ProviderGemini, ActiveModel: "gemini-2.5-flash",
			LockedAt: mt(now.Add(-20 * time.Minute)), Epoch: 2, ConsecutiveFailures: 1,
			Providers: []v1.ProviderStatus{
				{Name: v1.ProviderOpenAI, State: v1.ProviderCoolingDown, LastError: "ServerError (HTTP 503): overloaded",
					CooldownUntil: mt(now.Add(-15 * time.Minute))},
				{Name: v1.ProviderGemini, State: v1.ProviderActive, LastProbeTime: mt(now.Add(-time.Minute)),
					LastProbeLatency: &metav1.Duration{Duration: 120 * time.Millisecond}},
				{Name: v1.ProviderBaseline, State: v1.ProviderStandby},
			},
			History: []v1.LockChange{
				{Time: metav1.NewTime(now.Add(-20 * time.Minute)), From: v1.ProviderOpenAI, To: v1.ProviderGemini, Epoch: 2,
					Reason: v1.LockFailureThreshold, Message: "openai failed 3 times since its last success (threshold 3)"},
				{Time: metav1.NewTime(now.Add(-2 * time.Hour)), To: v1.ProviderOpenAI, Epoch: 1,
					Reason: v1.LockInitial, Message: "openai is the first eligible provider"},
			},
			Conditions: []metav1.Condition{
				{Type: v1.ReadyCondition, Status: metav1.ConditionTrue, Reason: v1.ProviderLockedReason,
					LastTransitionTime: metav1.NewTime(now.Add(-2 * time.Hour))},
				{Type: v1.DegradedCondition, Status: metav1.ConditionTrue, Reason: v1.RunningOnFallbackReason,
					Message: "running on gemini, not openai", LastTransitionTime: metav1.NewTime(now.Add(-20 * time.Minute))},
			},
			ObservedGeneration: 3,
		},
	}
}

type forecastOption func(*v1.Forecast)

// testForecast is a Ready monthly forecast with six months of history,
// three predictions, the last above capacity 1200.
func testForecast(namespace, name, region string, opts ...forecastOption) *v1.Forecast {
	fc := &v1.Forecast{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name, Generation: 1,
			CreationTimestamp: metav1.NewTime(now.Add(-24 * time.Hour))},
		Spec: v1.ForecastSpec{
			Region: region, Subject: "container port throughput", Unit: "TEU", Period: v1.PeriodMonth, Horizon: 3,
			Capacity: ptrTo(v1.Decimal("1200")),
			History: []v1.DataPoint{{Period: "2025-01", Value: "900"}, {Period: "2025-02", Value: "950"},
				{Period: "2025-03", Value: "1000"}, {Period: "2025-04", Value: "1040"}, {Period: "2025-05", Value: "1100"},
				{Period: "2025-06", Value: "1150"}},
			RefreshInterval: &metav1.Duration{Duration: time.Hour},
		},
		Status: v1.ForecastStatus{
			ObservedGeneration: 1, Provider: v1.ProviderGemini, Model: "gemini-2.5-flash", LockEpoch: 2,
			GeneratedAt: mt(now.Add(-10 * time.Minute)), NextRefreshAt: mt(now.Add(50 * time.Minute)),
			InputHash: "abc123", RiskLevel: v1.RiskHigh, RiskScore: 72, Confidence: 64,
			Summary: "Throughput reaches capacity by September.",
			Predictions: []v1.Prediction{
				{Period: "2025-07", Value: "1180", Lower: "1120", Upper: "1240"},
				{Period: "2025-08", Value: "1195", Lower: "1110", Upper: "1280"},
				{Period: "2025-09", Value: "1230", Lower: "1120", Upper: "1340"},
			},
			Bottlenecks: []v1.Bottleneck{
				{Name: "berth capacity", Severity: v1.RiskHigh, Period: "2025-08", Description: "berths near full"},
				{Name: "capacity exceeded", Severity: v1.RiskCritical, Period: "2025-09", Description: "1230 TEU over 1200"},
			},
			LastAttempt: &v1.Attempt{Time: metav1.NewTime(now.Add(-10 * time.Minute)), Provider: v1.ProviderGemini, Epoch: 2,
				Outcome: v1.OutcomeSucceeded, Reason: v1.SucceededReason},
			Conditions: []metav1.Condition{{Type: v1.ReadyCondition, Status: metav1.ConditionTrue, Reason: v1.SucceededReason,
				Message: "risk High", LastTransitionTime: metav1.NewTime(now.Add(-10 * time.Minute))}},
		},
	}
	for _, o := range opts {
		o(fc)
	}
	return fc
}

func risk(level v1.RiskLevel, score int32) forecastOption {
	return func(fc *v1.Forecast) { fc.Status.RiskLevel, fc.Status.RiskScore = level, score }
}

func producedBy(p v1.ProviderName, epoch int64) forecastOption {
	return func(fc *v1.Forecast) { fc.Status.Provider, fc.Status.LockEpoch = p, epoch }
}

func bottlenecks(bs ...v1.Bottleneck) forecastOption {
	return func(fc *v1.Forecast) { fc.Status.Bottlenecks = bs }
}

// failing: the last attempt timed out and Ready is False.
func failing(reason, attemptReason, message string) forecastOption {
	return func(fc *v1.Forecast) {
		fc.Status.LastAttempt = &v1.Attempt{Time: metav1.NewTime(now.Add(-time.Minute)), Provider: v1.ProviderGemini,
			Epoch: 2, Outcome: v1.OutcomeProviderFailed, Reason: attemptReason, Message: message, ConsecutiveFailures: 2}
		fc.Status.Conditions = []metav1.Condition{{Type: v1.ReadyCondition, Status: metav1.ConditionFalse, Reason: reason,
			Message: "attempt 2 failed: " + message, LastTransitionTime: metav1.NewTime(now.Add(-3 * time.Minute))}}
	}
}

// staleBy: the refresh was due overdue ago.
func staleBy(overdue time.Duration) forecastOption {
	return func(fc *v1.Forecast) {
		fc.Status.NextRefreshAt = mt(now.Add(-overdue))
		fc.Status.GeneratedAt = mt(now.Add(-overdue - time.Hour))
	}
}

// pending: no result, no attempt yet.
func pending(fc *v1.Forecast) { fc.Status = v1.ForecastStatus{} }

func suspended(fc *v1.Forecast) { fc.Spec.Suspend = true }

func historyFrom(configMap string) forecastOption {
	return func(fc *v1.Forecast) {
		fc.Spec.History = nil
		fc.Spec.HistoryFrom = &v1.HistorySource{ConfigMapKeyRef: v1.ConfigMapKeyReference{Name: configMap, Key: "history.csv"}}
	}
}

// fixtures is a small cluster: the lock, seven Forecasts in every state,
// and a Secret whose content must never show.
//
//	ports/usa-teu    USA High 72      gemini   Ready   2 bottlenecks (High, Critical)
//	ports/deu-teu    DEU Low 20       gemini   Ready   none
//	energy/fra-load  FRA Critical 91  openai   Ready   1 (Critical)
//	energy/usa-load  USA Moderate 45  baseline Failing (ProviderFailed, Timeout)
//	energy/jpn-load  JPN (no result)           Pending
//	ports/chn-teu    CHN High 60      gemini   Stale   (due 1h ago)
//	ports/bra-teu    BRA Moderate 50  gemini   Suspended
func fixtures() []client.Object {
	return []client.Object{
		testLock(),
		testForecast("ports", "usa-teu", "USA"),
		testForecast("ports", "deu-teu", "DEU", risk(v1.RiskLow, 20), bottlenecks()),
		testForecast("energy", "fra-load", "FRA", risk(v1.RiskCritical, 91), producedBy(v1.ProviderOpenAI, 1),
			bottlenecks(v1.Bottleneck{Name: "peak load", Severity: v1.RiskCritical, Period: "2025-07"})),
		testForecast("energy", "usa-load", "USA", risk(v1.RiskModerate, 45), producedBy(v1.ProviderBaseline, 2),
			bottlenecks(), failing(v1.ProviderFailedReason, "Timeout", "gemini: request timed out after 30s")),
		testForecast("energy", "jpn-load", "JPN", pending),
		testForecast("ports", "chn-teu", "CHN", risk(v1.RiskHigh, 60), staleBy(time.Hour),
			bottlenecks(v1.Bottleneck{Name: "yard space", Severity: v1.RiskModerate, Period: "2025-08"})),
		testForecast("ports", "bra-teu", "BRA", risk(v1.RiskModerate, 50), suspended, bottlenecks()),
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "bottleneck-system", Name: "gemini-key"},
			Data: map[string][]byte{"apiKey": []byte(secretValue)}},
	}
}

func newFakeReader(objs ...client.Object) client.Reader {
	return fake.NewClientBuilder().WithScheme(testScheme).WithObjects(objs...).Build()
}

// newTestHandler serves objs at the tests' now.
func newTestHandler(objs ...client.Object) http.Handler {
	return New(newFakeReader(objs...), Options{Clock: clocktesting.NewFakePassiveClock(now)})
}

func get(t *testing.T, h http.Handler, target string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return rec
}

// getJSON asserts a JSON answer with the given status and decodes it.
func getJSON[T any](t *testing.T, h http.Handler, target string, status int) T {
	t.Helper()
	rec := get(t, h, target)
	if rec.Code != status {
		t.Fatalf("GET %s: status %d, want %d; body: %s", target, rec.Code, status, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("GET %s: Content-Type %q, want application/json", target, ct)
	}
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("GET %s: decoding %s: %v", target, rec.Body, err)
	}
	return v
}
