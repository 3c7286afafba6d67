package fakeprovider

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"google.golang.org/genai"

	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
)

// The official Gemini SDK against the fake.

// geminiClient is the SDK as the operator configures it: the fake's base,
// the Gemini API backend, no retries (the SDK's default without
// RetryOptions).
func geminiClient(t *testing.T, srv *httptest.Server) *genai.Client {
	t.Helper()
	c, err := genai.NewClient(context.Background(), &genai.ClientConfig{
		APIKey:      "AIzaTESTKEY",
		Backend:     genai.BackendGeminiAPI,
		HTTPClient:  srv.Client(),
		HTTPOptions: genai.HTTPOptions{BaseURL: BaseURL(srv.URL, Gemini)},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// geminiConfig is the operator's generation config for p.
func geminiConfig(p engine.Prompt) *genai.GenerateContentConfig {
	return &genai.GenerateContentConfig{
		SystemInstruction:  genai.NewContentFromText(p.System, genai.RoleUser),
		ResponseMIMEType:   "application/json",
		ResponseJsonSchema: p.Schema,
		MaxOutputTokens:    4096,
	}
}

func generateWithSDK(c *genai.Client, d engine.Data) (*genai.GenerateContentResponse, error) {
	p := engine.BuildPrompt(d)
	return c.Models.GenerateContent(context.Background(), "gemini-2.5-flash", genai.Text(p.User), geminiConfig(p))
}

func TestGeminiSDKReadsAnswers(t *testing.T) {
	s := New()
	srv := serve(t, s)
	c := geminiClient(t, srv)
	d := portData()
	res, err := generateWithSDK(c, d)
	if err != nil {
		t.Fatal(err)
	}
	checkForecast(t, "Gemini", res.Text())
	if res.Candidates[0].FinishReason != genai.FinishReasonStop || res.UsageMetadata.TotalTokenCount == 0 || res.ModelVersion != "gemini-2.5-flash" {
		t.Errorf("finish %q, usage %+v, model %q", res.Candidates[0].FinishReason, res.UsageMetadata, res.ModelVersion)
	}
	if _, err := engine.Normalize(res.Text(), d); err != nil {
		t.Errorf("the engine refuses the good answer: %v", err)
	}
	if last := s.LastRequest(Gemini); !bytes.Contains(last, []byte(`"responseJsonSchema"`)) || s.LastPath(Gemini) != generatePath[Gemini] {
		t.Errorf("last request %s at %s", last, s.LastPath(Gemini))
	}
	page, err := c.Models.List(context.Background(), nil)
	if err != nil || len(page.Items) == 0 || s.Probes(Gemini) != 1 {
		t.Errorf("models: %v %+v, %d probes", err, page.Items, s.Probes(Gemini))
	}

	// responseSchema, the OpenAPI subset, carries the labels as well.
	str, num := &genai.Schema{Type: genai.TypeString}, &genai.Schema{Type: genai.TypeNumber}
	config := &genai.GenerateContentConfig{ResponseMIMEType: "application/json", ResponseSchema: &genai.Schema{
		Type: genai.TypeObject,
		Properties: map[string]*genai.Schema{"predictions": {Type: genai.TypeArray, Items: &genai.Schema{
			Type:       genai.TypeObject,
			Properties: map[string]*genai.Schema{"period": {Type: genai.TypeString, Enum: []string{"Q3", "Q4"}}, "value": num, "lower": num, "upper": num},
		}}, "summary": str},
	}}
	res, err = c.Models.GenerateContent(context.Background(), "gemini-2.5-flash", genai.Text(engine.BuildPrompt(d).User), config)
	if err != nil {
		t.Fatal(err)
	}
	var f forecast
	mustUnmarshal(t, []byte(res.Text()), &f)
	if len(f.Predictions) != 2 || f.Predictions[0].Period != "Q3" || f.Predictions[1].Period != "Q4" {
		t.Errorf("labels from responseSchema: %+v", f.Predictions)
	}
}

func TestGeminiSDKReadsBadAnswers(t *testing.T) {
	s := New()
	c := geminiClient(t, serve(t, s))
	tests := []struct {
		mode  Mode
		check func(res *genai.GenerateContentResponse) bool
	}{
		{ModeTruncated, func(res *genai.GenerateContentResponse) bool {
			return res.Candidates[0].FinishReason == genai.FinishReasonMaxTokens
		}},
		{ModeEmpty, func(res *genai.GenerateContentResponse) bool { return len(res.Candidates) == 0 && res.Text() == "" }},
		{ModeBlocked, func(res *genai.GenerateContentResponse) bool {
			return len(res.Candidates) == 0 && res.PromptFeedback != nil && res.PromptFeedback.BlockReason == genai.BlockedReasonSafety
		}},
		{ModeProse, func(res *genai.GenerateContentResponse) bool { return !bytes.ContainsRune([]byte(res.Text()), '{') }},
	}
	for _, tt := range tests {
		mustSetMode(t, s, Gemini, tt.mode, 1)
		res, err := generateWithSDK(c, portData())
		if err != nil || !tt.check(res) {
			t.Errorf("%s: %v %+v", tt.mode, err, res)
		}
	}
}

func TestGeminiSDKSurfacesErrors(t *testing.T) {
	want := map[Mode]int{ModeHTML502: 502, ModeEmpty503: 503}
	for mode, w := range errorTable[Gemini] {
		want[mode] = w.status
	}
	for mode, status := range want {
		t.Run(string(mode), func(t *testing.T) {
			s := New()
			c := geminiClient(t, serve(t, s))
			mustSetMode(t, s, Gemini, mode, 1)
			_, err := generateWithSDK(c, portData())
			var apiErr genai.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %T %v, want genai.APIError", err, err)
			}
			if apiErr.Code != status || s.Requests(Gemini) != 1 {
				t.Errorf("code %d, want %d; %d requests", apiErr.Code, status, s.Requests(Gemini))
			}
			// The waits and quotas are only in the details.
			switch mode {
			case ModeRateLimited:
				if d := detail(apiErr, "type.googleapis.com/google.rpc.RetryInfo"); d == nil || d["retryDelay"] != "22s" {
					t.Errorf("details %v", apiErr.Details)
				}
			case ModeQuota:
				d := detail(apiErr, "type.googleapis.com/google.rpc.QuotaFailure")
				if v, _ := d["violations"].([]any); len(v) == 0 || v[0].(map[string]any)["quotaId"] != quotaPerDay {
					t.Errorf("details %v", apiErr.Details)
				}
			case ModeBadRequest:
				v, _ := detail(apiErr, "type.googleapis.com/google.rpc.BadRequest")["fieldViolations"].([]any)
				if apiErr.Status != "INVALID_ARGUMENT" || len(v) == 0 || v[0].(map[string]any)["field"] != "generation_config" {
					t.Errorf("error %+v", apiErr)
				}
			case ModeUnauthorized:
				if apiErr.Status != "INVALID_ARGUMENT" || detail(apiErr, "type.googleapis.com/google.rpc.ErrorInfo")["reason"] != "API_KEY_INVALID" {
					t.Errorf("error %+v", apiErr)
				}
			}
		})
	}
}

// detail is the first detail of e of type typ.
func detail(e genai.APIError, typ string) map[string]any {
	for _, d := range e.Details {
		if d["@type"] == typ {
			return d
		}
	}
	return nil
}
