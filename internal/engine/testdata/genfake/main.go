// Command genfake writes the fake provider server's answers into
// testdata/answers/fake-*, so the engine's tests read exactly what the fake
// sends in each mode. Run it from internal/engine after changing the fake:
//
//	go run ./testdata/genfake
//
// It lives under testdata so that ./... patterns (builds, vet, tests) skip it.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
	"github.com/bottleneck-io/bottleneck-operator/internal/fakeprovider"
)

// An answer to write: what to ask which endpoint in which mode, and which
// part of the reply the provider client hands to the engine.
type answer struct {
	file     string
	provider string
	mode     fakeprovider.Mode
	data     engine.Data
	noLimit  bool // send no output limit (the request sets max tokens 4096 otherwise)
	envelope bool // write the whole reply body rather than the answer text
	noSchema bool // Cloudflare native without a json_schema: the response is a string
}

func main() {
	port, weekly := portData(), weeklyData()
	answers := []answer{
		{file: "fake-openai-ok.json", provider: fakeprovider.OpenAI, mode: fakeprovider.ModeOK, data: port},
		{file: "fake-gemini-ok.json", provider: fakeprovider.Gemini, mode: fakeprovider.ModeOK, data: port},
		{file: "fake-groq-weekly.json", provider: fakeprovider.Groq, mode: fakeprovider.ModeOK, data: weekly},
		{file: "fake-huggingface-fenced.md", provider: fakeprovider.HuggingFace, mode: fakeprovider.ModeFenced, data: port},
		{file: "fake-cloudflare-native-object.json", provider: fakeprovider.Cloudflare, mode: fakeprovider.ModeOK, data: port, envelope: true},
		{file: "fake-cloudflare-native-string.json", provider: fakeprovider.Cloudflare, mode: fakeprovider.ModeFenced, data: port, envelope: true, noSchema: true},
		// Workers AI cuts silently at its default 256 tokens.
		{file: "fake-cloudflare-native-cut.json", provider: fakeprovider.Cloudflare, mode: fakeprovider.ModeOK, data: port, envelope: true, noLimit: true},
		{file: "fake-openai-prose.txt", provider: fakeprovider.OpenAI, mode: fakeprovider.ModeProse, data: port},
		{file: "fake-gemini-truncated.txt", provider: fakeprovider.Gemini, mode: fakeprovider.ModeTruncated, data: port},
		{file: "fake-openai-schema.json", provider: fakeprovider.OpenAI, mode: fakeprovider.ModeSchema, data: port},
		{file: "fake-cloudflare-blocked.json", provider: fakeprovider.Cloudflare, mode: fakeprovider.ModeBlocked, data: port, envelope: true},
	}
	for _, a := range answers {
		text, err := a.fetch()
		if err != nil {
			log.Fatalf("%s: %v", a.file, err)
		}
		if err := os.WriteFile(filepath.Join("testdata", "answers", a.file), []byte(text), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}

// fetch asks a fresh fake server and returns what the engine would be given.
func (a answer) fetch() (string, error) {
	s := fakeprovider.New()
	if err := s.SetMode(a.provider, a.mode, 1); err != nil {
		return "", err
	}
	prompt := engine.BuildPrompt(a.data)
	maxTokens := 4096
	if a.noLimit {
		maxTokens = 0
	}
	path, body := request(a.provider, prompt, maxTokens, a.noSchema)
	raw, _ := json.Marshal(body)
	r := httptest.NewRequest(http.MethodPost, "/"+a.provider+path, bytes.NewReader(raw))
	r.Header.Set("Content-Type", "application/json")
	if a.provider == fakeprovider.Gemini {
		r.Header.Set("x-goog-api-key", "test-key")
	} else {
		r.Header.Set("Authorization", "Bearer test-key")
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		return "", fmt.Errorf("status %d: %s", w.Code, w.Body)
	}
	if a.envelope {
		return w.Body.String(), nil
	}
	return answerText(a.provider, w.Body.Bytes())
}

// request is the path and body the operator's client sends.
func request(provider string, p engine.Prompt, maxTokens int, noSchema bool) (string, map[string]any) {
	messages := []any{
		map[string]any{"role": "system", "content": p.System},
		map[string]any{"role": "user", "content": p.User},
	}
	switch provider {
	case fakeprovider.Gemini:
		return "/v1beta/models/gemini-2.5-flash:generateContent", map[string]any{
			"systemInstruction": map[string]any{"parts": []any{map[string]any{"text": p.System}}},
			"contents":          []any{map[string]any{"role": "user", "parts": []any{map[string]any{"text": p.User}}}},
			"generationConfig":  map[string]any{"responseMimeType": "application/json", "responseJsonSchema": p.Schema, "maxOutputTokens": maxTokens},
		}
	case fakeprovider.Cloudflare:
		body := map[string]any{"messages": messages}
		if !noSchema {
			body["response_format"] = map[string]any{"type": "json_schema", "json_schema": p.Schema}
		}
		if maxTokens > 0 {
			body["max_tokens"] = maxTokens
		}
		return "/client/v4/accounts/acc123/ai/run/@cf/meta/llama-3.1-8b-instruct", body
	}
	prefix := map[string]string{fakeprovider.Groq: "/openai"}[provider]
	return prefix + "/v1/chat/completions", map[string]any{
		"model":                 "test-model",
		"messages":              messages,
		"response_format":       map[string]any{"type": "json_schema", "json_schema": map[string]any{"name": "forecast", "schema": p.Schema, "strict": true}},
		"max_completion_tokens": maxTokens,
	}
}

// answerText reads the answer text out of a chat completion or a Gemini
// generateContent reply.
func answerText(provider string, body []byte) (string, error) {
	if provider == fakeprovider.Gemini {
		var r struct {
			Candidates []struct {
				Content struct {
					Parts []struct{ Text string } `json:"parts"`
				} `json:"content"`
			} `json:"candidates"`
		}
		if err := json.Unmarshal(body, &r); err != nil || len(r.Candidates) == 0 {
			return "", fmt.Errorf("no candidate in %s (%v)", body, err)
		}
		var text string
		for _, p := range r.Candidates[0].Content.Parts {
			text += p.Text
		}
		return text, nil
	}
	var r struct {
		Choices []struct {
			Message struct{ Content string } `json:"message"`
		} `json:"choices"`
	}
	if err := json.Unmarshal(body, &r); err != nil || len(r.Choices) == 0 {
		return "", fmt.Errorf("no choice in %s (%v)", body, err)
	}
	return r.Choices[0].Message.Content, nil
}

// portData is the engine tests' request: monthly port throughput, 24 months
// to 2025-06, capacity 1000 kTEU, six months ahead.
func portData() engine.Data {
	values := []float64{
		792, 801, 815, 823, 809, 836, 850, 861, 842, 858, 874, 889,
		877, 893, 905, 921, 908, 926, 934, 947, 929, 941, 956, 933,
	}
	capacity := 1000.0
	d := engine.Data{Region: "USA", Subject: "container port throughput", Unit: "kTEU", Period: engine.PeriodMonth, Horizon: 6, Capacity: &capacity}
	for i, v := range values {
		year, month := 2023+(i+6)/12, (i+6)%12+1
		d.History = append(d.History, engine.Point{Period: fmt.Sprintf("%04d-%02d", year, month), Value: v})
	}
	return d
}

// weeklyData is a falling weekly series without a capacity, twelve weeks
// ahead.
func weeklyData() engine.Data {
	d := engine.Data{Region: "EU", Subject: "parcels", Period: engine.PeriodWeek, Horizon: 12}
	for i := range 30 {
		d.History = append(d.History, engine.Point{Period: fmt.Sprintf("2025-W%02d", i+1), Value: 5000 - 37*float64(i) + float64(i%3)*20})
	}
	return d
}
