package fakeprovider

import (
	"fmt"
	"slices"
	"strings"
)

// SetMode makes provider answer in mode for its next count requests, then
// return to ModeOK; count 0 keeps the mode until it is changed. Modes that
// only concern generation (see Modes and the admin API's /admin/modes) leave
// health probes alone and do not use up the count on them.
func (s *Server) SetMode(provider string, mode Mode, count int) error {
	if lookup(provider) == nil {
		return unknownProvider(provider)
	}
	if _, err := ParseMode(string(mode)); err != nil {
		return err
	}
	if count < 0 {
		return fmt.Errorf("count %d is negative; 0 means until changed", count)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.state[provider]
	st.mode, st.remaining = mode, count
	if mode == ModeOK {
		st.remaining = 0
	}
	return nil
}

// CurrentMode returns provider's mode and how many more requests it applies
// to (0: until changed). An unknown provider is in ModeOK.
func (s *Server) CurrentMode(provider string) (Mode, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.state[provider]
	if !ok {
		return ModeOK, 0
	}
	return st.mode, st.remaining
}

// Reset puts every provider back in ModeOK and forgets every count and
// recorded request.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state = make(map[string]*providerState, len(providers))
	for _, p := range providers {
		s.state[p.name] = &providerState{modeState: modeState{mode: ModeOK}}
	}
}

// Requests returns how many generate calls provider has received, whatever
// they were answered.
func (s *Server) Requests(provider string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.state[provider]; ok {
		return st.generate
	}
	return 0
}

// Probes returns how many health probes provider has received.
func (s *Server) Probes(provider string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.state[provider]; ok {
		return st.probes
	}
	return 0
}

// LastRequest returns a copy of the body of provider's last generate call,
// nil when there was none. Keys travel in headers or the query, never here.
func (s *Server) LastRequest(provider string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.state[provider]; ok {
		return slices.Clone(st.lastBody)
	}
	return nil
}

// LastPath returns the path of provider's last generate call, without the
// query (Gemini accepts the key there): it names the model for Gemini and
// Cloudflare's native API.
func (s *Server) LastPath(provider string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.state[provider]; ok {
		return st.lastPath
	}
	return ""
}

// counts is one provider's entry in GET /admin/requests.
type counts struct {
	Generate int `json:"generate"`
	Probe    int `json:"probe"`
}

// allCounts returns every provider's counts.
func (s *Server) allCounts() map[string]counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]counts, len(s.state))
	for name, st := range s.state {
		out[name] = counts{Generate: st.generate, Probe: st.probes}
	}
	return out
}

func unknownProvider(name string) error {
	return fmt.Errorf("unknown provider %q; want one of %s", name, strings.Join(Providers(), ", "))
}
