package fakeprovider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
)

// waitFor polls cond until it holds, and fails the test if it does not
// within a few seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// brief is a Call without its times, for tables.
type brief struct {
	provider string
	seq      int
	status   int
	mode     Mode
	matched  bool
}

func briefs(calls []Call) []brief {
	out := make([]brief, len(calls))
	for i, c := range calls {
		out[i] = brief{c.Provider, c.Seq, c.Status, c.Mode, c.Matched}
	}
	return out
}

func TestCallLog(t *testing.T) {
	s := New()
	generate(t, s, OpenAI)
	mustSet(t, s, OpenAI, Setting{Mode: ModeBadRequest, Match: matchMarker, Count: 1})
	generate(t, s, OpenAI)                                           // not selected: ok
	generateFor(t, s, OpenAI, markedData())                          // selected: refused
	mustSet(t, s, Gemini, Setting{Mode: ModeOK, Match: matchMarker}) // matched, in ok
	generateFor(t, s, Gemini, markedData())
	mustSetMode(t, s, Groq, ModeRateLimited, 1)
	generate(t, s, Groq)
	probe(t, s, Groq)                                                                              // probes are not logged
	send(t, s, HuggingFace, http.MethodPost, generatePath[HuggingFace], "", map[string]any{})      // no key
	send(t, s, Cloudflare, http.MethodPost, generatePath[Cloudflare], testKey, []byte("not json")) // the fake's own refusal
	generate(t, s, OpenAI)

	want := []brief{
		{OpenAI, 1, 200, ModeOK, false},
		{OpenAI, 2, 200, ModeOK, false},
		{OpenAI, 3, 400, ModeBadRequest, true},
		{Gemini, 1, 200, ModeOK, true},
		{Groq, 1, 429, ModeRateLimited, false},
		{HuggingFace, 1, 401, modeMissingKey, false},
		{Cloudflare, 1, 400, modeMalformed, false},
		{OpenAI, 4, 200, ModeOK, false},
	}
	calls := s.Calls("")
	if got := briefs(calls); !equalBriefs(got, want) {
		t.Fatalf("calls\n%+v\nwant\n%+v", got, want)
	}
	for i, c := range calls {
		if c.Started.IsZero() || c.Finished.Before(c.Started) || (i > 0 && c.Started.Before(calls[i-1].Started)) {
			t.Errorf("call %d: started %v, finished %v", i, c.Started, c.Finished)
		}
	}
	if got := briefs(s.Calls(OpenAI)); !equalBriefs(got, []brief{want[0], want[1], want[2], want[7]}) {
		t.Errorf("openai's calls %+v", got)
	}
	if got := s.Calls("nope"); len(got) != 0 {
		t.Errorf("an unknown provider's calls: %+v", got)
	}
	if s.CallsDropped() != 0 {
		t.Errorf("dropped %d", s.CallsDropped())
	}
	s.Reset()
	if got := s.Calls(""); len(got) != 0 {
		t.Errorf("after Reset: %+v", got)
	}
}

