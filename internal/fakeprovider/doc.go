// Package fakeprovider is a fake of the five LLM provider APIs the operator
// uses (OpenAI, Gemini, Groq, Cloudflare Workers AI, Hugging Face), for its
// tests, its end-to-end suite and its local mode, without network.
//
// One Server (an http.Handler) serves every provider on its real paths under
// a per-provider prefix, so one listener serves all; BaseURL gives the base
// a ProviderLock's baseURL is set to:
//
//	openai       {url}/openai/v1                POST /chat/completions, GET /models
//	groq         {url}/groq/openai/v1           POST /chat/completions, GET /models
//	huggingface  {url}/huggingface/v1           POST /chat/completions, GET /models
//	cloudflare   {url}/cloudflare/client/v4     POST /accounts/{a}/ai/run/{model…},
//	                                            POST /accounts/{a}/ai/v1/chat/completions,
//	                                            GET /user/tokens/verify
//	gemini       {url}/gemini                   POST /v1beta/models/{model}:generateContent,
//	                                            GET /v1beta/models
//
// Keys are read as the real APIs read them (Bearer; x-goog-api-key or ?key=
// for Gemini). Any non-empty key is accepted; a missing one gets the
// provider's real refusal. No key is logged, kept or echoed, except masked
// in OpenAI's invalid-key message, as the real API does.
//
// A good answer is a forecast valid under the operator's schema: the period
// labels come from the request's schema (or the user message's "periods"),
// the values continue the history in the user message with a mild trend. It
// is deterministic. Output limits are honoured as a model would (about three
// characters a token), including Cloudflare's silent default of 256 tokens.
//
// Each provider has a Mode, switchable at run time for its next N requests
// (SetMode and Set, or PUT /admin/providers/{provider}/mode): bad 200s
// (prose, fenced, truncated, empty, blocked, schema, long-labels), failures
// below HTTP (hang, stall, reset), one mode per row of PROVIDERS.md's error
// table and one for a request refused as bad (bad-request), with the
// provider's exact status, headers and body, and a proxy's answers
// (html-502, empty-503, and redirect, a 307 to a given location). A match
// narrows a mode to the generate calls whose body holds a string, such as
// one Forecast's data. See Setting, Modes and GET /admin/modes.
//
// ModeRateLimited's wait hint can be set, or left out (Setting.RetryAfter,
// NoRetryHint). A per-provider latency delays every generate call before
// it is answered (SetLatency, PUT /admin/providers/{provider}/latency).
//
// Calls are counted per provider and kind (Requests, Probes), and those a
// match selected (Matched), as are the generate calls running at once
// (InFlight, MaxInFlight); the last generate body is kept (LastRequest) for
// tests to assert what a client sent. Every generate call is logged with
// when it started and finished, its status and the mode that answered it
// (Calls, GET /admin/calls), for benchmarks of how a client paces its
// calls.
package fakeprovider
