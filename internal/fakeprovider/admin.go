package fakeprovider

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// The admin API, on the same handler as the providers, for end-to-end tests
// that break a provider in the middle of a run, and benchmarks that measure
// how a client paces its calls:
//
//	PUT  /admin/providers/{provider}/mode     {"mode": "overloaded", "count": 3}
//	GET  /admin/providers/{provider}/mode     the current mode and what is left of its count
//	PUT  /admin/providers/{provider}/latency  {"latency": "500ms"}
//	GET  /admin/providers/{provider}/latency  {"provider": "openai", "latency": "500ms"}
//	GET  /admin/requests                      counts per provider: generate, probe, matched, inFlight, maxInFlight
//	GET  /admin/calls[?provider=openai]       the generate calls, in the order they started
//	POST /admin/reset                         every provider back to ok, no latency, counts and calls to zero
//	GET  /admin/modes                         the modes, each with a one-line description
//
// The mode's PUT body may also hold "location", the URL mode redirect sends
// the client to (which it needs, and every other mode refuses), and
// "match": the mode then applies only to generate calls whose body contains
// that string, and every other request is answered as mode ok without using
// up the count. GET /admin/requests counts the calls a match selected as
// "matched":
//
//	{"mode": "redirect", "location": "http://127.0.0.1:4567/capture"}
//	{"mode": "bad-request", "match": "ZZZ", "count": 1}
//
// With mode rate-limited only, "retryAfter" sets the wait the 429 asks for,
// a Go duration in whole milliseconds up to 24h, in the provider's own
// format (see Setting.RetryAfter); "0s" sends a 429 with no hint at all, on
// every provider. Cloudflare and Hugging Face, which never hint a wait,
// refuse any other:
//
//	{"mode": "rate-limited", "retryAfter": "20s"}
//	{"mode": "rate-limited", "retryAfter": "0s", "count": 2}
//
// The latency is a Go duration, from "0" (none, the default) to "10m":
// every generate call of the provider waits it before it is answered, in
// any mode; probes do not (see SetLatency).
//
// GET /admin/requests holds, per provider, "inFlight", the generate calls
// running now, and "maxInFlight", the most that ran at once since the last
// reset:
//
//	{"openai": {"generate": 12, "probe": 1, "matched": 0, "inFlight": 2, "maxInFlight": 4}, …}
//
// GET /admin/calls lists the generate calls that have finished, each with
// its provider, its number among that provider's calls, when it started and
// finished (RFC 3339, UTC, nine digits of nanoseconds), the status sent (0:
// none, for a hang or a client gone during the latency), the mode that
// answered, whether a match selected it, and the region of the operator's
// data in its user message (omitted when it has none), which tells the
// Forecasts' calls apart. It keeps the last 100,000;
// "dropped" counts the older ones it let go, of every provider:
//
//	{"calls": [{"provider": "openai", "seq": 1, "started": "2025-06-01T10:00:00.000000000Z",
//	  "finished": "2025-06-01T10:00:00.500000000Z", "status": 429, "mode": "rate-limited", "matched": false, "region": "USA"}],
//	 "dropped": 0}
//
// Errors are JSON: {"error": "…"}, 400 for a bad provider, mode or body.

// maxAdminBody bounds an admin request body.
const maxAdminBody = 64 << 10

func (s *Server) adminRoutes() {
	s.mux.HandleFunc("PUT /admin/providers/{provider}/mode", s.putMode)
	s.mux.HandleFunc("GET /admin/providers/{provider}/mode", s.getMode)
	s.mux.HandleFunc("PUT /admin/providers/{provider}/latency", s.putLatency)
	s.mux.HandleFunc("GET /admin/providers/{provider}/latency", s.getLatency)
	s.mux.HandleFunc("GET /admin/requests", s.getRequests)
	s.mux.HandleFunc("GET /admin/calls", s.getCalls)
	s.mux.HandleFunc("POST /admin/reset", s.postReset)
	s.mux.HandleFunc("GET /admin/modes", getModes)
	s.mux.HandleFunc("/admin/", func(w http.ResponseWriter, r *http.Request) {
		adminError(w, http.StatusNotFound, fmt.Sprintf("no admin endpoint %s %s; see GET /admin/modes, GET /admin/requests, GET /admin/calls, POST /admin/reset, GET|PUT /admin/providers/{provider}/mode, GET|PUT /admin/providers/{provider}/latency", r.Method, r.URL.Path))
	})
}

// modeRequest is the body of PUT /admin/providers/{provider}/mode.
type modeRequest struct {
	Mode       string  `json:"mode"`
	Count      int     `json:"count"`      // 0: until changed
	Location   string  `json:"location"`   // mode redirect only
	Match      string  `json:"match"`      // "": every request
	RetryAfter *string `json:"retryAfter"` // mode rate-limited only; "0s": no hint
}

// modeStatus is a provider's mode as the admin API shows it.
type modeStatus struct {
	Provider   string `json:"provider"`
	Mode       Mode   `json:"mode"`
	Remaining  int    `json:"remaining"` // requests left in this mode; 0: until changed
	Location   string `json:"location,omitempty"`
	Match      string `json:"match,omitempty"`
	RetryAfter string `json:"retryAfter,omitempty"` // "0s": no hint
}

