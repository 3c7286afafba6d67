package fakeprovider

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// jsonAt returns the value at a dotted path ("error.details.0.reason") of a
// JSON body, and whether it is there.
func jsonAt(t *testing.T, body []byte, path string) (any, bool) {
	t.Helper()
	var node any
	mustUnmarshal(t, body, &node)
	for _, key := range strings.Split(path, ".") {
		switch n := node.(type) {
		case map[string]any:
			v, ok := n[key]
			if !ok {
				return nil, false
			}
			node = v
		case []any:
			i, err := strconv.Atoi(key)
			if err != nil || i >= len(n) {
				return nil, false
			}
			node = n[i]
		default:
			return nil, false
		}
	}
	return node, true
}

// wantReply is what a refusal must look like.
type wantReply struct {
	status   int
	fields   map[string]any    // JSON path → value
	headers  map[string]string // header → value; "" means absent
	contains string            // a substring of the body
}

func (want wantReply) check(t *testing.T, status int, header http.Header, body []byte) {
	t.Helper()
	if status != want.status {
		t.Errorf("status %d, want %d: %s", status, want.status, body)
	}
	for path, v := range want.fields {
		if got, ok := jsonAt(t, body, path); !ok || got != v {
			t.Errorf("%s = %#v, want %#v in %s", path, got, v, body)
		}
	}
	for name, v := range want.headers {
		if got := header.Get(name); got != v {
			t.Errorf("header %s = %q, want %q", name, got, v)
		}
	}
	if !strings.Contains(string(body), want.contains) {
		t.Errorf("body does not contain %q: %s", want.contains, body)
	}
	if strings.Contains(string(body), testKey) {
		t.Errorf("body echoes the key: %s", body)
	}
}

