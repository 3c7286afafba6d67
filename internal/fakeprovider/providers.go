package fakeprovider

import (
	"net/http"
	"strings"
)

// Provider names, as a ProviderLock lists them.
const (
	OpenAI      = "openai"
	Gemini      = "gemini"
	Groq        = "groq"
	Cloudflare  = "cloudflare"
	HuggingFace = "huggingface"
)

// provider is one of the five APIs the fake serves: where it is mounted, how
// it reads the key and how it refuses requests.
type provider struct {
	name  string // as a ProviderLock lists it
	title string // as a summary names it
	// prefix is where the provider is mounted on the fake; the real API's
	// paths follow it.
	prefix string
	// base is the path of its base URL, the one that replaces the provider's
	// default base (prefix plus the default base's own path).
	base string
	// key returns the credential the request carries, "" when none.
	key func(*http.Request) string
	// failure answers a refusing mode (or the fake's own missing-key,
	// not-found and malformed outcomes) as this provider does; false
	// when mode is not a refusal.
	failure func(mode Mode, x *exchange) (reply, bool)
	// models is what its model listing holds.
	models []string
}

// providers are the five APIs, in the order Providers returns them.
var providers = []*provider{
	{
		name: OpenAI, title: "OpenAI", prefix: "/openai", base: "/openai/v1",
		key: bearer, failure: openAIFailure,
		models: []string{"gpt-4o-mini", "gpt-4.1-mini", "gpt-5-mini"},
	},
	{
		name: Gemini, title: "Gemini", prefix: "/gemini", base: "/gemini",
		key: googleKey, failure: geminiFailure,
		models: []string{"gemini-2.5-flash", "gemini-2.5-flash-lite", "gemini-2.5-pro"},
	},
	{
		name: Groq, title: "Groq", prefix: "/groq", base: "/groq/openai/v1",
		key: bearer, failure: groqFailure,
		models: []string{"llama-3.1-8b-instant", "llama-3.3-70b-versatile", "openai/gpt-oss-20b"},
	},
	{
		name: Cloudflare, title: "Cloudflare Workers AI", prefix: "/cloudflare", base: "/cloudflare/client/v4",
		key: bearer, failure: cloudflareFailure,
		models: []string{"@cf/meta/llama-3.1-8b-instruct", "@cf/meta/llama-3.3-70b-instruct-fp8-fast"},
	},
	{
		name: HuggingFace, title: "Hugging Face", prefix: "/huggingface", base: "/huggingface/v1",
		key: bearer, failure: huggingFaceFailure,
		models: []string{"meta-llama/Llama-3.1-8B-Instruct", "Qwen/Qwen2.5-72B-Instruct"},
	},
}

// Providers returns the names of the providers the fake serves.
func Providers() []string {
	names := make([]string, len(providers))
	for i, p := range providers {
		names[i] = p.name
	}
	return names
}

// lookup returns the provider called name, or nil.
func lookup(name string) *provider {
	for _, p := range providers {
		if p.name == name {
			return p
		}
	}
	return nil
}

// BaseURL is the base URL of provider on a fake served at serverURL: what a
// ProviderLock's baseURL is set to so that the provider's client, which
// appends the real API's paths, reaches the fake. It is "" for an unknown
// provider.
//
//	openai      {url}/openai/v1
//	gemini      {url}/gemini
//	groq        {url}/groq/openai/v1
//	cloudflare  {url}/cloudflare/client/v4
//	huggingface {url}/huggingface/v1
func BaseURL(serverURL, provider string) string {
	p := lookup(provider)
	if p == nil {
		return ""
	}
	return strings.TrimRight(serverURL, "/") + p.base
}

// bearer reads an "Authorization: Bearer …" key.
func bearer(r *http.Request) string {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// googleKey reads Gemini's key from x-goog-api-key or, as the API also
// accepts, the key query parameter.
func googleKey(r *http.Request) string {
	if k := strings.TrimSpace(r.Header.Get("x-goog-api-key")); k != "" {
		return k
	}
	return strings.TrimSpace(r.URL.Query().Get("key"))
}
