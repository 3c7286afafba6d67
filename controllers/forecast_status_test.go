package controllers

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
	"github.com/bottleneck-io/bottleneck-operator/internal/providers"
)

func TestDecimal(t *testing.T) {
	tests := map[float64]v1.Decimal{
		0: "0", 4812.345678: "4812.35", 1234567.89: "1234570", 0.00123456789: "0.00123457",
		-3.5: "-3.5", 100: "100", 0.93: "0.93", 123456789012345: "123457000000000",
		1e15: "1e+15", 1.234567e32: "1.23457e+32", -1.5e300: "-1.5e+300", math.MaxFloat64: "1.79769e+308",
	}
	pattern := regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$`) // v1.Decimal's
	for _, v := range []float64{1e32, -1e40, math.MaxFloat64, math.SmallestNonzeroFloat64, -1e-9, 123.456} {
		if d := decimal(v); len(d) > 32 || !pattern.MatchString(string(d)) {
			t.Errorf("decimal(%v) = %q: not a valid v1.Decimal", v, d)
		}
	}
	for in, want := range tests {
		if got := decimal(in); got != want {
			t.Errorf("decimal(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestRetryDelay(t *testing.T) {
	tests := []struct {
		n        int32
		hint     time.Duration
		want     time.Duration
		wantNote string
	}{
		{1, 0, 10 * time.Second, ""},
		{2, 0, 20 * time.Second, ""},
		{4, 0, 80 * time.Second, ""},
		{7, 0, 10 * time.Minute, ""},
		{40, 0, 10 * time.Minute, ""},
		{1, 90 * time.Second, 90 * time.Second, ""},
		{5, 90 * time.Second, 160 * time.Second, ""},
		{1, 365 * 24 * time.Hour, time.Hour, " (the provider asked to wait 8760h0m0s; waits are capped at 1h0m0s)"},
	}
	for _, tt := range tests {
		if got, note := retryDelay(tt.n, tt.hint); got != tt.want || note != tt.wantNote {
			t.Errorf("retryDelay(%d, %s) = %s %q, want %s %q", tt.n, tt.hint, got, note, tt.want, tt.wantNote)
		}
	}
}

func TestFailureOf(t *testing.T) {
	tests := []struct {
		err        error
		wantClass  v1.FailureClass
		wantReason string
	}{
		{&providers.Error{Class: providers.Transient, Reason: "Timeout"}, v1.ClassTransient, "Timeout"},
		{&providers.Error{Class: providers.Unreachable, Reason: "ConnectionFailed"}, v1.ClassUnreachable, "ConnectionFailed"},
		{&providers.Error{Class: providers.RateLimited, Reason: "RateLimited"}, v1.ClassRateLimited, "RateLimited"},
		{&providers.Error{Class: providers.Rejected, Reason: "Unauthorized"}, v1.ClassRejected, "Unauthorized"},
		{&providers.Error{Class: providers.RequestCaused, Reason: "BadRequest"}, v1.ClassRequestCaused, "BadRequest"},
		{&providers.Error{Class: providers.InvalidOutput, Reason: "Truncated"}, v1.ClassInvalidOutput, "Truncated"},
		{&engine.Error{Reason: engine.ReasonNoJSON}, v1.ClassInvalidOutput, "NoJSON"},
		{&engine.Error{Reason: engine.ReasonSchemaViolation}, v1.ClassInvalidOutput, "SchemaViolation"},
		// An answer that contradicts the data is the provider not doing its job.
		{&engine.Error{Reason: engine.ReasonImplausibleOutput}, v1.ClassInvalidOutput, "ImplausibleOutput"},
		{fmt.Errorf("normalize: %w", &engine.Error{Reason: engine.ReasonImplausibleOutput}), v1.ClassInvalidOutput, "ImplausibleOutput"},
		{&engine.Error{Reason: engine.ReasonInvalidInput}, v1.ClassInvalidInput, "InvalidInput"},
	}
	for _, tt := range tests {
		f := failureOf(tt.err)
		if f == nil || f.class != tt.wantClass || f.reason != tt.wantReason {
			t.Errorf("failureOf(%v) = %+v, want %s/%s", tt.err, f, tt.wantClass, tt.wantReason)
		}
	}
	if f := failureOf(errors.New("etcdserver: request timed out")); f != nil {
		t.Errorf("an API server error is no provider failure: %+v", f)
	}
}

func TestNewAttempt(t *testing.T) {
	tg := target{spec: v1.ProviderSpec{Name: "groq"}, epoch: 4, lockUID: "lock-1"}
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	fail := &failure{class: v1.ClassTransient, reason: "ServerError", message: "groq: ServerError (HTTP 503)"}
	var a *v1.Attempt
	for want := int32(1); want <= 3; want++ {
		a, _ = newAttempt(a, tg, "h1", now, fail)
		if a.ConsecutiveFailures != want {
			t.Fatalf("after %d failures ConsecutiveFailures = %d", want, a.ConsecutiveFailures)
		}
	}
	if a.Provider != "groq" || a.Epoch != 4 || a.LockUID != "lock-1" || a.InputHash != "h1" || a.Class != v1.ClassTransient ||
		a.Outcome != v1.OutcomeProviderFailed || a.RetryAt == nil || !a.RetryAt.Time.Equal(now.Add(40*time.Second)) {
		t.Errorf("lastAttempt = %+v, want groq's third failure with a retry 40s later", a)
	}
	other := tg
	other.lockUID = "lock-2"
	if b, _ := newAttempt(a, other, "h1", now, fail); b.ConsecutiveFailures != 1 {
		t.Errorf("a streak does not carry over to another lock incarnation: %d", b.ConsecutiveFailures)
	}
	refused := &failure{class: v1.ClassRequestCaused, reason: "BadRequest", message: "bad"}
	if b, _ := newAttempt(nil, tg, "h1", now, refused); b.RetryAt != nil {
		t.Errorf("a refused request is not retried, so it has no retryAt: %+v", b)
	}
	if b, _ := newAttempt(a, tg, "h1", now, nil); b.ConsecutiveFailures != 0 || b.Outcome != v1.OutcomeSucceeded || b.Class != "" || b.RetryAt != nil {
		t.Errorf("a success must reset the attempt: %+v", b)
	}
}

func TestHeld(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	tg := target{spec: v1.ProviderSpec{Name: "openai"}, epoch: 2, lockUID: "lock-1"}
	later := metav1.NewTime(now.Add(time.Minute))
	earlier := metav1.NewTime(now.Add(-time.Second))
	tests := []struct {
		name    string
		attempt v1.Attempt
		hash    string
		t       target
		want    state
		held    bool
	}{
		{"a retryAt to come holds", v1.Attempt{Provider: "openai", LockUID: "lock-1", Class: v1.ClassTransient, RetryAt: &later}, "h", tg, backingOff, true},
		{"a retryAt passed does not", v1.Attempt{Provider: "openai", LockUID: "lock-1", Class: v1.ClassTransient, RetryAt: &earlier}, "h", tg, 0, false},
		{"another provider starts afresh", v1.Attempt{Provider: "gemini", LockUID: "lock-1", Class: v1.ClassTransient, RetryAt: &later}, "h", tg, 0, false},
		{"another lock starts afresh", v1.Attempt{Provider: "openai", LockUID: "lock-0", Class: v1.ClassTransient, RetryAt: &later}, "h", tg, 0, false},
		{"a refused request stays refused for the same inputs", v1.Attempt{Provider: "openai", LockUID: "lock-1", Class: v1.ClassRequestCaused, InputHash: "h"}, "h", tg, stalled, true},
		{"new inputs are sent", v1.Attempt{Provider: "openai", LockUID: "lock-1", Class: v1.ClassRequestCaused, InputHash: "h"}, "h2", tg, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fc := &v1.Forecast{Status: v1.ForecastStatus{LastAttempt: &tt.attempt}}
			out, ok := held(fc, tt.t, tt.hash, now)
			if ok != tt.held || (ok && out.state != tt.want) {
				t.Fatalf("held() = %+v, %v; want state %v, %v", out, ok, tt.want, tt.held)
			}
			if ok && out.attempt != nil {
				t.Errorf("a held Forecast records no new attempt")
			}
		})
	}
}

func TestFreshUntil(t *testing.T) {
	generated := metav1.NewTime(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC))
	fc := &v1.Forecast{
		Spec: v1.ForecastSpec{RefreshInterval: &metav1.Duration{Duration: 2 * time.Hour}},
		Status: v1.ForecastStatus{InputHash: "abc", GeneratedAt: &generated,
			Predictions: []v1.Prediction{{Period: "2026-01", Value: "1", Lower: "1", Upper: "1"}}},
	}
	if next, ok := freshUntil(fc, "abc"); !ok || !next.Equal(generated.Add(refreshAfter(fc))) {
		t.Errorf("freshUntil = %v, %v; want generatedAt + the jittered refreshInterval", next, ok)
	}
	if _, ok := freshUntil(fc, "changed"); ok {
		t.Error("a result for other inputs is not fresh")
	}
	fc.Status.Predictions = nil
	if _, ok := freshUntil(fc, "abc"); ok {
		t.Error("no result is not fresh")
	}
}

// TestRefreshJitter: 500 Forecasts applied together refresh spread over
// ±10% of their interval, each always at the same offset.
func TestRefreshJitter(t *testing.T) {
	perMinute := map[time.Duration]int{}
	var sum, sumSq float64
	for i := range 500 {
		fc := &v1.Forecast{ObjectMeta: metav1.ObjectMeta{UID: types.UID(fmt.Sprintf("5f0c6f3e-%04d-4b1e-9a57-0d3c2b1a%04d", i, i))}}
		d := refreshAfter(fc)
		if d != refreshAfter(fc) {
			t.Fatal("the jitter must be the same for one UID every time")
		}
		if d < 54*time.Minute || d > 66*time.Minute {
			t.Fatalf("refresh after %s, want within ±10%% of 1h", d)
		}
		perMinute[d.Truncate(time.Minute)]++
		off := (d - time.Hour).Minutes()
		sum, sumSq = sum+off, sumSq+off*off
	}
	mean := sum / 500
	std := math.Sqrt(sumSq/500 - mean*mean)
	// Uniform over ±6 minutes has a deviation of 3.46 minutes.
	if math.Abs(mean) > 0.6 || std < 3 {
		t.Errorf("offsets have mean %.2f min and deviation %.2f min; want about 0 and 3.5", mean, std)
	}
	for m, n := range perMinute {
		if n > 70 { // 500 over 12 minutes is about 42 a minute
			t.Errorf("%d Forecasts refresh in the minute at %s", n, m)
		}
	}
}

func TestInputHash(t *testing.T) {
	c := 10.0
	d := engine.Data{Region: "USA", Period: "month", Horizon: 6, Capacity: &c,
		History: []engine.Point{{Period: "2025-01", Value: 1}}, Actual: map[string]string{"a": "1", "b": "2"}}
	h := inputHash(d)
	if len(h) != 32 {
		t.Fatalf("inputHash = %q, want 32 hex characters", h)
	}
	same := d
	same.Actual = map[string]string{"b": "2", "a": "1"}
	if inputHash(same) != h {
		t.Error("the hash must not depend on map order")
	}
	other := d
	other.Horizon = 7
	if inputHash(other) == h {
		t.Error("the hash must change with the inputs")
	}
}

func TestTruncate(t *testing.T) {
	if got := truncate("héllo", 2); got != "h" {
		t.Errorf("truncate must cut on a rune boundary, got %q", got)
	}
	if got := truncate("abc", 5); got != "abc" {
		t.Errorf("truncate(short) = %q", got)
	}
}
