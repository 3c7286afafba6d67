package fakeprovider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
)

// The modes end-to-end tests of failover lean on: bad-request (in
// errorTable), long-labels, redirect, a match, and the counts.

// matchMarker is what the matching requests' data holds.
const matchMarker = "ZZZ"

// markedData is portData for a region whose name holds matchMarker.
func markedData() engine.Data {
	d := portData()
	d.Region = "Region " + matchMarker
	return d
}

// readForecast reads the forecast out of a 200 from endpoint, as valid
// under the operator's schema for portData.
func readForecast(t *testing.T, endpoint string, w *httptest.ResponseRecorder) forecast {
	t.Helper()
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	a := readAnswer(t, endpoint, w.Body.Bytes())
	if endpoint == Cloudflare && !a.object {
		t.Error("result.response is a string; with a json_schema it is an object")
	}
	return checkForecast(t, lookup(providerOf(endpoint)).title, a.text)
}

func TestLongLabelsMode(t *testing.T) {
	for _, endpoint := range wireProviders {
		t.Run(endpoint, func(t *testing.T) {
			s := New()
			want := readForecast(t, endpoint, generate(t, s, endpoint))
			mustSetMode(t, s, providerOf(endpoint), ModeLongLabels, 1)
			if w := probe(t, s, providerOf(endpoint)); w.Code != http.StatusOK {
				t.Errorf("probe: %d", w.Code)
			}
			w := generate(t, s, endpoint)
			got := readForecast(t, endpoint, w)
			if len(got.Bottlenecks) < 2 {
				t.Fatalf("%d bottlenecks, want at least two", len(got.Bottlenecks))
			}
			var periods []string
			for i, b := range got.Bottlenecks {
				if n := len(b.Period); n <= 32 || n > maxLongLabel {
					t.Errorf("bottleneck %d period %q: %d characters, want 33 to %d", i, b.Period, n, maxLongLabel)
				}
				if slices.Contains(periods, b.Period) {
					t.Errorf("bottleneck %d repeats the period %q", i, b.Period)
				}
				periods = append(periods, b.Period)
			}
			// Only the bottlenecks' periods differ from what ok answers.
			for i := range want.Bottlenecks {
				if !strings.HasPrefix(got.Bottlenecks[i].Period, want.Bottlenecks[i].Period+" (") {
					t.Errorf("bottleneck %d period %q does not start with %q", i, got.Bottlenecks[i].Period, want.Bottlenecks[i].Period)
				}
				got.Bottlenecks[i].Period = want.Bottlenecks[i].Period
			}
			if got.Bottlenecks = got.Bottlenecks[:len(want.Bottlenecks)]; marshal(got) != marshal(want) {
				t.Errorf("the rest of the answer differs from ok's:\n%s\n%s", marshal(got), marshal(want))
			}
			// The operator's engine takes it as a valid answer.
			if _, err := engine.Normalize(readAnswer(t, endpoint, w.Body.Bytes()).text, portData()); err != nil {
				t.Errorf("the engine refuses it: %v", err)
			}
			if m, _ := s.CurrentMode(providerOf(endpoint)); m != ModeOK {
				t.Errorf("the mode outlived its count: %s", m)
			}
		})
	}
}

func TestLongLabelsAddsASecondBottleneck(t *testing.T) {
	p := engine.BuildPrompt(weeklyData()) // no capacity: one bottleneck
	f := newForecast("Test", ask{user: p.User, schema: p.Schema})
	if len(f.Bottlenecks) != 1 {
		t.Fatalf("%d bottlenecks to start with, want one", len(f.Bottlenecks))
	}
	long := withLongLabels(f)
	if len(long.Bottlenecks) != 2 || len(f.Bottlenecks) != 1 {
		t.Fatalf("%d bottlenecks, and the original now has %d", len(long.Bottlenecks), len(f.Bottlenecks))
	}
	a, b := long.Bottlenecks[0], long.Bottlenecks[1]
	if a.Period == b.Period || len(a.Period) <= 32 || len(b.Period) <= 32 || b.Severity != f.RiskLevel {
		t.Errorf("bottlenecks %+v", long.Bottlenecks)
	}
}

