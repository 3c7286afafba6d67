package fakeprovider

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Setting is how a provider answers its next requests.
type Setting struct {
	// Mode is the answer.
	Mode Mode
	// Count is how many requests Mode applies to before the provider returns
	// to ModeOK; 0 means until the setting is changed. Current reports what
	// is left of it. ModeOK has none.
	Count int
	// Location is where ModeRedirect sends the client, an absolute URL.
	// ModeRedirect needs one; every other mode refuses one.
	Location string
	// Match, when not empty, narrows Mode to the generate calls whose body
	// contains it: every other request, probes included, is answered in
	// ModeOK and leaves Count alone. The calls it selects are counted
	// (Matched), in ModeOK too.
	Match string
	// RetryAfter replaces the wait hint of ModeRateLimited's 429, which
	// every other mode refuses. 0 keeps the provider's usual hint; a wait
	// (whole milliseconds, at most 24h) is asked for in the provider's own
	// format: OpenAI's retry-after-ms, retry-after (whole seconds, rounded
	// up), x-ratelimit-reset-requests and "Please try again in 20s."; Groq's
	// retry-after (whole seconds, rounded up), x-ratelimit-reset-tokens and
	// the same words; Gemini's RetryInfo retryDelay and "Please retry in
	// 20s.". Cloudflare and Hugging Face send no hint in reality, and refuse
	// a wait. NoRetryHint, on every provider, sends a 429 with no hint at
	// all: no retry-after or reset header, no wait in the message (and on
	// Gemini no QuotaFailure or RetryInfo).
	RetryAfter time.Duration
}

// NoRetryHint is a Setting's RetryAfter for a 429 with no wait hint at all;
// the admin API writes it "0s".
const NoRetryHint time.Duration = -1

// maxRetryAfter bounds a Setting's RetryAfter.
const maxRetryAfter = 24 * time.Hour

// validate says what is wrong with set, nil when nothing is.
func (set Setting) validate() error {
	if _, err := ParseMode(string(set.Mode)); err != nil {
		return err
	}
	if set.Count < 0 {
		return fmt.Errorf("count %d is negative; 0 means until changed", set.Count)
	}
	switch {
	case set.Mode == ModeRedirect && set.Location == "":
		return errors.New(`mode redirect needs a location to send the client to, e.g. {"mode": "redirect", "location": "http://127.0.0.1:4567/capture"}`)
	case set.Mode != ModeRedirect && set.Location != "":
		return fmt.Errorf("a location goes with mode redirect only, not with mode %s", set.Mode)
	}
	if set.Location != "" {
		if u, err := url.Parse(set.Location); err != nil || !u.IsAbs() || u.Host == "" {
			return fmt.Errorf("location %q is not an absolute URL such as http://127.0.0.1:4567/capture", set.Location)
		}
	}
	return set.validRetryAfter()
}

// validRetryAfter says what is wrong with set's RetryAfter, nil when
// nothing is.
func (set Setting) validRetryAfter() error {
	d := set.RetryAfter
	switch {
	case d == 0:
		return nil
	case set.Mode != ModeRateLimited:
		return fmt.Errorf("a retryAfter goes with mode rate-limited only, not with mode %s", set.Mode)
	case d == NoRetryHint:
		return nil
	case d < 0:
		return fmt.Errorf("retryAfter %s is negative; give a wait such as 20s, or 0s for a 429 with no hint", d)
	case d > maxRetryAfter:
		return fmt.Errorf("retryAfter %s is above the longest the fake asks for, %s", d, maxRetryAfter)
	case d%time.Millisecond != 0:
		return fmt.Errorf("retryAfter %s is not whole milliseconds, the unit of OpenAI's retry-after-ms; give e.g. %s", d, d.Round(time.Millisecond))
	}
	return nil
}

// hintsWait reports whether provider's 429 can ask for a wait: the real
// Cloudflare and Hugging Face never do.
func hintsWait(provider string) bool {
	return provider != Cloudflare && provider != HuggingFace
}

