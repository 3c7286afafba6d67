package fakeprovider

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"

	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
)

// The official OpenAI SDK against the fake, on every OpenAI-shaped base: what
// it parses, the fake's answers are, and what it refuses, the real API's
// refusals make it refuse too.

// openAIBase is the base URL the SDK is given for an OpenAI-shaped endpoint.
func openAIBase(serverURL, endpoint string) string {
	if endpoint == cloudflareCompat {
		return BaseURL(serverURL, Cloudflare) + "/accounts/acc123/ai/v1"
	}
	return BaseURL(serverURL, endpoint)
}

var openAIEndpoints = []string{OpenAI, Groq, HuggingFace, cloudflareCompat}

// openAIClient is the SDK as the operator configures it: the fake's base,
// no retries of its own.
func openAIClient(srv interface{ Client() *http.Client }, base string, opts ...option.RequestOption) openai.Client {
	return openai.NewClient(append([]option.RequestOption{
		option.WithBaseURL(base), option.WithAPIKey(testKey), option.WithMaxRetries(0), option.WithHTTPClient(srv.Client()),
	}, opts...)...)
}

// chatParams is the operator's request for d.
func chatParams(d engine.Data) openai.ChatCompletionNewParams {
	p := engine.BuildPrompt(d)
	return openai.ChatCompletionNewParams{
		Model:    "test-model",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.SystemMessage(p.System), openai.UserMessage(p.User)},
		ResponseFormat: openai.ChatCompletionNewParamsResponseFormatUnion{OfJSONSchema: &shared.ResponseFormatJSONSchemaParam{
			JSONSchema: shared.ResponseFormatJSONSchemaJSONSchemaParam{Name: "forecast", Schema: p.Schema, Strict: openai.Bool(true)},
		}},
		MaxCompletionTokens: openai.Int(4096),
	}
}

func TestOpenAISDKReadsAnswers(t *testing.T) {
	titles := map[string]string{OpenAI: "OpenAI", Groq: "Groq", HuggingFace: "Hugging Face", cloudflareCompat: "Cloudflare"}
	for _, endpoint := range openAIEndpoints {
		t.Run(endpoint, func(t *testing.T) {
			s := New()
			srv := serve(t, s)
			client := openAIClient(srv, openAIBase(srv.URL, endpoint))
			var resp *http.Response
			res, err := client.Chat.Completions.New(context.Background(), chatParams(portData()), option.WithResponseInto(&resp))
			if err != nil {
				t.Fatal(err)
			}
			checkForecast(t, titles[endpoint], res.Choices[0].Message.Content)
			if res.Choices[0].FinishReason != "stop" || res.Usage.TotalTokens == 0 || res.Model != "test-model" {
				t.Errorf("finish %q, usage %+v, model %q", res.Choices[0].FinishReason, res.Usage, res.Model)
			}
			if hasLimits := resp.Header.Get("x-ratelimit-remaining-requests") != ""; hasLimits != (endpoint == OpenAI || endpoint == Groq) {
				t.Errorf("rate-limit headers: %v", resp.Header)
			}
			// What the SDK sent is kept, and it carried the operator's schema.
			if last := s.LastRequest(providerOf(endpoint)); !bytes.Contains(last, []byte(`"json_schema":{"name":"forecast"`)) || bytes.Contains(last, []byte(testKey)) {
				t.Errorf("last request %s", last)
			}
			if s.Requests(providerOf(endpoint)) != 1 {
				t.Errorf("%d requests for one call", s.Requests(providerOf(endpoint)))
			}
			if endpoint != cloudflareCompat {
				page, err := client.Models.List(context.Background())
				if err != nil || len(page.Data) == 0 {
					t.Errorf("models: %v %+v", err, page)
				}
			}
		})
	}
}

func TestOpenAISDKReadsBadAnswers(t *testing.T) {
	for _, endpoint := range openAIEndpoints {
		s := New()
		srv := serve(t, s)
		client := openAIClient(srv, openAIBase(srv.URL, endpoint))
		tests := []struct {
			mode  Mode
			check func(res *openai.ChatCompletion) bool
		}{
			{ModeTruncated, func(res *openai.ChatCompletion) bool { return res.Choices[0].FinishReason == "length" }},
			{ModeEmpty, func(res *openai.ChatCompletion) bool { return len(res.Choices) == 0 }},
			{ModeBlocked, func(res *openai.ChatCompletion) bool {
				return res.Choices[0].FinishReason == "content_filter" && res.Choices[0].Message.Content == ""
			}},
			{ModeFenced, func(res *openai.ChatCompletion) bool {
				return bytes.Contains([]byte(res.Choices[0].Message.Content), []byte("```json"))
			}},
		}
		for _, tt := range tests {
			mustSetMode(t, s, providerOf(endpoint), tt.mode, 1)
			res, err := client.Chat.Completions.New(context.Background(), chatParams(portData()))
			if err != nil || !tt.check(res) {
				t.Errorf("%s %s: %v %+v", endpoint, tt.mode, err, res)
			}
		}
	}
}

