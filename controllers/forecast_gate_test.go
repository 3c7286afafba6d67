package controllers

import (
	"testing"

	"k8s.io/utils/ptr"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
	"github.com/bottleneck-io/bottleneck-operator/internal/gate"
	"github.com/bottleneck-io/bottleneck-operator/internal/providers"
)

func TestLimitsOf(t *testing.T) {
	cases := []struct {
		name string
		spec v1.ProviderSpec
		want gate.Limits
	}{
		{"groq's defaults", v1.ProviderSpec{Name: "groq"}, gate.Limits{MaxConcurrent: 5, RequestsPerMinute: 30, TokensPerMinute: 12_000}},
		{"one limit set, the others default", v1.ProviderSpec{Name: "openai",
			Limits: &v1.ProviderLimits{MaxConcurrent: ptr.To[int32](50)}}, gate.Limits{MaxConcurrent: 50, RequestsPerMinute: 500, TokensPerMinute: 200_000}},
		{"a self-hosted server", v1.ProviderSpec{Name: "openai", BaseURL: "http://vllm:8000/v1"}, gate.Limits{MaxConcurrent: 4}},
		{"openai through a proxy, with a key", v1.ProviderSpec{Name: "openai", BaseURL: "http://proxy/v1",
			CredentialsRef: &v1.SecretKeyReference{Name: "k"}}, gate.Limits{MaxConcurrent: 5, RequestsPerMinute: 500, TokensPerMinute: 200_000}},
		{"baseline", v1.ProviderSpec{Name: "baseline"}, gate.Limits{MaxConcurrent: 8}},
	}
	for _, c := range cases {
		if got := limitsOf(c.spec); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestRecordTokens(t *testing.T) {
	req := providers.NewRequest(engine.Data{Region: "USA", Period: "month", Horizon: 3,
		History: []engine.Point{{Period: "2025-01", Value: 1}, {Period: "2025-02", Value: 2}}})
	openai := target{spec: v1.ProviderSpec{Name: "openai"}}

	a := &v1.Attempt{}
	recordTokens(a, openai, "team-a", req, providers.Response{Text: "{}", Usage: providers.Usage{PromptTokens: 700, CompletionTokens: 120}}, nil)
	if a.PromptTokens != 700 || a.CompletionTokens != 120 || a.TokensEstimated {
		t.Errorf("reported usage: %+v", a)
	}

	a = &v1.Attempt{}
	recordTokens(a, openai, "team-a", req, providers.Response{Text: `{"predictions":[1,2,3]}`}, nil)
	if a.PromptTokens < 300 || a.CompletionTokens != 5 || !a.TokensEstimated {
		t.Errorf("no usage reported: %+v, want an estimate marked as such", a)
	}

	a = &v1.Attempt{}
	recordTokens(a, openai, "team-a", req, providers.Response{}, &providers.Error{Class: providers.RateLimited})
	recordTokens(a, target{spec: v1.ProviderSpec{Name: "baseline"}}, "team-a", req, providers.Response{Text: "{}"}, nil)
	if a.PromptTokens != 0 || a.CompletionTokens != 0 || a.TokensEstimated {
		t.Errorf("a 429 and baseline spend nothing: %+v", a)
	}

	if est := estimateTokens(req, req.Data); est <= promptTokens(req) {
		t.Errorf("the gate's estimate %d must count the answer too", est)
	}
}
