package providers

import (
	"fmt"
	"net/http"
	"sort"
	"time"
)

// Config configures one provider client, from a ProviderLock entry and its
// credentials.
type Config struct {
	// Name of the provider, e.g. "openai".
	Name string
	// Model to ask; empty means DefaultModel(Name).
	Model string
	// BaseURL replaces the provider's default API base URL.
	BaseURL string
	// AccountID is the Cloudflare account.
	AccountID string
	// APIKey authenticates the client. Its String method hides it.
	APIKey APIKey
	// Timeout bounds one call.
	Timeout time.Duration
	// HTTPClient is used for every call when set (tests, proxies).
	HTTPClient *http.Client
}

// APIKey is a credential. It formats as "[redacted]" so that it cannot leak
// through a log line, an event or an error by accident.
type APIKey string

// String hides the key.
func (APIKey) String() string { return "[redacted]" }

// GoString hides the key from %#v.
func (APIKey) GoString() string { return "[redacted]" }

// Constructor builds a provider client.
type Constructor func(Config) (Provider, error)

// registry maps a provider name to its constructor.
var registry = map[string]Constructor{
	"openai":      newOpenAI,
	"gemini":      newGemini,
	"groq":        newGroq,
	"cloudflare":  newCloudflare,
	"huggingface": newHuggingFace,
	"baseline":    newBaseline,
}

// defaultModels are the models asked when a lock entry names none.
var defaultModels = map[string]string{
	"openai":      "gpt-4o-mini",
	"gemini":      "gemini-2.5-flash",
	"groq":        "llama-3.3-70b-versatile",
	"cloudflare":  "@cf/meta/llama-3.1-8b-instruct",
	"huggingface": "meta-llama/Llama-3.1-8B-Instruct",
	"baseline":    BaselineModel,
}

// DefaultModel is the model asked when a lock entry names none.
func DefaultModel(name string) string { return defaultModels[name] }

// NeedsCredentials reports whether the provider needs an API key: every
// provider but baseline does.
func NeedsCredentials(name string) bool { return name != "baseline" }

// Supported reports whether this build has a client for the provider.
func Supported(name string) bool {
	_, ok := registry[name]
	return ok
}

// SupportedNames lists the providers this build has a client for.
func SupportedNames() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// New builds the client named by cfg.Name.
func New(cfg Config) (Provider, error) {
	build, ok := registry[cfg.Name]
	if !ok {
		return nil, &Error{Provider: cfg.Name, Class: Rejected, Reason: "Unsupported",
			Message: fmt.Sprintf("this build has no client for provider %q (it has %v)", cfg.Name, SupportedNames())}
	}
	if cfg.Model == "" {
		cfg.Model = DefaultModel(cfg.Name)
	}
	return build(cfg)
}
