// Package providers holds the clients of the LLM providers the operator can
// lock, and baseline, its own offline forecaster, behind one small interface.
// Every error a client returns is classified once, where it happens (see
// Error), so that both controllers act on the same classes.
package providers

import (
	"context"
	"time"

	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
)

// Provider is one forecasting backend.
type Provider interface {
	// Name is the provider's name as listed in a ProviderLock, e.g. "openai".
	Name() string

	// Forecast asks for a forecast of req and returns the raw answer, which
	// the engine normalizes. Errors are *Error.
	Forecast(ctx context.Context, req Request) (Response, error)

	// Probe checks cheaply (no paid completion) that the provider can serve.
	// Errors are *Error.
	Probe(ctx context.Context) error

	// ProbeCompletion exercises the completion path with a minimal request
	// (a tiny JSON answer, at most ProbeMaxOutputTokens output tokens, never
	// a forecast). It passes when the provider answers with a JSON object.
	// The lock uses it to confirm that a provider fails for everyone before
	// blaming it for the failures of fewer Forecasts than its threshold.
	// Errors are *Error.
	ProbeCompletion(ctx context.Context) error
}

// ProbeMaxOutputTokens caps the answer of a completion probe.
const ProbeMaxOutputTokens = 16

// Request is one forecast request: the data, and the prompt that renders it
// for a language model.
type Request struct {
	Data   engine.Data
	Prompt engine.Prompt

	// MaxOutputTokens bounds the answer, so a runaway model cannot run up a
	// bill; an answer cut at this bound is classified as invalid output.
	MaxOutputTokens int
}

// DefaultMaxOutputTokens is large enough for 36 predictions and 20
// bottlenecks with their descriptions.
const DefaultMaxOutputTokens = 4096

// NewRequest builds the request for d.
func NewRequest(d engine.Data) Request {
	return Request{Data: d, Prompt: engine.BuildPrompt(d), MaxOutputTokens: DefaultMaxOutputTokens}
}

// Response is a provider's answer.
type Response struct {
	// Text is the answer as the provider gave it.
	Text string
	// Model is the model that answered.
	Model string
	// Usage counts the tokens spent, when the provider reports them.
	Usage Usage
	// Latency is how long the call took.
	Latency time.Duration
	// Headroom is what the provider's rate-limit headers said was left of
	// its limits after the call; nil when it sent none.
	Headroom *Headroom
}

// Usage counts the tokens a call spent.
type Usage struct {
	PromptTokens, CompletionTokens, TotalTokens int
}
