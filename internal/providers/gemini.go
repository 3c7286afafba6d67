package providers

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"google.golang.org/genai"
)

const (
	// geminiName is the provider's name in a ProviderLock.
	geminiName = "gemini"

	// geminiDefaultBaseURL is the Gemini API's base; Config.BaseURL replaces
	// it exactly and the paths (/v1beta/models/...) stay.
	geminiDefaultBaseURL = "https://generativelanguage.googleapis.com"

	// geminiAPIVersion is pinned: the wire format PROVIDERS.md describes
	// (responseJsonSchema among it) is v1beta's.
	geminiAPIVersion = "v1beta"

	// geminiTemperature keeps forecasts of the same data close together;
	// zero would make some models repeat themselves.
	geminiTemperature = 0.2
)

// geminiProvider asks Google's Gemini API through its official Go SDK. The
// SDK builds the request and reads the answer; what the wire carried (status,
// headers, error body) comes from geminiRecorder, because the SDK's APIError
// keeps neither the headers nor, for some bodies, the HTTP status.
type geminiProvider struct {
	client    *genai.Client
	http      *http.Client // the SDK's client, recorder included
	modelsURL string       // GET for Probe
	model     string
	key       APIKey
	timeout   time.Duration
}

// newGemini builds the Gemini client of cfg.
func newGemini(cfg Config) (Provider, error) {
	if cfg.APIKey == "" {
		// Without a key the SDK would fall back on GOOGLE_API_KEY or
		// GEMINI_API_KEY from the manager's environment: never borrow one.
		return nil, &Error{Provider: geminiName, Class: Rejected, Reason: ReasonUnauthorized, Message: "no API key is configured"}
	}
	base := cfg.BaseURL
	if base == "" {
		// Set explicitly so GOOGLE_GEMINI_BASE_URL in the environment
		// cannot redirect the client either.
		base = geminiDefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		// Caught here, a typo in a ProviderLock is a rejection shown once,
		// not a connection failure retried with backoff.
		return nil, &Error{Provider: geminiName, Class: Rejected, Reason: ReasonInvalidConfig,
			Message: redact(fmt.Sprintf("the base URL %q is not an absolute http(s) URL", base), cfg.APIKey)}
	}
	if cfg.Model == "" { // New defaults it; a direct caller may not
		cfg.Model = DefaultModel(geminiName)
	}
	if geminiUnsendableModel(cfg.Model) {
		// The SDK refuses these names before sending anything: no such model
		// can exist, and every call would fail the same way.
		return nil, &Error{Provider: geminiName, Class: Rejected, Reason: ReasonUnknownModel,
			Message: redact(fmt.Sprintf("the model name %q cannot name a Gemini model", cfg.Model), cfg.APIKey)}
	}
	models := u.JoinPath(geminiAPIVersion, "models")
	models.RawQuery = "pageSize=1"
	hc := geminiHTTPClient(cfg.APIKey, cfg.HTTPClient)
	client, err := genai.NewClient(context.Background(), &genai.ClientConfig{
		APIKey:     string(cfg.APIKey),
		Backend:    genai.BackendGeminiAPI,
		HTTPClient: hc,
		// RetryOptions stays nil, which makes the SDK send each request
		// once: the controllers own retry and failover.
		HTTPOptions: genai.HTTPOptions{BaseURL: base, APIVersion: geminiAPIVersion},
	})
	if err != nil {
		// The SDK's message prints the whole ClientConfig, key included.
		return nil, &Error{Provider: geminiName, Class: Rejected, Reason: ReasonInvalidConfig,
			Message: "the Gemini client cannot be built", Err: errors.New(redact(err.Error(), cfg.APIKey))}
	}
	return &geminiProvider{client: client, http: hc, modelsURL: models.String(), model: cfg.Model, key: cfg.APIKey, timeout: cfg.Timeout}, nil
}

func (g *geminiProvider) Name() string { return geminiName }

// Forecast sends the prompt with the answer schema and returns the text of
// the first candidate.
func (g *geminiProvider) Forecast(ctx context.Context, req Request) (Response, error) {
	start := time.Now()
	answer, err := g.generate(ctx, req, geminiTemperature)
	if err != nil {
		return Response{}, err
	}
	resp, err := g.readAnswer(answer, req)
	if err != nil {
		return Response{}, err
	}
	resp.Latency = time.Since(start)
	return resp, nil
}