// parseRetryAfter reads a mode body's retryAfter: nil is the provider's
// usual hint, "0s" (any zero duration) NoRetryHint.
func parseRetryAfter(s *string) (time.Duration, error) {
	if s == nil {
		return 0, nil
	}
	d, err := time.ParseDuration(*s)
	switch {
	case err != nil:
		return 0, fmt.Errorf(`retryAfter %q is not a duration such as "20s" or "1500ms" ("0s" for a 429 with no hint)`, *s)
	case d == 0:
		return NoRetryHint, nil
	case d < 0:
		return 0, fmt.Errorf(`retryAfter %s is negative; give a wait such as "20s", or "0s" for a 429 with no hint`, d)
	}
	return d, nil
}

// formatRetryAfter writes a Setting's RetryAfter as the admin API shows it,
// "" for the usual hint.
func formatRetryAfter(d time.Duration) string {
	switch d {
	case 0:
		return ""
	case NoRetryHint:
		return "0s"
	}
	return d.String()
}

func (s *Server) putMode(w http.ResponseWriter, r *http.Request) {
	provider := r.PathValue("provider")
	var req modeRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, maxAdminBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		adminError(w, http.StatusBadRequest, fmt.Sprintf(`the body must be {"mode": "<mode>", "count": <n>, "location": "<url>", "match": "<text>", "retryAfter": "<duration>"}, each but mode optional: %v`, err))
		return
	}
	wait, err := parseRetryAfter(req.RetryAfter)
	if err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	set := Setting{Mode: Mode(req.Mode), Count: req.Count, Location: req.Location, Match: req.Match, RetryAfter: wait}
	if err := s.Set(provider, set); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.getMode(w, r)
}

func (s *Server) getMode(w http.ResponseWriter, r *http.Request) {
	provider, ok := pathProvider(w, r)
	if !ok {
		return
	}
	set := s.Current(provider)
	write(w, jsonReply(http.StatusOK, modeStatus{
		Provider: provider, Mode: set.Mode, Remaining: set.Count, Location: set.Location, Match: set.Match,
		RetryAfter: formatRetryAfter(set.RetryAfter),
	}))
}

// pathProvider is the {provider} of the path; for an unknown one it answers
// 400 and returns false.
func pathProvider(w http.ResponseWriter, r *http.Request) (string, bool) {
	provider := r.PathValue("provider")
	if lookup(provider) == nil {
		adminError(w, http.StatusBadRequest, unknownProvider(provider).Error())
		return "", false
	}
	return provider, true
}

// latencyStatus is a provider's latency as the admin API shows it.
type latencyStatus struct {
	Provider string `json:"provider"`
	Latency  string `json:"latency"` // a Go duration, "0s" for none
}

func (s *Server) putLatency(w http.ResponseWriter, r *http.Request) {
	provider := r.PathValue("provider")
	var req struct {
		Latency *string `json:"latency"` // nil: missing
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, maxAdminBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(&req)
	if err == nil && req.Latency == nil {
		err = errors.New("latency is missing")
	}
	if err != nil {
		adminError(w, http.StatusBadRequest, fmt.Sprintf(`the body must be {"latency": "<duration>"}, e.g. "500ms", "0" for none: %v`, err))
		return
	}
	d, err := time.ParseDuration(*req.Latency)
	if err != nil {
		adminError(w, http.StatusBadRequest, fmt.Sprintf(`latency %q is not a duration such as "500ms" or "2s" ("0" for none)`, *req.Latency))
		return
	}
	if err := s.SetLatency(provider, d); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.getLatency(w, r)
}

func (s *Server) getLatency(w http.ResponseWriter, r *http.Request) {
	provider, ok := pathProvider(w, r)
	if !ok {
		return
	}
	write(w, jsonReply(http.StatusOK, latencyStatus{Provider: provider, Latency: s.Latency(provider).String()}))
}

func (s *Server) getCalls(w http.ResponseWriter, r *http.Request) {
	provider := r.URL.Query().Get("provider")
	if provider != "" && lookup(provider) == nil {
		adminError(w, http.StatusBadRequest, unknownProvider(provider).Error())
		return
	}
	s.mu.Lock()
	list := struct {
		Calls   []Call `json:"calls"`
		Dropped int    `json:"dropped"`
	}{s.calls.list(provider), s.calls.dropped}
	s.mu.Unlock()
	write(w, jsonReply(http.StatusOK, list))
}

func (s *Server) getRequests(w http.ResponseWriter, _ *http.Request) {
	write(w, jsonReply(http.StatusOK, s.allCounts()))
}

func (s *Server) postReset(w http.ResponseWriter, _ *http.Request) {
	s.Reset()
	w.WriteHeader(http.StatusNoContent)
}

func getModes(w http.ResponseWriter, _ *http.Request) {
	type entry struct {
		Mode        Mode   `json:"mode"`
		Description string `json:"description"`
		Probes      bool   `json:"probes"` // whether it breaks health probes too
	}
	list := make([]entry, len(modes))
	for i, m := range modes {
		list[i] = entry{m.mode, m.description, m.probes}
	}
	write(w, jsonReply(http.StatusOK, map[string][]entry{"modes": list}))
}

func adminError(w http.ResponseWriter, status int, msg string) {
	write(w, jsonReply(status, map[string]string{"error": msg}))
}