// Set makes provider answer as set says. Modes that only concern generation
// (see Modes and the admin API's /admin/modes) leave health probes alone and
// do not use up the count on them.
func (s *Server) Set(provider string, set Setting) error {
	if lookup(provider) == nil {
		return unknownProvider(provider)
	}
	if err := set.validate(); err != nil {
		return err
	}
	if set.RetryAfter > 0 && !hintsWait(provider) {
		return fmt.Errorf("%s's 429 has no wait hint in reality, so it takes no retryAfter; only \"0s\" (no hint, as it always answers); openai, groq and gemini take a wait", provider)
	}
	if set.Mode == ModeOK {
		set.Count = 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state[provider].Setting = set
	return nil
}

// Current returns provider's setting, its Count what is left of it (0: until
// changed). An unknown provider is in ModeOK.
func (s *Server) Current(provider string) Setting {
	if lookup(provider) == nil {
		return okSetting
	}
	return stateOf(s, provider, func(st *providerState) Setting { return st.Setting })
}

// SetMode makes provider answer in mode for its next count requests, then
// return to ModeOK; count 0 keeps the mode until it is changed. It is Set
// without a location, a match or a wait hint, so it refuses ModeRedirect.
func (s *Server) SetMode(provider string, mode Mode, count int) error {
	return s.Set(provider, Setting{Mode: mode, Count: count})
}

// CurrentMode returns provider's mode and how many more requests it applies
// to (0: until changed). An unknown provider is in ModeOK.
func (s *Server) CurrentMode(provider string) (Mode, int) {
	set := s.Current(provider)
	return set.Mode, set.Count
}

// Reset puts every provider back in ModeOK, with no location, match, wait
// hint or latency, and forgets every count, recorded request and logged
// call. Calls still running then are left out of the new counts and log.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state = make(map[string]*providerState, len(providers))
	for _, p := range providers {
		s.state[p.name] = &providerState{modeState: modeState{okSetting}}
	}
	s.calls.clear()
}

// Requests returns how many generate calls provider has received, whatever
// they were answered.
func (s *Server) Requests(provider string) int {
	return stateOf(s, provider, func(st *providerState) int { return st.generate })
}

// Matched returns how many of provider's generate calls a Match selected
// (see Setting), over every setting since New or Reset: how many times a
// request holding the matched data was answered in a mode.
func (s *Server) Matched(provider string) int {
	return stateOf(s, provider, func(st *providerState) int { return st.matched })
}

// Probes returns how many health probes provider has received.
func (s *Server) Probes(provider string) int {
	return stateOf(s, provider, func(st *providerState) int { return st.probes })
}

// LastRequest returns a copy of the body of provider's last generate call,
// nil when there was none. Keys travel in headers or the query, never here.
func (s *Server) LastRequest(provider string) []byte {
	return stateOf(s, provider, func(st *providerState) []byte { return slices.Clone(st.lastBody) })
}

// LastPath returns the path of provider's last generate call, without the
// query (Gemini accepts the key there): it names the model for Gemini and
// Cloudflare's native API.
func (s *Server) LastPath(provider string) string {
	return stateOf(s, provider, func(st *providerState) string { return st.lastPath })
}

// stateOf returns get of provider's state, read under the lock; the zero T
// for an unknown provider.
func stateOf[T any](s *Server, provider string, get func(*providerState) T) T {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.state[provider]
	if !ok {
		var zero T
		return zero
	}
	return get(st)
}

// counts is one provider's entry in GET /admin/requests.
type counts struct {
	Generate    int `json:"generate"`
	Probe       int `json:"probe"`
	Matched     int `json:"matched"`     // generate calls a match selected
	InFlight    int `json:"inFlight"`    // generate calls running now
	MaxInFlight int `json:"maxInFlight"` // the most that ran at once
}

// allCounts returns every provider's counts.
func (s *Server) allCounts() map[string]counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]counts, len(s.state))
	for name, st := range s.state {
		out[name] = counts{Generate: st.generate, Probe: st.probes, Matched: st.matched, InFlight: st.inFlight, MaxInFlight: st.maxInFlight}
	}
	return out
}

func unknownProvider(name string) error {
	return fmt.Errorf("unknown provider %q; want one of %s", name, strings.Join(Providers(), ", "))
}