// ProbeCompletion asks, on Forecast's endpoint, for {"ok":true} in at most
// ProbeMaxOutputTokens tokens, and checks that a JSON object comes back.
func (g *geminiProvider) ProbeCompletion(ctx context.Context) error {
	req := probeRequest()
	answer, err := g.generate(ctx, req, probeTemperature)
	if err != nil {
		return err
	}
	text, cut, err := g.answerText(answer, req)
	return probeVerdict(geminiName, g.key, text, cut, err)
}

// generate sends one generateContent call of req within the configured
// timeout.
func (g *geminiProvider) generate(ctx context.Context, req Request, temperature float32) (*genai.GenerateContentResponse, error) {
	ctx, cancel := g.withTimeout(ctx)
	defer cancel()
	var answer *genai.GenerateContentResponse
	contents := []*genai.Content{genai.NewContentFromText(req.Prompt.User, genai.RoleUser)}
	err := g.call(ctx, func(ctx context.Context) (err error) {
		answer, err = g.client.Models.GenerateContent(ctx, g.model, contents, g.generationConfig(req, temperature))
		return err
	})
	return answer, err
}

// Probe lists one model: it needs a valid key, costs nothing and reaches
// the same host as Forecast. It is a plain GET rather than the SDK's
// Models.List, which logs a body it does not recognise through the standard
// logger, where a key echoed by a proxy would end up.
func (g *geminiProvider) Probe(ctx context.Context) error {
	ctx, cancel := g.withTimeout(ctx)
	defer cancel()
	return g.call(ctx, func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, g.modelsURL, nil)
		if err != nil {
			return err
		}
		req.Header.Set("x-goog-api-key", string(g.key))
		resp, err := g.http.Do(req)
		if err != nil {
			return err
		}
		// The recorder has read the body already; call judges it.
		return resp.Body.Close()
	})
}

// generationConfig asks for JSON matching the prompt's schema at
// temperature, bounded by the request's output budget.
func (g *geminiProvider) generationConfig(req Request, temperature float32) *genai.GenerateContentConfig {
	cfg := &genai.GenerateContentConfig{
		ResponseMIMEType: "application/json",
		MaxOutputTokens:  geminiMaxTokens(req),
		Temperature:      genai.Ptr(temperature),
		// Continuation would send further requests behind the caller's
		// back; one Forecast is one request, so a cut answer is seen as
		// Truncated.
		AutomaticContinuation: genai.Ptr(false),
	}
	if req.Prompt.System != "" {
		cfg.SystemInstruction = &genai.Content{Parts: []*genai.Part{{Text: req.Prompt.System}}}
	}
	if len(req.Prompt.Schema) > 0 {
		// responseJsonSchema takes JSON Schema as it is; responseSchema
		// would want the OpenAPI subset and refuse additionalProperties.
		cfg.ResponseJsonSchema = req.Prompt.Schema
	}
	return cfg
}

// geminiMaxTokens is the request's output bound, defaulted and kept within
// the API's int32.
func geminiMaxTokens(req Request) int32 {
	n := req.MaxOutputTokens
	if n <= 0 {
		n = DefaultMaxOutputTokens
	}
	return int32(min(n, math.MaxInt32))
}

// geminiUnsendableModel reports whether the SDK refuses to send a request
// for model (it keeps "?", "&" and ".." out of the path).
func geminiUnsendableModel(model string) bool {
	return strings.ContainsAny(model, "?&") || strings.Contains(model, "..")
}

// withTimeout bounds one call by the configured timeout, body included.
func (g *geminiProvider) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if g.timeout > 0 {
		return context.WithTimeout(ctx, g.timeout)
	}
	return context.WithCancel(ctx)
}

// fail builds a classified error; msg is redacted here, once, for every path.
func (g *geminiProvider) fail(class Class, reason string, msg string, args ...any) *Error {
	return &Error{Provider: geminiName, Class: class, Reason: reason, Message: redact(fmt.Sprintf(msg, args...), g.key)}
}
