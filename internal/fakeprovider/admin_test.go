package fakeprovider

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// admin sends an admin request; body is sent as is.
func admin(t *testing.T, s *Server, method, path, body string) (int, []byte) {
	t.Helper()
	var b any
	if body != "" {
		b = []byte(body)
	}
	w := send(t, s, "", method, path, "", b)
	if ct := w.Header().Get("Content-Type"); w.Body.Len() > 0 && ct != "application/json" {
		t.Errorf("%s %s: Content-Type %q", method, path, ct)
	}
	return w.Code, w.Body.Bytes()
}

func TestAdminSetsModes(t *testing.T) {
	s := New()
	code, body := admin(t, s, "PUT", "/admin/providers/openai/mode", `{"mode":"overloaded","count":2}`)
	if code != 200 || !strings.Contains(string(body), `"mode":"overloaded","remaining":2`) {
		t.Fatalf("PUT: %d %s", code, body)
	}
	if generate(t, s, OpenAI).Code != 503 {
		t.Error("the mode was not applied")
	}
	code, body = admin(t, s, "GET", "/admin/providers/openai/mode", "")
	if code != 200 || string(body) != `{"provider":"openai","mode":"overloaded","remaining":1}` {
		t.Errorf("GET mode: %d %s", code, body)
	}
	send(t, s, Groq, "GET", probePath[Groq], testKey, nil)
	code, body = admin(t, s, "GET", "/admin/requests", "")
	if code != 200 {
		t.Fatalf("GET requests: %d", code)
	}
	for path, want := range map[string]any{"openai.generate": 1.0, "openai.probe": 0.0, "groq.probe": 1.0, "gemini.generate": 0.0} {
		if got, _ := jsonAt(t, body, path); got != want {
			t.Errorf("requests %s = %v, want %v: %s", path, got, want, body)
		}
	}
	if code, _ = admin(t, s, "POST", "/admin/reset", ""); code != http.StatusNoContent {
		t.Errorf("reset: %d", code)
	}
	if m, _ := s.CurrentMode(OpenAI); m != ModeOK || s.Requests(OpenAI) != 0 {
		t.Errorf("after reset: %s, %d requests", m, s.Requests(OpenAI))
	}
}

func TestAdminListsModes(t *testing.T) {
	code, body := admin(t, New(), "GET", "/admin/modes", "")
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	for i, m := range Modes() {
		if got, _ := jsonAt(t, body, "modes."+strconv.Itoa(i)+".mode"); got != string(m) {
			t.Errorf("mode %d = %v, want %s", i, got, m)
		}
		if d, _ := jsonAt(t, body, "modes."+strconv.Itoa(i)+".description"); d == "" || d == nil {
			t.Errorf("%s has no description", m)
		}
	}
	// The failover modes' reach: redirect breaks probes too, the others do not.
	reach := map[Mode]bool{ModeBadRequest: false, ModeLongLabels: false, ModeRedirect: true}
	for i, m := range Modes() {
		want, listed := reach[m]
		if got, _ := jsonAt(t, body, "modes."+strconv.Itoa(i)+".probes"); listed && got != want {
			t.Errorf("%s probes %v, want %v", m, got, want)
		}
		delete(reach, m)
	}
	if len(reach) != 0 {
		t.Errorf("not listed: %v", reach)
	}
}

