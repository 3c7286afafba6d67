package providers

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// openaiErrorRow is one row of the PROVIDERS.md error table as a provider
// sends it. "$KEY" in a body or header is replaced by the API key, as
// providers echo a bad key back.
type openaiErrorRow struct {
	provider, name string
	status         int
	header         http.Header
	body           string
	class          Class
	reason         string
	retryAfter     time.Duration
}

var openaiErrorRows = []openaiErrorRow{
	// OpenAI
	{"openai", "bad key", 401, nil, `{"error":{"message":"Incorrect API key provided: $KEY. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`, Rejected, ReasonUnauthorized, 0},
	{"openai", "unknown model", 404, nil, `{"error":{"message":"The model ` + "`gpt-9`" + ` does not exist or you do not have access to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}}`, Rejected, ReasonUnknownModel, 0},
	{"openai", "rate limited, retry-after-ms", 429, http.Header{"Retry-After-Ms": {"1500"}, "Retry-After": {"2"}}, `{"error":{"message":"Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3.","type":"requests","param":null,"code":"rate_limit_exceeded"}}`, RateLimited, ReasonRateLimited, 1500 * time.Millisecond},
	{"openai", "rate limited, retry-after", 429, http.Header{"Retry-After": {"20"}}, `{"error":{"message":"Rate limit reached.","type":"requests","code":"rate_limit_exceeded"}}`, RateLimited, ReasonRateLimited, 20 * time.Second},
	{"openai", "rate limited, wait in message", 429, nil, `{"error":{"message":"Rate limit reached for gpt-4o-mini on tokens per min (TPM): Limit 30000, Used 29000, Requested 1800. Please try again in 5.289s.","type":"tokens","code":"rate_limit_exceeded"}}`, RateLimited, ReasonRateLimited, 5289 * time.Millisecond},
	{"openai", "rate limited, requests reset", 429, http.Header{"X-Ratelimit-Remaining-Requests": {"0"}, "X-Ratelimit-Reset-Requests": {"12ms"}, "X-Ratelimit-Remaining-Tokens": {"900"}, "X-Ratelimit-Reset-Tokens": {"1m2.5s"}}, `{"error":{"message":"Rate limit reached.","type":"requests","code":"rate_limit_exceeded"}}`, RateLimited, ReasonRateLimited, 12 * time.Millisecond},
	{"openai", "rate limited, tokens reset", 429, http.Header{"X-Ratelimit-Reset-Tokens": {"1m2.5s"}}, `{"error":{"message":"Rate limit reached.","type":"tokens","code":"rate_limit_exceeded"}}`, RateLimited, ReasonRateLimited, 62500 * time.Millisecond},
	{"openai", "quota gone", 429, nil, `{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}`, Rejected, ReasonQuotaExhausted, 0},
	{"openai", "server error", 500, nil, `{"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}`, Transient, ReasonServerError, 0},
	{"openai", "overloaded", 503, nil, `{"error":{"message":"The server is overloaded or not ready yet.","type":"server_error","code":"server_is_overloaded"}}`, Transient, ReasonServerError, 0},
	{"openai", "context too long", 400, nil, `{"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}`, RequestCaused, ReasonRequestTooLarge, 0},
	{"openai", "bad request", 400, nil, `{"error":{"message":"Invalid schema for response_format 'forecast'.","type":"invalid_request_error","param":"response_format","code":null}}`, RequestCaused, ReasonBadRequest, 0},
	{"openai", "invalid value naming a parameter", 400, nil, `{"error":{"message":"Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) value is supported.","type":"invalid_request_error","param":"temperature","code":"unsupported_value"}}`, RequestCaused, ReasonBadRequest, 0},
	// A parameter error whose words would pass for an unknown model.
	{"openai", "parameter error mentioning a model", 400, nil, `{"error":{"message":"Invalid 'tools[0].function.name': the function model does not exist.","type":"invalid_request_error","param":"tools[0].function.name","code":"invalid_value"}}`, RequestCaused, ReasonBadRequest, 0},
	{"openai", "429 without a code", 429, nil, `{"error":{"message":"Too Many Requests","type":"requests","param":null,"code":null}}`, RateLimited, ReasonRateLimited, 0},
	{"openai", "413 from a proxy", 413, http.Header{"Content-Type": {"text/html"}}, `<html><body>413 Request Entity Too Large</body></html>`, RequestCaused, ReasonRequestTooLarge, 0},
	{"openai", "a 4xx no table knows", 409, nil, `{"error":{"message":"Another request is in flight.","type":"invalid_request_error","param":null,"code":null}}`, RequestCaused, ReasonBadRequest, 0},
	// Groq
	{"groq", "bad key", 401, nil, `{"error":{"message":"Invalid API Key: $KEY","type":"invalid_request_error","code":"invalid_api_key"}}`, Rejected, ReasonUnauthorized, 0},
	{"groq", "unknown model", 404, nil, `{"error":{"message":"The model ` + "`llama-9`" + ` does not exist or you do not have access to it.","type":"invalid_request_error","code":"model_not_found"}}`, Rejected, ReasonUnknownModel, 0},
	{"groq", "rate limited", 429, http.Header{"Retry-After": {"7"}}, `{"error":{"message":"Rate limit reached for model ` + "`llama-3.3-70b-versatile`" + ` in organization ` + "`org_01`" + ` service tier ` + "`on_demand`" + ` on tokens per minute (TPM): Limit 6000, Used 5990, Requested 500. Please try again in 4.9s. Visit https://console.groq.com/docs/rate-limits for more information.","type":"tokens","code":"rate_limit_exceeded"}}`, RateLimited, ReasonRateLimited, 7 * time.Second},
	{"groq", "rate limited, wait in message only", 429, nil, `{"error":{"message":"Rate limit reached on requests per day (RPD): Limit 1000, Used 1000. Please try again in 1m2.5s.","type":"requests","code":"rate_limit_exceeded"}}`, RateLimited, ReasonRateLimited, 62500 * time.Millisecond},
	{"groq", "quota: request over the TPM limit", 413, nil, `{"error":{"message":"Request too large for model ` + "`llama-3.3-70b-versatile`" + ` in organization ` + "`org_01`" + ` service tier ` + "`on_demand`" + ` on tokens per minute (TPM): Limit 6000, Requested 7233, please reduce your message size and try again.","type":"tokens","code":"rate_limit_exceeded"}}`, Rejected, ReasonQuotaExhausted, 0},
	{"groq", "request too big", 413, nil, `{"error":{"message":"Request Entity Too Large","type":"invalid_request_error","code":"request_too_large"}}`, RequestCaused, ReasonRequestTooLarge, 0},
	{"groq", "flex capacity", 498, nil, `{"error":{"message":"Flex tier capacity exceeded. This is a temporary error.","type":"capacity_exceeded","code":"capacity_exceeded"}}`, Transient, ReasonServerError, 0},
	{"groq", "500", 500, nil, `{"error":{"message":"Internal Server Error","type":"internal_server_error"}}`, Transient, ReasonServerError, 0},
	{"groq", "502", 502, nil, `{"error":{"message":"Bad Gateway","type":"bad_gateway"}}`, Transient, ReasonServerError, 0},
	{"groq", "503", 503, http.Header{"Retry-After": {"3"}}, `{"error":{"message":"Service Unavailable","type":"service_unavailable"}}`, Transient, ReasonServerError, 3 * time.Second},
	{"groq", "context too long", 400, nil, `{"error":{"message":"Please reduce the length of the messages or completion.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}`, RequestCaused, ReasonRequestTooLarge, 0},
	{"groq", "json_schema not supported, naming the parameter", 400, nil, `{"error":{"message":"This model does not support response format ` + "`json_schema`" + `. See supported models at https://console.groq.com/docs/structured-outputs#supported-models","type":"invalid_request_error","param":"response_format","code":"invalid_value"}}`, RequestCaused, ReasonBadRequest, 0},
	{"groq", "429 without a hint", 429, nil, `{"error":{"message":"Rate limit reached.","type":"requests","code":"rate_limit_exceeded"}}`, RateLimited, ReasonRateLimited, 0},
	// Cloudflare
	{"cloudflare", "bad key", 401, nil, `{"success":false,"errors":[{"code":10000,"message":"Authentication error: $KEY"}],"messages":[],"result":null}`, Rejected, ReasonUnauthorized, 0},
	{"cloudflare", "no such model", 400, nil, `{"success":false,"errors":[{"code":5007,"message":"No such model @cf/nope or task"}],"result":null}`, Rejected, ReasonUnknownModel, 0},
	{"cloudflare", "invalid model ID", 404, nil, `{"success":false,"errors":[{"code":3042,"message":"The model name is invalid"}],"result":null}`, Rejected, ReasonUnknownModel, 0},
	{"cloudflare", "busy", 429, nil, `{"success":false,"errors":[{"code":3040,"message":"No more data centers to forward the request to"}],"result":null}`, RateLimited, ReasonRateLimited, 0},
	{"cloudflare", "daily allocation", 429, nil, `{"success":false,"errors":[{"code":3036,"message":"You have used up your daily free allocation of 10,000 neurons."}],"result":null}`, Rejected, ReasonQuotaExhausted, 0},
	{"cloudflare", "timeout", 408, nil, `{"success":false,"errors":[{"code":3007,"message":"Request timeout"}],"result":null}`, Transient, ReasonTimeout, 0},
	{"cloudflare", "too large", 413, nil, `{"success":false,"errors":[{"code":3006,"message":"Request is too large"}],"result":null}`, RequestCaused, ReasonRequestTooLarge, 0},
	{"cloudflare", "server", 500, nil, `{"success":false,"errors":[{"code":3043,"message":"Internal server error"}],"result":null}`, Transient, ReasonServerError, 0},
	{"cloudflare", "OpenAI-shaped error", 400, nil, `{"error":{"message":"model not found","type":"invalid_request_error","code":"model_not_found"}}`, Rejected, ReasonUnknownModel, 0},
	{"cloudflare", "native: bad input", 400, nil, `{"success":false,"errors":[{"code":5006,"message":"AiError: Bad input: Error: Invalid value of '/response_format': this model does not support JSON schema mode"}],"messages":[],"result":null}`, RequestCaused, ReasonBadRequest, 0},
	{"cloudflare", "native: 429 without a code", 429, nil, `{"success":false,"errors":[],"messages":[],"result":null}`, RateLimited, ReasonRateLimited, 0},
	{"cloudflare", "OpenAI-compatible: invalid request naming a parameter", 400, nil, `{"error":{"message":"Invalid value for 'response_format'.","type":"invalid_request_error","param":"response_format","code":null}}`, RequestCaused, ReasonBadRequest, 0},
	{"cloudflare", "OpenAI-compatible: rate limited", 429, nil, `{"error":{"message":"Rate limit exceeded.","type":"rate_limit_error","code":"rate_limit_exceeded"}}`, RateLimited, ReasonRateLimited, 0},
	// Hugging Face
	{"huggingface", "bad key", 401, nil, `{"error":"Invalid credentials in Authorization header: $KEY"}`, Rejected, ReasonUnauthorized, 0},
	{"huggingface", "model not served", 400, nil, `{"error":"The requested model 'meta-llama/Nope' is not supported by any provider you have enabled."}`, Rejected, ReasonUnknownModel, 0},
	{"huggingface", "model does not exist", 400, nil, `{"error":{"message":"The requested model 'x/y' does not exist.","type":"invalid_request_error","param":"model","code":"model_not_found"}}`, Rejected, ReasonUnknownModel, 0},
	{"huggingface", "model does not exist, as a string", 404, nil, `{"error":"Model x/y does not exist"}`, Rejected, ReasonUnknownModel, 0},
	{"huggingface", "rate limited, no header", 429, nil, `{"error":"Too many requests, please wait before trying again."}`, RateLimited, ReasonRateLimited, 0},
	{"huggingface", "credits", 402, nil, `{"error":"You have exceeded your monthly included credits for Inference Providers. Subscribe to PRO to get 20x more monthly included credits."}`, Rejected, ReasonQuotaExhausted, 0},
	{"huggingface", "credits on another status", 403, nil, `{"error":"You have exceeded your monthly included credits for Inference Providers."}`, Rejected, ReasonQuotaExhausted, 0},
	{"huggingface", "router code as a number", 402, nil, `{"error":{"message":"Insufficient credits.","code":402}}`, Rejected, ReasonQuotaExhausted, 0},
	{"huggingface", "unavailable", 503, nil, `{"error":"Service Unavailable"}`, Transient, ReasonServerError, 0},
	{"huggingface", "context passed through", 400, nil, `{"error":{"message":"This model's maximum context length is 8192 tokens.","type":"BadRequestError"}}`, RequestCaused, ReasonRequestTooLarge, 0},
	{"huggingface", "fields of odd types", 400, nil, `{"errors":"none","error":{"message":"bad key","type":["x"],"code":"invalid_api_key"}}`, Rejected, ReasonUnauthorized, 0},
	{"huggingface", "null error, top-level message", 429, nil, `{"error":null,"message":"Please try again in 2s."}`, RateLimited, ReasonRateLimited, 2 * time.Second},
	{"huggingface", "detail body", 422, nil, `{"detail":"Input validation error"}`, RequestCaused, ReasonBadRequest, 0},
	{"huggingface", "upstream 400 naming a parameter", 400, nil, `{"error":{"object":"error","message":"Invalid value for 'response_format': the json_schema is not supported by the guided decoding backend.","type":"BadRequestError","param":"response_format","code":400}}`, RequestCaused, ReasonBadRequest, 0},
	{"huggingface", "model not supported, naming the model", 400, nil, `{"error":{"message":"The requested model 'x/y' is not supported by any provider you have enabled.","type":"invalid_request_error","param":"model","code":"model_not_supported"}}`, Rejected, ReasonUnknownModel, 0},
	{"huggingface", "413 passed through", 413, nil, `{"error":"Payload Too Large"}`, RequestCaused, ReasonRequestTooLarge, 0},
}