// sdkLosesStatus are Hugging Face's refusals whose "error" is a string: the
// SDK (v3.98.0) fails to decode them into *openai.Error and returns a bare
// JSON error, so a client must take the status from the response itself.
var sdkLosesStatus = map[Mode]bool{ModeUnauthorized: true, ModeRateLimited: true, ModeQuota: true, ModeOverloaded: true}

func TestOpenAISDKSurfacesErrors(t *testing.T) {
	for _, endpoint := range openAIEndpoints {
		want := map[Mode]int{ModeHTML502: 502, ModeEmpty503: 503}
		for mode, w := range errorTable[providerOf(endpoint)] {
			want[mode] = w.status
		}
		for mode, status := range want {
			t.Run(endpoint+"/"+string(mode), func(t *testing.T) {
				s := New()
				srv := serve(t, s)
				client := openAIClient(srv, openAIBase(srv.URL, endpoint))
				mustSetMode(t, s, providerOf(endpoint), mode, 1)
				var resp *http.Response
				_, err := client.Chat.Completions.New(context.Background(), chatParams(portData()), option.WithResponseInto(&resp))
				var apiErr *openai.Error
				switch {
				case endpoint == HuggingFace && sdkLosesStatus[mode]:
					if errors.As(err, &apiErr) {
						t.Fatalf("the SDK now decodes a string error: %v; update sdkLosesStatus", err)
					}
					if err == nil || resp == nil || resp.StatusCode != status {
						t.Errorf("err %v; the status must still be on the response: %v", err, resp)
					}
				case !errors.As(err, &apiErr):
					t.Fatalf("error %T %v, want *openai.Error", err, err)
				case apiErr.StatusCode != status:
					t.Errorf("status %d, want %d", apiErr.StatusCode, status)
				}
				if err != nil && bytes.Contains([]byte(err.Error()), []byte(testKey)) {
					t.Errorf("the error echoes the key: %v", err)
				}
				if s.Requests(providerOf(endpoint)) != 1 {
					t.Errorf("the SDK retried: %d requests", s.Requests(providerOf(endpoint)))
				}
				// Cloudflare's code is not in the SDK's error fields; only the
				// body tells a spent allocation (3036) from a busy one (3040).
				if endpoint == cloudflareCompat && mode == ModeQuota && (apiErr.Code != "" || !bytes.Contains(apiErr.DumpResponse(true), []byte(`"code":3036`))) {
					t.Errorf("code %q; body %s", apiErr.Code, apiErr.DumpResponse(true))
				}
				// The refused parameter reaches the SDK's error, except on
				// Cloudflare, whose envelope has no such field.
				if mode == ModeBadRequest && endpoint != cloudflareCompat && apiErr.Param != "response_format" {
					t.Errorf("param %q, want response_format", apiErr.Param)
				}
				if endpoint == OpenAI && mode == ModeUnauthorized && apiErr.Message != "Incorrect API key provided: sk-proj-****abcd. You can find your API key at https://platform.openai.com/account/api-keys." {
					t.Errorf("message %q", apiErr.Message)
				}
			})
		}
	}
}

// TestOpenAISDKPassesTheEngine is the whole path: the operator's prompt, sent
// by the SDK, answered by the fake, normalized by the engine.
func TestOpenAISDKPassesTheEngine(t *testing.T) {
	d := portData()
	for _, endpoint := range openAIEndpoints {
		s := New()
		srv := serve(t, s)
		client := openAIClient(srv, openAIBase(srv.URL, endpoint))
		res, err := client.Chat.Completions.New(context.Background(), chatParams(d))
		if err != nil {
			t.Fatal(err)
		}
		r, err := engine.Normalize(res.Choices[0].Message.Content, d)
		if err != nil {
			t.Fatalf("%s: the engine refuses the good answer: %v", endpoint, err)
		}
		if len(r.Predictions) != d.Horizon || r.Predictions[0].Period != "2025-07" || r.Summary == "" {
			t.Errorf("%s: result %+v", endpoint, r)
		}
	}
}
