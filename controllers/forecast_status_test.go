package controllers

import (
	"errors"
	"math"
	"regexp"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

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
	transient := &providers.Error{Class: providers.Transient, Reason: "ServerError"}
	limited := &providers.Error{Class: providers.Transient, Reason: "RateLimited", RetryAfter: 90 * time.Second}
	tests := []struct {
		n    int32
		err  error
		want time.Duration
	}{
		{1, transient, 10 * time.Second},
		{2, transient, 20 * time.Second},
		{4, transient, 80 * time.Second},
		{7, transient, 10 * time.Minute},
		{40, transient, 10 * time.Minute},
		{1, limited, 90 * time.Second},
		{5, limited, 160 * time.Second},
	}
	for _, tt := range tests {
		if got := retryDelay(tt.n, tt.err); got != tt.want {
			t.Errorf("retryDelay(%d, %v) = %s, want %s", tt.n, tt.err, got, tt.want)
		}
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		err         error
		wantOutcome v1.AttemptOutcome
		wantReason  string
	}{
		{&providers.Error{Class: providers.Transient, Reason: "Timeout"}, v1.OutcomeProviderFailed, "Timeout"},
		{&providers.Error{Class: providers.Rejected, Reason: "Unauthorized"}, v1.OutcomeProviderFailed, "Unauthorized"},
		{&providers.Error{Class: providers.InvalidOutput, Reason: "Truncated"}, v1.OutcomeInvalidOutput, "Truncated"},
		{&providers.Error{Class: providers.InvalidInput, Reason: "RequestTooLarge"}, v1.OutcomeInvalidInput, "RequestTooLarge"},
		{&engine.Error{Reason: engine.ReasonNoJSON}, v1.OutcomeInvalidOutput, "NoJSON"},
		{&engine.Error{Reason: engine.ReasonInvalidInput}, v1.OutcomeInvalidInput, "InvalidInput"},
		{errors.New("etcdserver: request timed out"), "", ""},
	}
	for _, tt := range tests {
		outcome, reason, _ := classify(tt.err)
		if outcome != tt.wantOutcome || reason != tt.wantReason {
			t.Errorf("classify(%v) = %q/%q, want %q/%q", tt.err, outcome, reason, tt.wantOutcome, tt.wantReason)
		}
	}
}

func TestRecordAttemptCountsConsecutiveFailures(t *testing.T) {
	fc := &v1.Forecast{}
	tg := target{spec: v1.ProviderSpec{Name: "groq"}, epoch: 4}
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	fail := &providers.Error{Class: providers.Transient, Reason: "ServerError"}
	for want := int32(1); want <= 3; want++ {
		recordAttempt(fc, tg, fail, now)
		if got := fc.Status.LastAttempt.ConsecutiveFailures; got != want {
			t.Fatalf("after %d failures ConsecutiveFailures = %d", want, got)
		}
	}
	a := fc.Status.LastAttempt
	if a.Provider != "groq" || a.Epoch != 4 || a.Outcome != v1.OutcomeProviderFailed || a.Reason != "ServerError" {
		t.Errorf("lastAttempt = %+v", a)
	}
	recordAttempt(fc, tg, nil, now)
	if a := fc.Status.LastAttempt; a.ConsecutiveFailures != 0 || a.Outcome != v1.OutcomeSucceeded || a.Message != "" {
		t.Errorf("a success must reset the attempt: %+v", a)
	}
}

func TestFreshUntil(t *testing.T) {
	generated := metav1.NewTime(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC))
	fc := &v1.Forecast{
		Spec: v1.ForecastSpec{RefreshInterval: &metav1.Duration{Duration: 2 * time.Hour}},
		Status: v1.ForecastStatus{InputHash: "abc", GeneratedAt: &generated,
			Predictions: []v1.Prediction{{Period: "2026-01", Value: "1", Lower: "1", Upper: "1"}}},
	}
	if next, ok := freshUntil(fc, "abc"); !ok || !next.Equal(generated.Add(2*time.Hour)) {
		t.Errorf("freshUntil = %v, %v; want generatedAt + refreshInterval", next, ok)
	}
	if _, ok := freshUntil(fc, "changed"); ok {
		t.Error("a result for other inputs is not fresh")
	}
	fc.Status.Predictions = nil
	if _, ok := freshUntil(fc, "abc"); ok {
		t.Error("no result is not fresh")
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