// openaiHostileBodies are bodies every provider may send on a failure;
// they are classified by status.
var openaiHostileBodies = []openaiErrorRow{
	{name: "HTML 502", status: 502, header: http.Header{"Content-Type": {"text/html"}}, body: "<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>", class: Transient, reason: ReasonServerError},
	{name: "empty 503", status: 503, body: "", class: Transient, reason: ReasonServerError},
	{name: "HTML 401", status: 401, header: http.Header{"Content-Type": {"text/html"}}, body: "<html>401 Authorization Required $KEY</html>", class: Rejected, reason: ReasonUnauthorized},
	{name: "plain-text 429", status: 429, header: http.Header{"Content-Type": {"text/plain"}}, body: "slow down $KEY", class: RateLimited, reason: ReasonRateLimited},
	{name: "JSON array 500", status: 500, body: `[1,2]`, class: Transient, reason: ReasonServerError},
	{name: "null error 400", status: 400, body: `{"error":null}`, class: RequestCaused, reason: ReasonBadRequest},
}

// openaiRun sends a forecast to a server answering with row and returns
// the error.
func openaiRun(t *testing.T, provider string, row openaiErrorRow) error {
	t.Helper()
	header := http.Header{}
	for k, vs := range row.header {
		for _, v := range vs {
			header.Add(k, strings.ReplaceAll(v, "$KEY", string(openaiTestKey)))
		}
	}
	header.Set("X-Echo", string(openaiTestKey))
	srv := openaiServe(t, row.status, header, strings.ReplaceAll(row.body, "$KEY", string(openaiTestKey)))
	_, err := openaiBuild(t, provider, srv.URL).Forecast(context.Background(), openaiTestRequest())
	return err
}