// errorTable is PROVIDERS.md's error table as the fake answers it.
var errorTable = map[string]map[Mode]wantReply{
	OpenAI: {
		ModeUnauthorized: {status: 401, fields: map[string]any{"error.code": "invalid_api_key", "error.type": "invalid_request_error", "error.param": nil}, contains: "Incorrect API key provided: sk-proj-****abcd."},
		ModeUnknownModel: {status: 404, fields: map[string]any{"error.code": "model_not_found"}, contains: "The model `test-model` does not exist"},
		ModeRateLimited: {status: 429, fields: map[string]any{"error.code": "rate_limit_exceeded"}, contains: "Please try again in 1.5s",
			headers: map[string]string{"retry-after": "2", "retry-after-ms": "1500", "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "1.5s"}},
		ModeQuota:      {status: 429, fields: map[string]any{"error.code": "insufficient_quota", "error.type": "insufficient_quota"}, headers: map[string]string{"retry-after": ""}},
		ModeOverloaded: {status: 503, fields: map[string]any{"error.code": "server_is_overloaded", "error.type": "server_error"}},
		ModeTooLarge:   {status: 400, fields: map[string]any{"error.code": "context_length_exceeded", "error.param": "messages"}},
		ModeBadRequest: {status: 400, fields: map[string]any{"error.type": "invalid_request_error", "error.param": "response_format", "error.code": "invalid_value"}, contains: "Invalid value for 'response_format'"},
	},
	Gemini: {
		ModeUnauthorized: {status: 400, fields: map[string]any{"error.code": 400.0, "error.status": "INVALID_ARGUMENT", "error.details.0.reason": "API_KEY_INVALID"}},
		ModeUnknownModel: {status: 404, fields: map[string]any{"error.code": 404.0, "error.status": "NOT_FOUND"}, contains: "models/gemini-2.5-flash is not found"},
		ModeRateLimited: {status: 429, fields: map[string]any{"error.status": "RESOURCE_EXHAUSTED", "error.details.0.violations.0.quotaId": quotaPerMinute, "error.details.2.retryDelay": "22s"},
			headers: map[string]string{"retry-after": ""}},
		ModeQuota:      {status: 429, fields: map[string]any{"error.status": "RESOURCE_EXHAUSTED", "error.details.0.@type": "type.googleapis.com/google.rpc.QuotaFailure", "error.details.0.violations.0.quotaId": quotaPerDay}},
		ModeOverloaded: {status: 503, fields: map[string]any{"error.code": 503.0, "error.status": "UNAVAILABLE"}},
		ModeTooLarge:   {status: 400, fields: map[string]any{"error.status": "INVALID_ARGUMENT"}, contains: "The input token count ("},
		ModeBadRequest: {status: 400, fields: map[string]any{"error.code": 400.0, "error.status": "INVALID_ARGUMENT", "error.details.0.@type": "type.googleapis.com/google.rpc.BadRequest", "error.details.0.fieldViolations.0.field": "generation_config"}, contains: `Unknown name \"responseJsonSchema\"`},
	},
	Groq: {
		ModeUnauthorized: {status: 401, fields: map[string]any{"error.code": "invalid_api_key", "error.message": "Invalid API Key"}},
		ModeUnknownModel: {status: 404, fields: map[string]any{"error.code": "model_not_found"}},
		ModeRateLimited: {status: 429, fields: map[string]any{"error.code": "rate_limit_exceeded", "error.type": "tokens"}, contains: "Please try again in 5.289s.",
			headers: map[string]string{"retry-after": "6", "x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "5.289s"}},
		ModeQuota:      {status: 413, fields: map[string]any{"error.code": "rate_limit_exceeded"}, contains: "Request too large for model `test-model`", headers: map[string]string{"retry-after": ""}},
		ModeOverloaded: {status: 498, fields: map[string]any{"error.code": "capacity_exceeded"}},
		ModeTooLarge:   {status: 413, fields: map[string]any{"error.code": "request_too_large"}},
		ModeBadRequest: {status: 400, fields: map[string]any{"error.type": "invalid_request_error", "error.param": "response_format", "error.code": "invalid_value"}, contains: "response format `json_schema`"},
	},
	Cloudflare: {
		ModeUnauthorized: {status: 401, fields: map[string]any{"success": false, "result": nil, "errors.0.code": 10000.0}},
		ModeUnknownModel: {status: 400, fields: map[string]any{"success": false, "errors.0.code": 5007.0}, contains: "No such model @cf/meta/llama-3.1-8b-instruct"},
		ModeRateLimited:  {status: 429, fields: map[string]any{"errors.0.code": 3040.0}, headers: map[string]string{"retry-after": ""}},
		ModeQuota:        {status: 429, fields: map[string]any{"errors.0.code": 3036.0}, contains: "daily free allocation"},
		ModeOverloaded:   {status: 408, fields: map[string]any{"errors.0.code": 3007.0}},
		ModeTooLarge:     {status: 413, fields: map[string]any{"errors.0.code": 3006.0}},
		ModeBadRequest:   {status: 400, fields: map[string]any{"success": false, "result": nil, "errors.0.code": 5006.0}, contains: "'/response_format'"},
	},
	HuggingFace: {
		ModeUnauthorized: {status: 401, fields: map[string]any{"error": "Invalid credentials in Authorization header"}},
		ModeUnknownModel: {status: 400, fields: map[string]any{"error.code": "model_not_supported"}, contains: "is not supported by any provider you have enabled"},
		ModeRateLimited:  {status: 429, headers: map[string]string{"retry-after": ""}},
		ModeQuota:        {status: 402, contains: "exceeded your monthly included credits"},
		ModeOverloaded:   {status: 503},
		ModeTooLarge:     {status: 400, fields: map[string]any{"error.code": 400.0}, contains: "maximum context length"},
		ModeBadRequest:   {status: 400, fields: map[string]any{"error.type": "BadRequestError", "error.param": "response_format", "error.code": 400.0}, contains: "'response_format'"},
	},
}

func TestErrorModes(t *testing.T) {
	for _, endpoint := range wireProviders {
		for mode, want := range errorTable[providerOf(endpoint)] {
			t.Run(endpoint+"/"+string(mode), func(t *testing.T) {
				if endpoint == cloudflareCompat && mode == ModeUnknownModel {
					want.contains = "No such model test-model" // the model is in the body there
				}
				s := New()
				mustSetMode(t, s, providerOf(endpoint), mode, 1)
				w := generate(t, s, endpoint)
				want.check(t, w.Code, w.Header(), w.Body.Bytes())
				checkErrorShape(t, providerOf(endpoint), w.Code, w.Body.Bytes())
				if w := generate(t, s, endpoint); w.Code != http.StatusOK {
					t.Errorf("the mode outlived its count: %d", w.Code)
				}
			})
		}
	}
}

// checkErrorShape asserts body is an error body in provider's own format,
// with no field that format lacks (Hugging Face passes through whatever an
// inference provider adds).
func checkErrorShape(t *testing.T, provider string, status int, body []byte) {
	t.Helper()
	strict := func(v any) {
		t.Helper()
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v); err != nil {
			t.Fatalf("not %s's error format: %v\n%s", provider, err, body)
		}
	}
	var ok bool
	switch provider {
	case OpenAI:
		var e struct{ Error map[string]json.RawMessage }
		strict(&e)
		_, ok = e.Error["message"]
		for _, key := range []string{"type", "param", "code"} {
			_, has := e.Error[key]
			ok = ok && has // OpenAI writes each, null when it has none
		}
		ok = ok && len(e.Error) == 4
	case Groq:
		var e struct{ Error groqError }
		strict(&e)
		ok = e.Error.Message != "" && e.Error.Type != ""
	case Gemini:
		var e struct{ Error googleError }
		strict(&e)
		ok = e.Error.Code == status && e.Error.Message != "" && e.Error.Status != ""
	case Cloudflare:
		var e struct {
			Result   json.RawMessage
			Success  bool
			Errors   []cfDetail
			Messages []cfDetail
		}
		strict(&e)
		ok = !e.Success && string(e.Result) == "null" && len(e.Errors) > 0 && e.Errors[0].Code != 0 && e.Errors[0].Message != "" && e.Messages != nil
	case HuggingFace:
		var e struct{ Error json.RawMessage }
		mustUnmarshal(t, body, &e)
		var text string
		var obj struct{ Message string }
		ok = json.Unmarshal(e.Error, &text) == nil && text != "" || json.Unmarshal(e.Error, &obj) == nil && obj.Message != ""
	}
	if !ok {
		t.Errorf("not %s's error format: %s", provider, body)
	}
}

func TestProxyFailures(t *testing.T) {
	for _, endpoint := range wireProviders {
		s := New()
		mustSetMode(t, s, providerOf(endpoint), ModeHTML502, 1)
		w := generate(t, s, endpoint)
		if w.Code != http.StatusBadGateway || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") || !strings.Contains(w.Body.String(), "<html>") {
			t.Errorf("%s html-502: %d %q %s", endpoint, w.Code, w.Header().Get("Content-Type"), w.Body)
		}
		mustSetMode(t, s, providerOf(endpoint), ModeEmpty503, 1)
		w = generate(t, s, endpoint)
		if w.Code != http.StatusServiceUnavailable || w.Body.Len() != 0 || w.Header().Get("Content-Length") != "0" {
			t.Errorf("%s empty-503: %d %q", endpoint, w.Code, w.Body)
		}
	}
}

func TestMissingKey(t *testing.T) {
	wants := map[string]wantReply{
		OpenAI:      {status: 401, fields: map[string]any{"error.code": nil, "error.type": "invalid_request_error"}, contains: "You didn't provide an API key"},
		Gemini:      {status: 403, fields: map[string]any{"error.status": "PERMISSION_DENIED"}, contains: "unregistered callers"},
		Groq:        {status: 401, fields: map[string]any{"error.code": "invalid_api_key"}},
		Cloudflare:  {status: 400, fields: map[string]any{"errors.0.code": 9106.0, "success": false}},
		HuggingFace: {status: 401, fields: map[string]any{"error": "Invalid credentials in Authorization header"}},
	}
	for provider, want := range wants {
		for _, path := range []string{generatePath[provider], probePath[provider]} {
			method := http.MethodPost
			if path == probePath[provider] {
				method = http.MethodGet
			}
			w := send(t, New(), provider, method, path, "", map[string]any{"model": "m"})
			want.check(t, w.Code, w.Header(), w.Body.Bytes())
		}
	}
	// A key in some other header is no key.
	w := send(t, New(), OpenAI, http.MethodGet, "/gemini/v1beta/models", testKey, nil)
	if w.Code != http.StatusForbidden {
		t.Errorf("gemini with a Bearer key: %d", w.Code)
	}
	// Gemini also takes the key as a query parameter.
	w = send(t, New(), OpenAI, http.MethodGet, "/gemini/v1beta/models?key=AIzaTEST", "", nil)
	if w.Code != http.StatusOK {
		t.Errorf("gemini with ?key=: %d %s", w.Code, w.Body)
	}
}

func TestNotFound(t *testing.T) {
	tests := []struct {
		provider, method, path string
		want                   wantReply
	}{
		{OpenAI, "POST", "/openai/v1/completions", wantReply{status: 404, contains: "Invalid URL (POST /v1/completions)"}},
		{OpenAI, "POST", "/openai/v1/models", wantReply{status: 404, contains: "Invalid URL (POST /v1/models)"}},
		{Groq, "GET", "/groq/openai/v1/chat", wantReply{status: 404, fields: map[string]any{"error.code": "unknown_url"}}},
		{Gemini, "POST", "/gemini/v1beta/models/gemini-2.5-flash:streamGenerateContent", wantReply{status: 404, fields: map[string]any{"error.status": "NOT_FOUND"}}},
		{Cloudflare, "GET", "/cloudflare/client/v4/accounts/acc/ai/models", wantReply{status: 400, fields: map[string]any{"errors.0.code": 7000.0}}},
		{HuggingFace, "GET", "/huggingface/v2/models", wantReply{status: 404}},
	}
	for _, tt := range tests {
		s := New()
		w := send(t, s, tt.provider, tt.method, tt.path, testKey, nil)
		tt.want.check(t, w.Code, w.Header(), w.Body.Bytes())
		if s.Requests(tt.provider)+s.Probes(tt.provider) != 0 {
			t.Errorf("%s %s was counted", tt.method, tt.path)
		}
	}
}

func TestBadRequests(t *testing.T) {
	tests := []struct {
		name, endpoint string
		body           any
		want           wantReply
	}{
		{"openai not JSON", OpenAI, []byte("{"), wantReply{status: 400, contains: "We could not parse the JSON body"}},
		{"openai no model", OpenAI, map[string]any{"messages": []any{map[string]any{"role": "user", "content": "hi"}}}, wantReply{status: 400, contains: "you must provide a model parameter"}},
		{"groq no messages", Groq, map[string]any{"model": "m"}, wantReply{status: 400, contains: "'messages'"}},
		{"openai json_schema without name", OpenAI, map[string]any{
			"model": "m", "messages": []any{map[string]any{"role": "user", "content": "hi"}},
			"response_format": map[string]any{"type": "json_schema", "json_schema": map[string]any{"type": "object"}},
		}, wantReply{status: 400, contains: "response_format.json_schema.name"}},
		{"openai json_object without the word", OpenAI, map[string]any{
			"model": "m", "messages": []any{map[string]any{"role": "user", "content": "hi"}},
			"response_format": map[string]any{"type": "json_object"},
		}, wantReply{status: 400, contains: "must contain the word 'json'"}},
		{"gemini not JSON", Gemini, []byte("nope"), wantReply{status: 400, fields: map[string]any{"error.status": "INVALID_ARGUMENT"}}},
		{"gemini no contents", Gemini, map[string]any{}, wantReply{status: 400, contains: "contents is not specified"}},
		{"cloudflare no prompt or messages", Cloudflare, map[string]any{"max_tokens": 10}, wantReply{status: 400, fields: map[string]any{"errors.0.code": 5006.0}, contains: "oneOf at '/' not met"}},
		{"huggingface not JSON", HuggingFace, []byte("["), wantReply{status: 400}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := send(t, New(), providerOf(tt.endpoint), http.MethodPost, generatePath[tt.endpoint], testKey, tt.body)
			tt.want.check(t, w.Code, w.Header(), w.Body.Bytes())
		})
	}
}

func TestTooLargeBody(t *testing.T) {
	body := make([]byte, maxRequestBytes+1)
	w := send(t, New(), OpenAI, http.MethodPost, generatePath[OpenAI], testKey, body)
	errorTable[OpenAI][ModeTooLarge].check(t, w.Code, w.Header(), w.Body.Bytes())
}

func TestMaskKey(t *testing.T) {
	for key, want := range map[string]string{
		"sk-proj-abcdefghijklmnopabcd": "sk-proj-****abcd",
		"sk-0123456789xyzw":            "sk-****xyzw",
		"sk-short":                     "sk-****",
		"plain-token-with-tail":        "****tail",
	} {
		if got := maskKey(key); got != want {
			t.Errorf("maskKey(%q) = %q, want %q", key, got, want)
		}
	}
}

func TestProbes(t *testing.T) {
	for provider, path := range probePath {
		w := send(t, New(), provider, http.MethodGet, path, testKey, nil)
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", provider, w.Code, w.Body)
		}
		var body map[string]any
		mustUnmarshal(t, w.Body.Bytes(), &body)
		var ok bool
		switch provider {
		case Gemini:
			models, _ := body["models"].([]any)
			ok = len(models) > 0 && strings.HasPrefix(models[0].(map[string]any)["name"].(string), "models/")
		case Cloudflare:
			v, _ := jsonAt(t, w.Body.Bytes(), "result.status")
			ok = body["success"] == true && v == "active"
		default:
			data, _ := body["data"].([]any)
			ok = body["object"] == "list" && len(data) > 0
		}
		if !ok {
			t.Errorf("%s probe: %s", provider, w.Body)
		}
		if b, _ := json.Marshal(body); strings.Contains(string(b), testKey) {
			t.Errorf("%s probe echoes the key", provider)
		}
	}
}
