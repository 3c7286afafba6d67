package fakeprovider

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestBaseURL(t *testing.T) {
	for provider, want := range map[string]string{
		OpenAI:      "http://127.0.0.1:8099/openai/v1",
		Gemini:      "http://127.0.0.1:8099/gemini",
		Groq:        "http://127.0.0.1:8099/groq/openai/v1",
		Cloudflare:  "http://127.0.0.1:8099/cloudflare/client/v4",
		HuggingFace: "http://127.0.0.1:8099/huggingface/v1",
		"nope":      "",
	} {
		if got := BaseURL("http://127.0.0.1:8099/", provider); got != want {
			t.Errorf("BaseURL(%s) = %q, want %q", provider, got, want)
		}
	}
	// Every generate path is the base plus the real API's path.
	for _, endpoint := range wireProviders {
		if !strings.HasPrefix(generatePath[endpoint], BaseURL("", providerOf(endpoint))+"/") {
			t.Errorf("%s: %s is not under its base", endpoint, generatePath[endpoint])
		}
	}
}

func TestModeCount(t *testing.T) {
	s := New()
	mustSetMode(t, s, OpenAI, ModeOverloaded, 2)
	var got []int
	for range 4 {
		got = append(got, generate(t, s, OpenAI).Code)
	}
	if want := []int{503, 503, 200, 200}; !slices.Equal(got, want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
	if m, n := s.CurrentMode(OpenAI); m != ModeOK || n != 0 {
		t.Errorf("after the count: %s %d", m, n)
	}

	mustSetMode(t, s, OpenAI, ModeOverloaded, 0)
	for range 3 {
		if w := generate(t, s, OpenAI); w.Code != 503 {
			t.Fatalf("count 0 must last until changed: %d", w.Code)
		}
	}
	mustSetMode(t, s, OpenAI, ModeOK, 0)
	if w := generate(t, s, OpenAI); w.Code != 200 {
		t.Errorf("after ok: %d", w.Code)
	}
	// Other providers are unaffected throughout.
	if s.Requests(Groq) != 0 || generate(t, s, Groq).Code != 200 {
		t.Error("another provider was affected")
	}
}

func TestModesAndProbes(t *testing.T) {
	for _, info := range modes {
		if info.mode == ModeHang || info.mode == ModeStall || info.mode == ModeReset {
			continue // over TCP in transport_test.go
		}
		s := New()
		mustSetMode(t, s, Groq, info.mode, 1)
		w := send(t, s, Groq, http.MethodGet, probePath[Groq], testKey, nil)
		if broken := w.Code != http.StatusOK; broken != info.probes {
			t.Errorf("%s: probe answered %d; breaks probes: %v", info.mode, w.Code, info.probes)
		}
		// A mode that leaves probes alone keeps its count for generation.
		if m, _ := s.CurrentMode(Groq); (m == info.mode) == info.probes && info.mode != ModeOK {
			t.Errorf("%s: after a probe the mode is %s", info.mode, m)
		}
	}
}

func TestCountsAndLastRequest(t *testing.T) {
	s := New()
	generate(t, s, Gemini)
	send(t, s, Gemini, http.MethodGet, probePath[Gemini], testKey, nil)
	send(t, s, Gemini, http.MethodGet, probePath[Gemini]+"?key=AIzaSECRET", "", nil)
	mustSetMode(t, s, Gemini, ModeOverloaded, 1)
	generate(t, s, Gemini)
	send(t, s, Gemini, http.MethodPost, generatePath[Gemini], "", map[string]any{"contents": []any{}}) // no key: still counted

	if s.Requests(Gemini) != 3 || s.Probes(Gemini) != 2 {
		t.Errorf("requests %d probes %d, want 3 and 2", s.Requests(Gemini), s.Probes(Gemini))
	}
	if s.Requests(OpenAI) != 0 || s.Requests("nope") != 0 || s.LastRequest("nope") != nil {
		t.Error("counts leak between providers")
	}
	if last := s.LastRequest(Gemini); !bytes.Equal(last, []byte("{\"contents\":[]}\n")) {
		t.Errorf("last request %s", last)
	}
	if p := s.LastPath(Gemini); p != generatePath[Gemini] {
		t.Errorf("last path %q", p)
	}

	// The last request is what the client sent, never the key.
	generate(t, s, OpenAI)
	last := s.LastRequest(OpenAI)
	if !bytes.Contains(last, []byte(`"model":"test-model"`)) || bytes.Contains(last, []byte(testKey)) {
		t.Errorf("last request %s", last)
	}
	last[0] = 'X' // a copy: changing it changes nothing
	if s.LastRequest(OpenAI)[0] == 'X' {
		t.Error("LastRequest returned the server's own slice")
	}

	s.Reset()
	if s.Requests(Gemini) != 0 || s.Probes(Gemini) != 0 || s.LastRequest(Gemini) != nil {
		t.Error("Reset kept counts")
	}
}

func TestSetModeRefuses(t *testing.T) {
	s := New()
	if err := s.SetMode("nope", ModeOK, 0); err == nil || !strings.Contains(err.Error(), "openai") {
		t.Errorf("unknown provider: %v", err)
	}
	if err := s.SetMode(OpenAI, "missing-key", 0); err == nil {
		t.Error("an internal outcome was accepted as a mode")
	}
	if err := s.SetMode(OpenAI, ModeQuota, -1); err == nil {
		t.Error("a negative count was accepted")
	}
}

func TestEveryProviderAnswersEveryRefusal(t *testing.T) {
	refusals := []Mode{modeMissingKey, modeNotFound, modeMalformed, ModeUnauthorized, ModeUnknownModel, ModeRateLimited, ModeQuota, ModeOverloaded, ModeTooLarge, ModeBadRequest, ModeHTML502, ModeEmpty503, ModeRedirect}
	r, _ := http.NewRequest(http.MethodPost, "/", nil)
	for _, p := range providers {
		for _, m := range refusals {
			if rep, ok := refusal(m, &exchange{p: p, r: r, key: testKey, detail: "x", location: testLocation}); !ok || rep.status < 300 {
				t.Errorf("%s has no refusal for %s", p.name, m)
			}
		}
		for _, m := range []Mode{ModeOK, ModeProse, ModeLongLabels, ModeStall, ModeHang} {
			if _, ok := refusal(m, &exchange{p: p, r: r}); ok {
				t.Errorf("%s refuses in %s", p.name, m)
			}
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	s := New()
	const workers, calls = 8, 25
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			endpoint := wireProviders[i%len(wireProviders)]
			for j := range calls {
				generate(t, s, endpoint)
				if j%5 == 0 {
					_ = s.SetMode(providerOf(endpoint), ModeRateLimited, 1)
					_ = s.Requests(providerOf(endpoint))
					_ = s.LastRequest(providerOf(endpoint))
				}
			}
		})
		wg.Go(func() {
			for range calls {
				_ = s.allCounts()
				_, _ = s.CurrentMode(OpenAI)
			}
		})
	}
	wg.Wait()
	total := 0
	for _, c := range s.allCounts() {
		total += c.Generate
	}
	if total != workers*calls {
		t.Errorf("counted %d calls, want %d", total, workers*calls)
	}
}
