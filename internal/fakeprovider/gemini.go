package fakeprovider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// The Gemini wire format: POST /v1beta/models/{model}:generateContent and
// GET /v1beta/models.

// generateRequest is the part of a generateContent request the fake reads.
type generateRequest struct {
	Contents          []geminiContent `json:"contents"`
	SystemInstruction *geminiContent  `json:"systemInstruction"`
	GenerationConfig  *struct {
		ResponseMimeType   string         `json:"responseMimeType"`
		ResponseJSONSchema map[string]any `json:"responseJsonSchema"`
		ResponseSchema     map[string]any `json:"responseSchema"` // the OpenAPI subset
		MaxOutputTokens    int            `json:"maxOutputTokens"`
	} `json:"generationConfig"`
}

// geminiContent is a turn: a role and its parts.
type geminiContent struct {
	Role  string       `json:"role,omitempty"`
	Parts []geminiPart `json:"parts"`
}

// geminiPart is a part of a turn; the fake reads and writes text only.
type geminiPart struct {
	Text string `json:"text"`
}

// generateResponse is a GenerateContentResponse.
type generateResponse struct {
	Candidates     []candidate     `json:"candidates,omitempty"`
	PromptFeedback *promptFeedback `json:"promptFeedback,omitempty"`
	UsageMetadata  usageMetadata   `json:"usageMetadata"`
	ModelVersion   string          `json:"modelVersion"`
	ResponseID     string          `json:"responseId"`
}

// candidate is a candidate answer.
type candidate struct {
	Content      geminiContent `json:"content"`
	FinishReason string        `json:"finishReason"`
	Index        int           `json:"index"`
}

// promptFeedback is why a prompt was blocked.
type promptFeedback struct {
	BlockReason   string         `json:"blockReason"`
	SafetyRatings []safetyRating `json:"safetyRatings"`
}

// safetyRating is a safety filter's verdict on one category.
type safetyRating struct {
	Category    string `json:"category"`
	Probability string `json:"probability"`
}

// usageMetadata is the tokens a call spent.
type usageMetadata struct {
	PromptTokenCount     int `json:"promptTokenCount"`
	CandidatesTokenCount int `json:"candidatesTokenCount,omitempty"`
	TotalTokenCount      int `json:"totalTokenCount"`
}

// geminiJSON is a Gemini reply: Google's APIs name the charset.
func geminiJSON(status int, v any) reply {
	return jsonReply(status, v).withHeader("Content-Type", "application/json; charset=UTF-8")
}

// generateContent answers POST /v1beta/models/{model}:generateContent.
func generateContent(x *exchange) reply {
	var req generateRequest
	if err := json.Unmarshal(x.body, &req); err != nil {
		return x.refuse(modeMalformed, "Invalid JSON payload received. Unexpected token.")
	}
	if len(req.Contents) == 0 {
		return x.refuse(modeMalformed, "* GenerateContentRequest.contents: contents is not specified\n")
	}
	a := ask{user: geminiUserText(req.Contents)}
	if gc := req.GenerationConfig; gc != nil {
		a.schema, a.maxTokens = gc.ResponseJSONSchema, gc.MaxOutputTokens
		if a.schema == nil {
			a.schema = gc.ResponseSchema
		}
	}
	out := generateResponse{
		UsageMetadata: usageMetadata{PromptTokenCount: tokens(string(x.body))},
		ModelVersion:  x.model,
		ResponseID:    fmt.Sprintf("fake-gemini-%06d", x.seq),
	}
	switch x.mode {
	case ModeEmpty:
	case ModeBlocked:
		out.PromptFeedback = &promptFeedback{BlockReason: "SAFETY", SafetyRatings: []safetyRating{
			{Category: "HARM_CATEGORY_DANGEROUS_CONTENT", Probability: "HIGH"},
			{Category: "HARM_CATEGORY_HARASSMENT", Probability: "NEGLIGIBLE"},
		}}
	default:
		text, cut := answerText(newForecast(x.p.title, a), x.mode, a.maxTokens)
		finish := "STOP"
		if cut {
			finish = "MAX_TOKENS"
		}
		out.Candidates = []candidate{{
			Content:      geminiContent{Role: "model", Parts: []geminiPart{{Text: text}}},
			FinishReason: finish,
		}}
		out.UsageMetadata.CandidatesTokenCount = tokens(text)
	}
	out.UsageMetadata.TotalTokenCount = out.UsageMetadata.PromptTokenCount + out.UsageMetadata.CandidatesTokenCount
	return geminiJSON(http.StatusOK, out)
}

// geminiUserText is the text of the last user turn.
func geminiUserText(contents []geminiContent) string {
	for i := len(contents) - 1; i >= 0; i-- {
		if c := contents[i]; c.Role == "" || c.Role == "user" {
			var b strings.Builder
			for _, p := range c.Parts {
				b.WriteString(p.Text)
			}
			return b.String()
		}
	}
	return ""
}

// geminiModelList answers GET /v1beta/models.
func geminiModelList(x *exchange) reply {
	type model struct {
		Name                       string   `json:"name"`
		Version                    string   `json:"version"`
		DisplayName                string   `json:"displayName"`
		InputTokenLimit            int      `json:"inputTokenLimit"`
		OutputTokenLimit           int      `json:"outputTokenLimit"`
		SupportedGenerationMethods []string `json:"supportedGenerationMethods"`
	}
	list := make([]model, len(x.p.models))
	for i, id := range x.p.models {
		list[i] = model{
			Name: "models/" + id, Version: "001", DisplayName: id,
			InputTokenLimit: 1048576, OutputTokenLimit: 65536,
			SupportedGenerationMethods: []string{"generateContent", "countTokens"},
		}
	}
	return geminiJSON(http.StatusOK, struct {
		Models []model `json:"models"`
	}{list})
}
