package fakeprovider

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// The admin API, on the same handler as the providers, for end-to-end tests
// that break a provider in the middle of a run:
//
//	PUT  /admin/providers/{provider}/mode  {"mode": "overloaded", "count": 3}
//	GET  /admin/providers/{provider}/mode  the current mode and what is left of its count
//	GET  /admin/requests                   generate, probe and matched counts per provider
//	POST /admin/reset                      every provider back to ok, counts to zero
//	GET  /admin/modes                      the modes, each with a one-line description
//
// The PUT body may also hold "location", the URL mode redirect sends the
// client to (which it needs, and every other mode refuses), and "match": the
// mode then applies only to generate calls whose body contains that string,
// and every other request is answered as mode ok without using up the
// count. GET /admin/requests counts the calls a match selected as
// "matched":
//
//	{"mode": "redirect", "location": "http://127.0.0.1:4567/capture"}
//	{"mode": "bad-request", "match": "ZZZ", "count": 1}
//
// Errors are JSON: {"error": "…"}, 400 for a bad provider, mode or body.

// maxAdminBody bounds an admin request body.
const maxAdminBody = 64 << 10

func (s *Server) adminRoutes() {
	s.mux.HandleFunc("PUT /admin/providers/{provider}/mode", s.putMode)
	s.mux.HandleFunc("GET /admin/providers/{provider}/mode", s.getMode)
	s.mux.HandleFunc("GET /admin/requests", s.getRequests)
	s.mux.HandleFunc("POST /admin/reset", s.postReset)
	s.mux.HandleFunc("GET /admin/modes", getModes)
	s.mux.HandleFunc("/admin/", func(w http.ResponseWriter, r *http.Request) {
		adminError(w, http.StatusNotFound, fmt.Sprintf("no admin endpoint %s %s; see GET /admin/modes, GET /admin/requests, POST /admin/reset, GET|PUT /admin/providers/{provider}/mode", r.Method, r.URL.Path))
	})
}

// modeRequest is the body of PUT /admin/providers/{provider}/mode.
type modeRequest struct {
	Mode     string `json:"mode"`
	Count    int    `json:"count"`    // 0: until changed
	Location string `json:"location"` // mode redirect only
	Match    string `json:"match"`    // "": every request
}

// modeStatus is a provider's mode as the admin API shows it.
type modeStatus struct {
	Provider  string `json:"provider"`
	Mode      Mode   `json:"mode"`
	Remaining int    `json:"remaining"` // requests left in this mode; 0: until changed
	Location  string `json:"location,omitempty"`
	Match     string `json:"match,omitempty"`
}

func (s *Server) putMode(w http.ResponseWriter, r *http.Request) {
	provider := r.PathValue("provider")
	var req modeRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, maxAdminBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		adminError(w, http.StatusBadRequest, fmt.Sprintf(`the body must be {"mode": "<mode>", "count": <n>, "location": "<url>", "match": "<text>"}, each but mode optional: %v`, err))
		return
	}
	set := Setting{Mode: Mode(req.Mode), Count: req.Count, Location: req.Location, Match: req.Match}
	if err := s.Set(provider, set); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.getMode(w, r)
}

func (s *Server) getMode(w http.ResponseWriter, r *http.Request) {
	provider := r.PathValue("provider")
	if lookup(provider) == nil {
		adminError(w, http.StatusBadRequest, unknownProvider(provider).Error())
		return
	}
	set := s.Current(provider)
	write(w, jsonReply(http.StatusOK, modeStatus{Provider: provider, Mode: set.Mode, Remaining: set.Count, Location: set.Location, Match: set.Match}))
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