func TestRedirectMode(t *testing.T) {
	const location = "http://127.0.0.1:4567/capture?from=fake&to=<here>"
	for _, endpoint := range wireProviders {
		for _, call := range []string{"generate", "probe"} {
			t.Run(endpoint+"/"+call, func(t *testing.T) {
				s := New()
				provider := providerOf(endpoint)
				mustSet(t, s, provider, Setting{Mode: ModeRedirect, Count: 1, Location: location})
				do := func() *httptest.ResponseRecorder {
					if call == "probe" {
						return probe(t, s, provider)
					}
					return generate(t, s, endpoint)
				}
				w := do()
				if w.Code != http.StatusTemporaryRedirect {
					t.Errorf("status %d, want 307: %s", w.Code, w.Body)
				}
				if got := w.Header().Get("Location"); got != location {
					t.Errorf("Location %q, want %q", got, location)
				}
				if !strings.Contains(w.Body.String(), `href="http://127.0.0.1:4567/capture?from=fake&amp;to=&lt;here&gt;"`) {
					t.Errorf("body %s", w.Body)
				}
				if w := do(); w.Code != http.StatusOK {
					t.Errorf("the mode outlived its count: %d", w.Code)
				}
			})
		}
	}
}

// TestRedirectIsFollowedWithTheBody shows what a client that follows the
// redirect does: it sends the same request to the location.
func TestRedirectIsFollowedWithTheBody(t *testing.T) {
	type capture struct {
		method, path string
		body         []byte
	}
	got := make(chan capture, 1)
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- capture{r.Method, r.URL.Path, body}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(target.Close)
	s := New()
	srv := serve(t, s)
	mustSet(t, s, OpenAI, Setting{Mode: ModeRedirect, Location: target.URL + "/capture"})

	resp, err := post(t, srv, OpenAI, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("status %d after the redirect", resp.StatusCode)
	}
	select {
	case c := <-got:
		if c.method != http.MethodPost || c.path != "/capture" || !bytes.Equal(c.body, s.LastRequest(OpenAI)) {
			t.Errorf("the location got %s %s %q", c.method, c.path, c.body)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the redirect never reached its location")
	}
}

func TestMatch(t *testing.T) {
	for _, endpoint := range wireProviders {
		for _, mode := range []Mode{ModeBadRequest, ModeOverloaded, ModeRedirect} {
			t.Run(endpoint+"/"+string(mode), func(t *testing.T) {
				s := New()
				provider := providerOf(endpoint)
				set := settingOf(mode, 1)
				set.Match = matchMarker
				mustSet(t, s, provider, set)

				// A request without the marker, and a probe, even for a mode
				// that breaks probes, are answered as ok and use up nothing.
				readForecast(t, endpoint, generate(t, s, endpoint))
				if w := probe(t, s, provider); w.Code != http.StatusOK {
					t.Errorf("probe: %d", w.Code)
				}
				if cur := s.Current(provider); cur != set {
					t.Errorf("after unmatched requests the setting is %+v, want %+v", cur, set)
				}
				if n := s.Matched(provider); n != 0 {
					t.Errorf("matched %d before any marked request", n)
				}

				// The marked request gets the mode and uses up its count.
				w := generateFor(t, s, endpoint, markedData())
				wantStatus := map[Mode]int{ModeRedirect: http.StatusTemporaryRedirect}[mode]
				if wantStatus == 0 {
					wantStatus = errorTable[provider][mode].status
				}
				if w.Code != wantStatus {
					t.Errorf("marked request: %d, want %d: %s", w.Code, wantStatus, w.Body)
				}
				if cur := s.Current(provider); cur != okSetting {
					t.Errorf("after the count the setting is %+v", cur)
				}
				if w := generateFor(t, s, endpoint, markedData()); w.Code != http.StatusOK {
					t.Errorf("marked request after the count: %d", w.Code)
				}
				if s.Matched(provider) != 1 || s.Requests(provider) != 3 || s.Probes(provider) != 1 {
					t.Errorf("matched %d, requests %d, probes %d; want 1, 3, 1", s.Matched(provider), s.Requests(provider), s.Probes(provider))
				}
			})
		}
	}
}

func TestMatchInModeOKOnlyCounts(t *testing.T) {
	s := New()
	mustSet(t, s, Gemini, Setting{Mode: ModeOK, Count: 5, Match: matchMarker})
	for _, d := range []engine.Data{markedData(), portData(), markedData()} {
		if w := generateFor(t, s, Gemini, d); w.Code != http.StatusOK {
			t.Errorf("status %d", w.Code)
		}
	}
	if s.Matched(Gemini) != 2 || s.Requests(Gemini) != 3 {
		t.Errorf("matched %d of %d, want 2 of 3", s.Matched(Gemini), s.Requests(Gemini))
	}
	if cur := s.Current(Gemini); cur.Match != matchMarker || cur.Count != 0 {
		t.Errorf("setting %+v: ok keeps its match and has no count", cur)
	}
	s.Reset()
	if cur := s.Current(Gemini); cur != okSetting || s.Matched(Gemini) != 0 {
		t.Errorf("after Reset: %+v, matched %d", cur, s.Matched(Gemini))
	}
}

func TestSetRefuses(t *testing.T) {
	tests := []struct {
		set  Setting
		want string
	}{
		{Setting{Mode: ModeRedirect}, "mode redirect needs a location"},
		{Setting{Mode: ModeOverloaded, Location: testLocation}, "a location goes with mode redirect only"},
		{Setting{Mode: ModeOK, Location: testLocation}, "a location goes with mode redirect only"},
		{Setting{Mode: ModeRedirect, Location: "/capture"}, "not an absolute URL"},
		{Setting{Mode: ModeRedirect, Location: "http://%zz"}, "not an absolute URL"},
	}
	for _, tt := range tests {
		s := New()
		if err := s.Set(OpenAI, tt.set); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: %v, want %q", tt.set, err, tt.want)
		}
		if cur := s.Current(OpenAI); cur != okSetting {
			t.Errorf("%+v was set: %+v", tt.set, cur)
		}
	}
	if err := New().SetMode(OpenAI, ModeRedirect, 0); err == nil {
		t.Error("SetMode set a redirect without a location")
	}
}