func TestOpenAIErrorTable(t *testing.T) {
	check := func(t *testing.T, provider string, row openaiErrorRow) {
		pe := openaiAsError(t, provider, openaiRun(t, provider, row))
		if pe.Class != row.class || pe.Reason != row.reason || pe.StatusCode != row.status || pe.RetryAfter != row.retryAfter {
			t.Errorf("got %s/%s HTTP %d retry %s (%v)\nwant %s/%s HTTP %d retry %s",
				pe.Class, pe.Reason, pe.StatusCode, pe.RetryAfter, pe, row.class, row.reason, row.status, row.retryAfter)
		}
		if pe.Message == "" {
			t.Error("the error has no message")
		}
	}
	for _, row := range openaiErrorRows {
		t.Run(row.provider+"/"+row.name, func(t *testing.T) { check(t, row.provider, row) })
	}
	for _, p := range openaiTestProviders {
		for _, row := range openaiHostileBodies {
			t.Run(p.name+"/"+row.name, func(t *testing.T) { check(t, p.name, row) })
		}
	}
}

func TestOpenAIErrorMessages(t *testing.T) {
	tests := []struct {
		provider string
		row      openaiErrorRow
		want     string
	}{
		{"openai", openaiErrorRows[0], "openai: Unauthorized (HTTP 401): Incorrect API key provided: [redacted]. You can find your API key at https://platform.openai.com/account/api-keys."},
		{"cloudflare", openaiErrorRow{status: 429, body: `{"success":false,"errors":[{"code":3036,"message":"daily allocation used"},{"code":1,"message":"and more"}]}`}, "cloudflare: QuotaExhausted (HTTP 429): daily allocation used; and more"},
		{"groq", openaiHostileBodies[0], "groq: ServerError (HTTP 502): Bad Gateway"},
		{"huggingface", openaiHostileBodies[3], "huggingface: RateLimited (HTTP 429): slow down [redacted]"},
	}
	for _, tt := range tests {
		if got := openaiRun(t, tt.provider, tt.row).Error(); got != tt.want {
			t.Errorf("Error() =\n%s\nwant\n%s", got, tt.want)
		}
	}
}