func TestAdminRefuses(t *testing.T) {
	tests := []struct {
		method, path, body string
		status             int
		contains           string
	}{
		{"PUT", "/admin/providers/nope/mode", `{"mode":"ok"}`, 400, `unknown provider \"nope\"`},
		{"PUT", "/admin/providers/openai/mode", `{"mode":"melt"}`, 400, `unknown mode \"melt\"`},
		{"PUT", "/admin/providers/openai/mode", `{"mode":"missing-key"}`, 400, "unknown mode"},
		{"PUT", "/admin/providers/openai/mode", `{"mode":"quota","count":-1}`, 400, "negative"},
		{"PUT", "/admin/providers/openai/mode", `{"mode":"quota","times":3}`, 400, "unknown field"},
		{"PUT", "/admin/providers/openai/mode", `not json`, 400, "the body must be"},
		{"PUT", "/admin/providers/gemini/mode", `{"mode":"redirect"}`, 400, "mode redirect needs a location"},
		{"PUT", "/admin/providers/gemini/mode", `{"mode":"redirect","location":"capture"}`, 400, "not an absolute URL"},
		{"PUT", "/admin/providers/gemini/mode", `{"mode":"bad-request","location":"http://127.0.0.1:4567/capture"}`, 400, "a location goes with mode redirect only"},
		{"GET", "/admin/providers/nope/mode", "", 400, "unknown provider"},
		{"GET", "/admin/nothing", "", 404, "no admin endpoint GET /admin/nothing"},
		{"DELETE", "/admin/reset", "", 404, "no admin endpoint"},
	}
	for _, tt := range tests {
		s := New()
		code, body := admin(t, s, tt.method, tt.path, tt.body)
		if code != tt.status || !strings.Contains(string(body), tt.contains) {
			t.Errorf("%s %s %s: %d %s", tt.method, tt.path, tt.body, code, body)
		}
		if errMsg, ok := jsonAt(t, body, "error"); !ok || errMsg == "" {
			t.Errorf("%s %s: no JSON error: %s", tt.method, tt.path, body)
		}
		for _, provider := range Providers() {
			if cur := s.Current(provider); cur != okSetting {
				t.Errorf("%s %s %s changed %s to %+v", tt.method, tt.path, tt.body, provider, cur)
			}
		}
	}
}

func TestAdminMatch(t *testing.T) {
	s := New()
	code, body := admin(t, s, "PUT", "/admin/providers/openai/mode", `{"mode":"bad-request","match":"ZZZ","count":2}`)
	const status = `{"provider":"openai","mode":"bad-request","remaining":2,"match":"ZZZ"}`
	if code != 200 || string(body) != status {
		t.Fatalf("PUT: %d %s", code, body)
	}
	if code, body = admin(t, s, "GET", "/admin/providers/openai/mode", ""); string(body) != status {
		t.Errorf("GET mode: %d %s", code, body)
	}
	if w := generate(t, s, OpenAI); w.Code != http.StatusOK {
		t.Errorf("unmatched: %d", w.Code)
	}
	if w := generateFor(t, s, OpenAI, markedData()); w.Code != http.StatusBadRequest {
		t.Errorf("matched: %d", w.Code)
	}
	_, body = admin(t, s, "GET", "/admin/requests", "")
	for path, want := range map[string]any{"openai.generate": 2.0, "openai.matched": 1.0, "groq.matched": 0.0} {
		if got, _ := jsonAt(t, body, path); got != want {
			t.Errorf("requests %s = %v, want %v: %s", path, got, want, body)
		}
	}
	if _, body = admin(t, s, "GET", "/admin/providers/openai/mode", ""); !strings.Contains(string(body), `"remaining":1,"match":"ZZZ"`) {
		t.Errorf("after one match: %s", body)
	}

	admin(t, s, "POST", "/admin/reset", "")
	if _, body = admin(t, s, "GET", "/admin/providers/openai/mode", ""); string(body) != `{"provider":"openai","mode":"ok","remaining":0}` {
		t.Errorf("after reset: %s", body)
	}
	if _, body = admin(t, s, "GET", "/admin/requests", ""); !strings.Contains(string(body), `"openai":{"generate":0,"probe":0,"matched":0,"inFlight":0,"maxInFlight":0}`) {
		t.Errorf("counts after reset: %s", body)
	}
}

func TestAdminRedirect(t *testing.T) {
	s := New()
	code, body := admin(t, s, "PUT", "/admin/providers/gemini/mode", `{"mode":"redirect","location":"http://127.0.0.1:4567/capture"}`)
	const status = `{"provider":"gemini","mode":"redirect","remaining":0,"location":"http://127.0.0.1:4567/capture"}`
	if code != 200 || string(body) != status {
		t.Fatalf("PUT: %d %s", code, body)
	}
	w := probe(t, s, Gemini)
	if w.Code != http.StatusTemporaryRedirect || w.Header().Get("Location") != "http://127.0.0.1:4567/capture" {
		t.Errorf("probe: %d %q", w.Code, w.Header().Get("Location"))
	}
	// Another mode drops the location.
	admin(t, s, "PUT", "/admin/providers/gemini/mode", `{"mode":"quota"}`)
	if _, body = admin(t, s, "GET", "/admin/providers/gemini/mode", ""); strings.Contains(string(body), "location") {
		t.Errorf("the location outlived its mode: %s", body)
	}
}
