package providers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
)

// completionCalls are the calls of a provider that ask for a completion.
var completionCalls = map[string]func(Provider) error{
	"Forecast": func(p Provider) error {
		_, err := p.Forecast(context.Background(), openaiTestRequest())
		return err
	},
	"ProbeCompletion": func(p Provider) error { return p.ProbeCompletion(context.Background()) },
}

// everyCall are all the calls of a provider that reach it.
var everyCall = map[string]func(Provider) error{
	"Forecast":        completionCalls["Forecast"],
	"ProbeCompletion": completionCalls["ProbeCompletion"],
	"Probe":           func(p Provider) error { return p.Probe(context.Background()) },
}

func monthly(values ...float64) engine.Data {
	d := engine.Data{Region: "USA", Period: "month", Horizon: 6, Unit: "kTEU"}
	for i, v := range values {
		d.History = append(d.History, engine.Point{Period: fmt.Sprintf("2025-%02d", i+1), Value: v})
	}
	return d
}

func TestBaselineAnswerNormalizes(t *testing.T) {
	p, err := New(Config{Name: "baseline"})
	if err != nil {
		t.Fatal(err)
	}
	d := monthly(100, 104, 109, 111, 118, 121, 127, 130, 136, 141, 143, 150)
	resp, err := p.Forecast(context.Background(), NewRequest(d))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Model != "baseline/theta+ets-AAN" {
		t.Errorf("Model = %q, want the model chosen for a straight rise, baseline/theta+ets-AAN", resp.Model)
	}
	res, err := engine.Normalize(resp.Text, d)
	if err != nil {
		t.Fatalf("the engine refused baseline's own answer: %v\n%s", err, resp.Text)
	}
	if len(res.Predictions) != 6 || res.Predictions[0].Period != "2026-01" {
		t.Fatalf("predictions = %+v", res.Predictions)
	}
	if v := res.Predictions[5].Value; v < 150 || v > 200 {
		t.Errorf("a rising series should keep rising: last prediction %v", v)
	}
	if !strings.Contains(resp.Text, `"summary":"Theta combined with exponential smoothing (a linear trend), fitted to 12 monthly points with no season found, projects 168 kTEU by 2026-06 (80% interval`) {
		t.Errorf("the answer should explain itself, got %s", resp.Text)
	}
}

func TestFormatValue(t *testing.T) {
	tests := map[float64]string{4625.98: "4630", 0.012345: "0.0123", -87.66: "-87.7", 0: "0", 1234567: "1230000"}
	for v, want := range tests {
		if got := formatValue(v, ""); got != want {
			t.Errorf("formatValue(%v) = %q, want %q", v, got, want)
		}
	}
	if got := formatValue(4.5, "GW"); got != "4.5 GW" {
		t.Errorf("formatValue with a unit = %q", got)
	}
}

func TestBaselineIsDeterministic(t *testing.T) {
	p, _ := New(Config{Name: "baseline"})
	req := NewRequest(monthly(5, 7, 6, 8, 9, 8, 10))
	a, _ := p.Forecast(context.Background(), req)
	b, _ := p.Forecast(context.Background(), req)
	if a.Text != b.Text {
		t.Errorf("baseline answered differently for the same data:\n%s\n%s", a.Text, b.Text)
	}
}

func TestBaselineRefusesUnusableHistoryAsInvalidInput(t *testing.T) {
	p, _ := New(Config{Name: "baseline"})
	_, err := p.Forecast(context.Background(), NewRequest(monthly(1, 2)))
	var pe *Error
	if !errors.As(err, &pe) || pe.Class != InvalidInput {
		t.Fatalf("error = %v, want an InvalidInput *Error", err)
	}
}

func TestBaselineHonoursACancelledContext(t *testing.T) {
	p, _ := New(Config{Name: "baseline"})
	ctx, cancel := context.WithTimeout(context.Background(), -time.Second)
	defer cancel()
	_, err := p.Forecast(ctx, NewRequest(monthly(1, 2, 3, 4)))
	if c := Classify("baseline", err); c == nil || c.Reason != "Timeout" || c.Class != Transient {
		t.Fatalf("error = %v, want a transient Timeout", err)
	}
}

func TestNewUnsupportedProvider(t *testing.T) {
	_, err := New(Config{Name: "anthropic"})
	var pe *Error
	if !errors.As(err, &pe) || pe.Class != Rejected || pe.Reason != "Unsupported" {
		t.Fatalf("error = %v, want a Rejected Unsupported *Error", err)
	}
}

func TestClassify(t *testing.T) {
	own := &Error{Provider: "openai", Class: Rejected, Reason: "Unauthorized", StatusCode: 401}
	tests := []struct {
		err        error
		wantClass  Class
		wantReason string
	}{
		{fmt.Errorf("calling: %w", own), Rejected, "Unauthorized"},
		{fmt.Errorf("post: %w", context.DeadlineExceeded), Transient, "Timeout"},
		{errors.New("connection reset by peer"), Transient, "Unknown"},
	}
	for _, tt := range tests {
		got := Classify("openai", tt.err)
		if got.Class != tt.wantClass || got.Reason != tt.wantReason {
			t.Errorf("Classify(%v) = %s/%s, want %s/%s", tt.err, got.Class, got.Reason, tt.wantClass, tt.wantReason)
		}
	}
	if Classify("openai", nil) != nil {
		t.Error("Classify(nil) must be nil")
	}
	if s := own.Error(); s != "openai: Unauthorized (HTTP 401)" {
		t.Errorf("Error() = %q", s)
	}
}

func TestAPIKeyNeverPrints(t *testing.T) {
	cfg := Config{Name: "openai", APIKey: "sk-live-secret"}
	for _, s := range []string{fmt.Sprint(cfg.APIKey), fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfg.APIKey)} {
		if strings.Contains(s, "sk-live-secret") {
			t.Fatalf("the key leaked: %s", s)
		}
	}
}

func TestDefaultsCoverEveryProvider(t *testing.T) {
	for _, name := range []string{"openai", "gemini", "groq", "cloudflare", "huggingface", "baseline"} {
		if DefaultModel(name) == "" {
			t.Errorf("%s has no default model", name)
		}
		if NeedsCredentials(name) == (name == "baseline") {
			t.Errorf("NeedsCredentials(%s) is wrong", name)
		}
	}
}
