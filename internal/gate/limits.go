package gate

// Limits bound the traffic to one provider. A zero field is no limit.
type Limits struct {
	// MaxConcurrent is the number of calls in flight at once.
	MaxConcurrent int
	// RequestsPerMinute is the number of calls started in any 60 seconds.
	RequestsPerMinute int
	// TokensPerMinute is the number of tokens (prompt and answer) the calls
	// started in any 60 seconds may use.
	TokensPerMinute int
}

// defaults are the limits of each provider's public free or first paid
// tier, for its default model, as published in December 2026:
//
//   - openai: usage tier 1 for gpt-4o-mini, 500 requests and 200,000
//     tokens a minute;
//   - gemini: the free tier of gemini-2.5-flash, 10 requests and 250,000
//     tokens a minute;
//   - groq: the free plan of llama-3.3-70b-versatile, 30 requests and
//     12,000 tokens a minute;
//   - cloudflare: Workers AI's 300 text-generation requests a minute
//     (tokens are billed as neurons, not limited per minute);
//   - huggingface: the inference router's free credits, which it meters
//     per hour; 60 requests a minute keeps a free account well inside them;
//   - baseline: local CPU only, so only the calls at once are bounded.
//
// Every provider but baseline starts at most 5 calls at once: enough to
// keep a 500 ms model busy at 10 answers a second, few enough that a 429
// finds at most 5 calls in flight.
var defaults = map[string]Limits{
	"openai":      {MaxConcurrent: 5, RequestsPerMinute: 500, TokensPerMinute: 200_000},
	"gemini":      {MaxConcurrent: 5, RequestsPerMinute: 10, TokensPerMinute: 250_000},
	"groq":        {MaxConcurrent: 5, RequestsPerMinute: 30, TokensPerMinute: 12_000},
	"cloudflare":  {MaxConcurrent: 5, RequestsPerMinute: 300},
	"huggingface": {MaxConcurrent: 5, RequestsPerMinute: 60},
	"baseline":    {MaxConcurrent: 8},
}

// SelfHosted are the default limits of an OpenAI-compatible server of one's
// own (an openai entry with a baseURL and no credentials): no per-minute
// limits, and as many calls at once as a single model server serves well.
var SelfHosted = Limits{MaxConcurrent: 4}

// Defaults returns the documented default limits of a provider; an unknown
// name gets the strictest LLM default.
func Defaults(provider string) Limits {
	if l, ok := defaults[provider]; ok {
		return l
	}
	return Limits{MaxConcurrent: 1, RequestsPerMinute: 10, TokensPerMinute: 10_000}
}

// Or returns l with each zero field taken from d.
func (l Limits) Or(d Limits) Limits {
	if l.MaxConcurrent == 0 {
		l.MaxConcurrent = d.MaxConcurrent
	}
	if l.RequestsPerMinute == 0 {
		l.RequestsPerMinute = d.RequestsPerMinute
	}
	if l.TokensPerMinute == 0 {
		l.TokensPerMinute = d.TokensPerMinute
	}
	return l
}
