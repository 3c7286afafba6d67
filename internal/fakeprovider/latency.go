package fakeprovider

import (
	"fmt"
	"net/http"
	"time"
)

// maxLatency bounds a provider's latency.
const maxLatency = 10 * time.Minute

// SetLatency makes provider wait d before it answers each generate call
// (chat/completions, generateContent, ai/run), whatever its mode answers:
// a model's time to think, for tests of concurrency and pacing. Probes are
// not delayed. A client that goes away during the wait ends it, and is sent
// nothing. 0 switches it off; d must not be negative nor above 10m. A call
// waits the latency set when it arrived. Reset puts it back to 0.
func (s *Server) SetLatency(provider string, d time.Duration) error {
	if lookup(provider) == nil {
		return unknownProvider(provider)
	}
	if err := validLatency(d); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state[provider].latency = d
	return nil
}

// Latency returns provider's latency, 0 for none or an unknown provider.
func (s *Server) Latency(provider string) time.Duration {
	return stateOf(s, provider, func(st *providerState) time.Duration { return st.latency })
}

// validLatency says what is wrong with d as a latency, nil when nothing is.
func validLatency(d time.Duration) error {
	switch {
	case d < 0:
		return fmt.Errorf("latency %s is negative; give a wait such as 500ms, or 0 for none", d)
	case d > maxLatency:
		return fmt.Errorf("latency %s is above the longest the fake allows, %s", d, maxLatency)
	}
	return nil
}

// pause waits d, and reports false when r's client went away first.
func pause(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}