// noRedirects is srv's client, reading a redirect as an answer.
func noRedirects(srv *httptest.Server) *http.Client {
	c := *srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// TestEveryModeIsCounted sends, over TCP, two generate calls and a probe to
// every endpoint in every mode, and reads the counts from the admin API:
// each call is counted, whatever answered it.
func TestEveryModeIsCounted(t *testing.T) {
	for _, info := range modes {
		t.Run(string(info.mode), func(t *testing.T) {
			t.Parallel()
			s := New()
			srv := serve(t, s)
			client := noRedirects(srv)
			call := func(req *http.Request) {
				ctx, cancel := context.WithTimeout(req.Context(), 150*time.Millisecond)
				defer cancel()
				resp, err := client.Do(req.WithContext(ctx))
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if err != nil && !errors.Is(err, context.DeadlineExceeded) && info.mode != ModeReset {
					t.Errorf("%s %s: %v", req.Method, req.URL.Path, err)
				}
			}
			for _, provider := range Providers() {
				mustSetMode(t, s, provider, info.mode, 0)
			}
			var reqs []*http.Request
			for _, endpoint := range wireProviders {
				reqs = append(reqs, newRequest(t, context.Background(), srv, endpoint), newRequest(t, context.Background(), srv, endpoint))
			}
			for _, provider := range Providers() {
				req, _ := http.NewRequest(http.MethodGet, srv.URL+probePath[provider], nil)
				reqs = append(reqs, withKey(req, provider))
			}
			var wg sync.WaitGroup
			for _, req := range reqs {
				wg.Go(func() { call(req) }) // hang and stall take the deadline each
			}
			wg.Wait()
			waitIdle(t, s) // hang and stall end with the client, a moment later
			code, body := admin(t, s, http.MethodGet, "/admin/requests", "")
			var got map[string]counts
			if err := json.Unmarshal(body, &got); err != nil || code != http.StatusOK {
				t.Fatalf("GET /admin/requests: %d %v %s", code, err, body)
			}
			for _, provider := range Providers() {
				want := counts{Generate: 2, Probe: 1}
				if provider == Cloudflare {
					want.Generate = 4 // native and OpenAI-compatible
				}
				// The calls ran at once, as many as the scheduler let overlap.
				c := got[provider]
				if c.MaxInFlight < 1 || c.MaxInFlight > want.Generate {
					t.Errorf("%s maxInFlight %d, want 1 to %d", provider, c.MaxInFlight, want.Generate)
				}
				c.MaxInFlight = 0
				if c != want {
					t.Errorf("%s counts %+v, want %+v", provider, got[provider], want)
				}
			}
		})
	}
}