func TestOpenAIRateLimitReset(t *testing.T) {
	tests := []struct {
		header http.Header
		want   time.Duration
	}{
		{http.Header{"X-Ratelimit-Reset-Requests": {"12ms"}}, 12 * time.Millisecond},
		{http.Header{"X-Ratelimit-Reset-Requests": {"2s"}, "X-Ratelimit-Reset-Tokens": {"1m2.5s"}}, 62500 * time.Millisecond},
		{http.Header{"X-Ratelimit-Reset-Requests": {"2s"}, "X-Ratelimit-Remaining-Requests": {"0"}, "X-Ratelimit-Reset-Tokens": {"1m"}}, 2 * time.Second},
		{http.Header{"X-Ratelimit-Reset-Tokens": {"soon"}}, 0},
		{http.Header{"X-Ratelimit-Reset-Tokens": {"-3s"}}, 0},
		{http.Header{}, 0},
	}
	for _, tt := range tests {
		if got := openaiRateLimitReset(tt.header); got != tt.want {
			t.Errorf("openaiRateLimitReset(%v) = %s, want %s", tt.header, got, tt.want)
		}
	}
	// The reset headers ride on successes too: they are no wait then.
	if d := openaiRetryAfter(500, http.Header{"X-Ratelimit-Reset-Tokens": {"5s"}}, "", time.Now()); d != 0 {
		t.Errorf("a 500 took its wait from the rate-limit reset: %s", d)
	}
}