func equalBriefs(a, b []brief) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCallLogIsInStartOrder(t *testing.T) {
	s := New()
	srv := serve(t, s)
	if err := s.SetLatency(OpenAI, 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	slow := make(chan int, 1)
	go func() {
		resp, err := srv.Client().Do(newRequest(t, context.Background(), srv, OpenAI))
		if err != nil {
			slow <- 0
			return
		}
		resp.Body.Close()
		slow <- resp.StatusCode
	}()
	waitFor(t, "the slow call", func() bool { return s.InFlight(OpenAI) == 1 })
	// A call waits the latency set when it arrived: the second one is not
	// delayed, and finishes first.
	if err := s.SetLatency(OpenAI, 0); err != nil {
		t.Fatal(err)
	}
	generate(t, s, OpenAI)
	if got := s.Calls(OpenAI); len(got) != 1 || got[0].Seq != 2 {
		t.Fatalf("before the slow call ends: %+v", got)
	}
	if code := <-slow; code != 200 {
		t.Fatalf("the slow call: %d", code)
	}
	got := s.Calls(OpenAI)
	if len(got) != 2 || got[0].Seq != 1 || got[1].Seq != 2 || !got[0].Finished.After(got[1].Finished) {
		t.Errorf("calls %+v, want the slow one first", got)
	}
}

func TestCallLogDropsTheOldest(t *testing.T) {
	s := New()
	s.calls.limit = 3
	for range 4 {
		generate(t, s, Groq)
	}
	generate(t, s, OpenAI)
	got := briefs(s.Calls(""))
	want := []brief{{Groq, 3, 200, ModeOK, false}, {Groq, 4, 200, ModeOK, false}, {OpenAI, 1, 200, ModeOK, false}}
	if !equalBriefs(got, want) || s.CallsDropped() != 2 {
		t.Errorf("calls %+v, dropped %d; want %+v, 2", got, s.CallsDropped(), want)
	}
	_, body := admin(t, s, "GET", "/admin/calls", "")
	if d, _ := jsonAt(t, body, "dropped"); d != 2.0 {
		t.Errorf("dropped %v: %s", d, body)
	}
	s.Reset()
	generate(t, s, Groq)
	if len(s.Calls("")) != 1 || s.CallsDropped() != 0 || s.calls.limit != 3 {
		t.Errorf("after Reset: %+v, dropped %d, limit %d", s.Calls(""), s.CallsDropped(), s.calls.limit)
	}
	if maxCalls != 100_000 || New().calls.limit != maxCalls {
		t.Errorf("the log keeps %d calls", New().calls.limit)
	}
}

func TestAdminCalls(t *testing.T) {
	s := New()
	code, body := admin(t, s, "GET", "/admin/calls", "")
	if code != 200 || string(body) != `{"calls":[],"dropped":0}` {
		t.Errorf("empty: %d %s", code, body)
	}
	mustSetMode(t, s, Groq, ModeRateLimited, 1)
	generate(t, s, Groq)
	generate(t, s, OpenAI)
	s.now = func() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 0, time.FixedZone("CEST", 2*3600)) }
	generate(t, s, OpenAI)

	_, body = admin(t, s, "GET", "/admin/calls", "")
	var got struct {
		Calls   []map[string]any `json:"calls"`
		Dropped *int             `json:"dropped"`
	}
	mustUnmarshal(t, body, &got)
	if len(got.Calls) != 3 || got.Dropped == nil || *got.Dropped != 0 {
		t.Fatalf("calls %s", body)
	}
	stamp := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$`)
	for i, c := range got.Calls {
		if len(c) != 8 {
			t.Errorf("call %d has fields %v, want provider, seq, started, finished, status, mode, matched, region", i, c)
		}
		for _, field := range []string{"started", "finished"} {
			v, _ := c[field].(string)
			if _, err := time.Parse(time.RFC3339Nano, v); err != nil || !stamp.MatchString(v) {
				t.Errorf("call %d %s %q is not RFC 3339 with nine digits of nanoseconds in UTC", i, field, v)
			}
		}
	}
	if want := `{"calls":[{"provider":"groq","seq":1,"started":"`; !strings.HasPrefix(string(body), want) {
		t.Errorf("calls %s", body)
	}
	if !strings.Contains(string(body), `"status":429,"mode":"rate-limited","matched":false`) {
		t.Errorf("the 429 is not logged: %s", body)
	}
	if !strings.Contains(string(body), `{"provider":"openai","seq":2,"started":"2025-06-01T10:00:00.000000000Z","finished":"2025-06-01T10:00:00.000000000Z","status":200,"mode":"ok","matched":false,"region":"USA"}`) {
		t.Errorf("the last call: %s", body)
	}

	// A Go client reads the entries back as Calls.
	var typed struct{ Calls []Call }
	mustUnmarshal(t, body, &typed)
	if direct := s.Calls(""); len(typed.Calls) != 3 || !typed.Calls[2].Started.Equal(direct[2].Started) || typed.Calls[0] != (Call{Provider: Groq, Seq: 1, Started: typed.Calls[0].Started, Finished: typed.Calls[0].Finished, Status: 429, Mode: ModeRateLimited, Region: "USA"}) {
		t.Errorf("decoded %+v", typed.Calls)
	}

	_, body = admin(t, s, "GET", "/admin/calls?provider=openai", "")
	if n := strings.Count(string(body), `"provider":"openai"`); n != 2 || strings.Contains(string(body), "groq") {
		t.Errorf("?provider=openai: %s", body)
	}
	code, body = admin(t, s, "GET", "/admin/calls?provider=nope", "")
	if code != 400 || !strings.Contains(string(body), `unknown provider \"nope\"`) {
		t.Errorf("?provider=nope: %d %s", code, body)
	}
	admin(t, s, "POST", "/admin/reset", "")
	if _, body = admin(t, s, "GET", "/admin/calls", ""); string(body) != `{"calls":[],"dropped":0}` {
		t.Errorf("after reset: %s", body)
	}
}

// TestCallLogRegion: each call names the region of the operator's data,
// whatever the wire format, so that a test can tell whose call it was; a
// call with no such data names none.
func TestCallLogRegion(t *testing.T) {
	s := New()
	d := portData()
	for i, endpoint := range wireProviders {
		d.Region = fmt.Sprintf("REGION-%d", i)
		generateFor(t, s, endpoint, d)
	}
	mustSetMode(t, s, OpenAI, ModeOverloaded, 1)
	d.Region = "DOWN"
	generateFor(t, s, OpenAI, d) // a refusal names it too
	send(t, s, Groq, http.MethodPost, generatePath[Groq], testKey, map[string]any{
		"model": "m", "messages": []any{map[string]any{"role": "user", "content": "Answer {\"ok\": true}"}}})
	send(t, s, Cloudflare, http.MethodPost, generatePath[Cloudflare], testKey, map[string]any{"prompt": engine.BuildPrompt(d).User})

	got := map[string][]string{}
	for _, c := range s.Calls("") {
		got[c.Provider] = append(got[c.Provider], c.Region)
	}
	want := map[string][]string{
		OpenAI: {"REGION-0", "DOWN"}, Gemini: {"REGION-1"}, Groq: {"REGION-2", ""},
		Cloudflare: {"REGION-3", "REGION-4", "DOWN"}, HuggingFace: {"REGION-5"},
	}
	for provider, regions := range want {
		if !slices.Equal(got[provider], regions) {
			t.Errorf("%s: regions %q, want %q", provider, got[provider], regions)
		}
	}
	_, body := admin(t, s, "GET", "/admin/calls?provider=groq", "")
	if strings.Count(string(body), `"region"`) != 1 {
		t.Errorf("a call without a region must omit it: %s", body)
	}
}

func TestInFlight(t *testing.T) {
	const n = 5
	s := New()
	srv := serve(t, s)
	if err := s.SetLatency(Groq, 200*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			resp, err := srv.Client().Do(newRequest(t, context.Background(), srv, Groq))
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		})
	}
	waitFor(t, "every call in flight", func() bool { return s.InFlight(Groq) == n })
	_, body := admin(t, s, "GET", "/admin/requests", "")
	if v, _ := jsonAt(t, body, "groq.inFlight"); v != float64(n) {
		t.Errorf("inFlight %v during the calls: %s", v, body)
	}
	if len(s.Calls(Groq)) != 0 {
		t.Errorf("calls in progress are logged: %+v", s.Calls(Groq))
	}
	wg.Wait()
	waitIdle(t, s)
	_, body = admin(t, s, "GET", "/admin/requests", "")
	for path, want := range map[string]any{"groq.inFlight": 0.0, "groq.maxInFlight": float64(n), "groq.generate": float64(n), "openai.maxInFlight": 0.0} {
		if got, _ := jsonAt(t, body, path); got != want {
			t.Errorf("%s = %v, want %v: %s", path, got, want, body)
		}
	}
	// Every call overlapped every other: each started before any finished.
	calls := s.Calls(Groq)
	for _, a := range calls {
		for _, b := range calls {
			if !a.Started.Before(b.Finished) {
				t.Errorf("call %d started after call %d finished", a.Seq, b.Seq)
			}
		}
	}

	// A call that runs through a Reset is not counted or logged after it.
	wg.Go(func() {
		resp, err := srv.Client().Do(newRequest(t, context.Background(), srv, Groq))
		if err == nil {
			resp.Body.Close()
		}
	})
	waitFor(t, "the call in flight", func() bool { return s.InFlight(Groq) == 1 })
	s.Reset()
	if s.InFlight(Groq) != 0 || s.MaxInFlight(Groq) != 0 {
		t.Errorf("after Reset: in flight %d, max %d", s.InFlight(Groq), s.MaxInFlight(Groq))
	}
	wg.Wait()
	waitIdle(t, s)
	if s.InFlight(Groq) != 0 || len(s.Calls("")) != 0 {
		t.Errorf("the call from before the Reset: in flight %d, calls %+v", s.InFlight(Groq), s.Calls(""))
	}
}
