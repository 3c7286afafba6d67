package providers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
)

// Default API bases of the providers that speak the OpenAI chat-completions
// shape. A Config.BaseURL replaces them exactly; the paths stay.
const (
	openaiDefaultBase      = "https://api.openai.com/v1"
	groqDefaultBase        = "https://api.groq.com/openai/v1"
	huggingFaceDefaultBase = "https://router.huggingface.co/v1"
	cloudflareDefaultBase  = "https://api.cloudflare.com/client/v4"
)

// openaiTemperature keeps forecasts close to deterministic: the same data
// should give nearly the same numbers from one refresh to the next.
const openaiTemperature = 0.2

// openaiClient serves every provider with the OpenAI chat-completions shape
// through the official SDK: OpenAI itself, Groq, Hugging Face's router and
// Cloudflare's OpenAI-compatible endpoint differ only in base URL, the name
// of the token bound, the probe, and their error bodies, which one
// classifier reads.
type openaiClient struct {
	name    string
	model   string
	key     APIKey
	timeout time.Duration
	// completionTokens sends the bound as max_completion_tokens (OpenAI,
	// Groq: max_tokens is deprecated there and refused by OpenAI's reasoning
	// models) rather than max_tokens (Hugging Face, Cloudflare).
	completionTokens bool

	chat openai.ChatCompletionService
	// api makes the plain GETs of the probes with the same options.
	api openai.Client
}

// newOpenAI builds the OpenAI client.
func newOpenAI(cfg Config) (Provider, error) {
	return newOpenAIShaped("openai", openaiDefaultBase, cfg, true)
}

// newGroq builds the Groq client.
func newGroq(cfg Config) (Provider, error) {
	return newOpenAIShaped("groq", groqDefaultBase, cfg, true)
}

// newHuggingFace builds the client of Hugging Face's inference router; its
// model may end in ":provider" to pin the upstream, which is sent as is.
func newHuggingFace(cfg Config) (Provider, error) {
	return newOpenAIShaped("huggingface", huggingFaceDefaultBase, cfg, false)
}

// newOpenAIShaped builds the client of a provider whose only differences
// are its default base and its token bound.
func newOpenAIShaped(name, defaultBase string, cfg Config, completionTokens bool) (Provider, error) {
	base, err := openaiBase(name, cfg, defaultBase)
	if err != nil {
		return nil, err
	}
	return newOpenAIClient(name, base, cfg, completionTokens), nil
}

// newOpenAIClient builds a client whose chat completions and probes go to
// base. base must be a valid URL (see openaiBase).
func newOpenAIClient(name, base string, cfg Config, completionTokens bool) *openaiClient {
	opts := openaiOptions(name, base, cfg)
	model := cfg.Model
	if model == "" { // the factory defaults it; a direct caller may not
		model = DefaultModel(name)
	}
	return &openaiClient{
		name:             name,
		model:            model,
		key:              cfg.APIKey,
		timeout:          cfg.Timeout,
		completionTokens: completionTokens,
		chat:             openai.NewChatCompletionService(opts...),
		// Not openai.NewClient: it reads OPENAI_API_KEY, OPENAI_ORG_ID,
		// OPENAI_CUSTOM_HEADERS and the like from the environment, which
		// must never reach Groq, Hugging Face or Cloudflare. Client.Get
		// only needs Options.
		api: openai.Client{Options: opts},
	}
}

// openaiOptions are the SDK options of every request: SDK retries are off
// because the controllers own retry and failover; the timeout is applied
// by the caller to the whole call, body included. The HTTP client is always
// the package's own (a copy of cfg.HTTPClient when set), so that no
// redirect takes the key to another host.
func openaiOptions(name, base string, cfg Config) []option.RequestOption {
	return []option.RequestOption{
		option.WithBaseURL(base),
		option.WithAPIKey(string(cfg.APIKey)),
		option.WithMaxRetries(0),
		option.WithHTTPClient(guardedHTTPClient(name, cfg.APIKey, cfg.HTTPClient)),
	}
}

// openaiBase is cfg.BaseURL, or the provider's default, without a trailing
// slash. It is checked here so that a typo fails when the lock is read,
// not on every call.
func openaiBase(name string, cfg Config, defaultBase string) (string, error) {
	base := strings.TrimRight(cfg.BaseURL, "/")
	if base == "" {
		return defaultBase, nil
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", &Error{Provider: name, Class: Rejected, Reason: ReasonInvalidConfig,
			Message: redact(fmt.Sprintf("baseURL %q is not an http(s) URL", base), cfg.APIKey)}
	}
	return base, nil
}

// Name is the provider's name, e.g. "groq".
func (c *openaiClient) Name() string { return c.name }

// Forecast asks for one chat completion constrained to the answer schema.
func (c *openaiClient) Forecast(ctx context.Context, req Request) (Response, error) {
	start := time.Now()
	completion, header, err := c.complete(ctx, req, openaiTemperature)
	if err != nil {
		return Response{}, err
	}
	resp, err := openaiAnswer(c.name, c.key, completion)
	if err != nil {
		return Response{}, err
	}
	if resp.Model == "" {
		resp.Model = c.model
	}
	resp.Headroom = headroomOf(header)
	resp.Latency = time.Since(start)
	return resp, nil
}

// ProbeCompletion asks, on Forecast's endpoint, for {"ok":true} in at most
// ProbeMaxOutputTokens tokens, and checks that a JSON object comes back.
func (c *openaiClient) ProbeCompletion(ctx context.Context) error {
	completion, _, err := c.complete(ctx, probeRequest(), probeTemperature)
	if err != nil {
		return err
	}
	text, cut, err := openaiChoiceText(c.name, c.key, completion)
	return probeVerdict(c.name, c.key, text, cut, err)
}

// complete sends one chat completion of req within the configured timeout,
// and returns the response's headers with it.
func (c *openaiClient) complete(ctx context.Context, req Request, temperature float64) (*openai.ChatCompletion, http.Header, error) {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	var completion *openai.ChatCompletion
	header, err := c.exchange(ctx, func(ctx context.Context, opts ...option.RequestOption) (err error) {
		completion, err = c.chat.New(ctx, c.params(req, temperature), opts...)
		return err
	})
	return completion, header, err
}

// Probe lists the models: it needs a valid key and a reachable API, and
// costs nothing.
func (c *openaiClient) Probe(ctx context.Context) error {
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	// Decoding the list (rather than discarding it) tells a real API from
	// a proxy's or captive portal's 200 page.
	var list struct {
		Data json.RawMessage `json:"data"`
	}
	return c.do(ctx, func(ctx context.Context, opts ...option.RequestOption) error {
		return c.api.Get(ctx, "models", nil, &list, opts...)
	})
}

// withTimeout bounds one call, body included, by the configured timeout.
func (c *openaiClient) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if c.timeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, c.timeout)
}

// do runs one SDK call with a recorder of the exchange and classifies its
// failure from what went over the wire, never from the SDK's error text,
// which can carry the request URL and reads only OpenAI's error body.
func (c *openaiClient) do(ctx context.Context, call func(context.Context, ...option.RequestOption) error) error {
	_, err := c.exchange(ctx, call)
	return err
}

// exchange is do, returning also the headers of the response.
func (c *openaiClient) exchange(ctx context.Context, call func(context.Context, ...option.RequestOption) error) (http.Header, error) {
	var x openaiExchange
	err := call(ctx, option.WithMiddleware(x.record))
	if err == nil {
		return x.header, nil
	}
	return x.header, x.classify(ctx, c.name, c.key, err)
}
