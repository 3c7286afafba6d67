package fakeprovider

import (
	"cmp"
	"encoding/json"
	"slices"
	"time"
)

// maxCalls bounds the call log; past it, the oldest calls are dropped.
const maxCalls = 100_000

// callTime is how the call log writes a time: RFC 3339 with nanoseconds,
// always nine digits of them, so that the strings sort as the times do.
const callTime = "2006-01-02T15:04:05.000000000Z07:00"

// Call is one generate call in the call log (Calls, GET /admin/calls).
type Call struct {
	// Provider is the provider called.
	Provider string `json:"provider"`
	// Seq is the call's number among the provider's generate calls since
	// New or Reset, from 1, as Requests counts them.
	Seq int `json:"seq"`
	// Started is when the handler took the call, once its body was read;
	// Finished is when it was done with it: after the latency and the
	// answer, or when the client went away.
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	// Status is the HTTP status sent, 0 when none was: a hang, or a client
	// that went away during the latency. A stall or a reset sends its
	// status before it breaks off.
	Status int `json:"status"`
	// Mode is what answered: the provider's mode (ModeOK for a call its
	// Match did not select), or the fake's own refusal ("missing-key",
	// "malformed").
	Mode Mode `json:"mode"`
	// Matched is whether the setting's Match selected the call.
	Matched bool `json:"matched"`
	// Region is the region of the operator's data in the request's user
	// message, "" when it has none: it tells which Forecast asked, for
	// tests that follow each Forecast's calls.
	Region string `json:"region,omitempty"`
}

// MarshalJSON writes c as GET /admin/calls does, its times in UTC with
// nine digits of nanoseconds.
func (c Call) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Provider string `json:"provider"`
		Seq      int    `json:"seq"`
		Started  string `json:"started"`
		Finished string `json:"finished"`
		Status   int    `json:"status"`
		Mode     Mode   `json:"mode"`
		Matched  bool   `json:"matched"`
		Region   string `json:"region,omitempty"`
	}{c.Provider, c.Seq, c.Started.UTC().Format(callTime), c.Finished.UTC().Format(callTime), c.Status, c.Mode, c.Matched, c.Region})
}

// Calls returns provider's generate calls that have finished since New or
// Reset, in the order they started ("" for every provider's, interleaved).
// The log keeps the last 100,000 calls; CallsDropped says how many older
// ones it dropped. A call in progress is not in it yet (see InFlight).
func (s *Server) Calls(provider string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls.list(provider)
}

// CallsDropped returns how many calls, of every provider, the call log has
// dropped to stay within its bound since New or Reset.
func (s *Server) CallsDropped() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls.dropped
}

// InFlight returns how many of provider's generate calls are running now:
// taken by the handler and not yet finished (see Call).
func (s *Server) InFlight(provider string) int {
	return stateOf(s, provider, func(st *providerState) int { return st.inFlight })
}

// MaxInFlight returns the most generate calls of provider that ran at once
// since New or Reset: what a client's concurrency limit let through.
func (s *Server) MaxInFlight(provider string) int {
	return stateOf(s, provider, func(st *providerState) int { return st.maxInFlight })
}

// ticket is a call from the moment it is counted to the moment it ends.
type ticket struct {
	provider string
	kind     kind
	st       *providerState // what counted it; a Reset since replaced it
	order    uint64         // its place among every generate call
	seq      int
	started  time.Time
	latency  time.Duration // how long it waits before it is answered
	region   string        // the region of the request's data, "" when none

	// Filled in by the handler as the call goes.
	mode    Mode
	matched bool
	status  int
}

// record counts a call and keeps a generate call's body and path, and
// returns its ticket, with its number among the provider's calls of its
// kind. The start time is taken under the lock, so that the log's start
// order is the order calls were counted in.
func (s *Server) record(name string, k kind, body []byte, path string) *ticket {
	var region string
	if k == kindGenerate {
		region = regionOf(body) // parsed before the lock is taken
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.state[name]
	t := &ticket{provider: name, kind: k, st: st, started: s.now()}
	if k == kindProbe {
		st.probes++
		t.seq = st.probes
		return t
	}
	st.generate++
	st.lastBody, st.lastPath = body, path
	st.inFlight++
	st.maxInFlight = max(st.maxInFlight, st.inFlight)
	s.order++
	t.order, t.seq, t.latency, t.region = s.order, st.generate, st.latency, region
	return t
}

// regionOf is the region of the operator's data in a generate call's user
// message, whatever the wire format: the OpenAI shape's messages,
// Cloudflare's native prompt or messages, Gemini's contents. It is "" for a
// body that is not JSON or holds no such data, such as a completion probe.
func regionOf(body []byte) string {
	var req struct {
		Messages []chatMessage   `json:"messages"`
		Prompt   string          `json:"prompt"`
		Contents []geminiContent `json:"contents"`
	}
	if json.Unmarshal(body, &req) != nil {
		return ""
	}
	text := userText(req.Messages)
	if text == "" {
		text = req.Prompt
	}
	if text == "" {
		text = geminiUserText(req.Contents)
	}
	return readUserMessage(text).Data.Region
}

// finish ends a generate call: it no longer runs, and it joins the log,
// unless a Reset came in between (whose log and counts begin after it).
func (s *Server) finish(t *ticket) {
	if t.kind != kindGenerate {
		return
	}
	finished := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	t.st.inFlight--
	if s.state[t.provider] != t.st {
		return // reset while it ran
	}
	s.calls.add(loggedCall{t.order, Call{
		Provider: t.provider, Seq: t.seq, Started: t.started, Finished: finished,
		Status: t.status, Mode: t.mode, Matched: t.matched, Region: t.region,
	}})
}

// loggedCall is a Call with its place in the start order.
type loggedCall struct {
	order uint64
	Call
}

// callLog holds the last limit finished calls, in a ring: once full, each
// new call takes the oldest one's place.
type callLog struct {
	limit   int
	ring    []loggedCall
	next    int // where the next call goes once the ring is full
	dropped int
}

func (l *callLog) add(c loggedCall) {
	if len(l.ring) < l.limit {
		l.ring = append(l.ring, c)
		return
	}
	l.ring[l.next] = c
	l.next = (l.next + 1) % l.limit
	l.dropped++
}

// clear forgets every call, and the count of those dropped.
func (l *callLog) clear() {
	*l = callLog{limit: l.limit}
}

// list returns provider's calls ("" for all), in start order; never nil.
func (l *callLog) list(provider string) []Call {
	kept := make([]loggedCall, 0, len(l.ring))
	for _, c := range l.ring {
		if provider == "" || c.Provider == provider {
			kept = append(kept, c)
		}
	}
	// The ring is in the order calls finished; a slow call ends after
	// faster ones that started later.
	slices.SortFunc(kept, func(a, b loggedCall) int { return cmp.Compare(a.order, b.order) })
	out := make([]Call, len(kept))
	for i, c := range kept {
		out[i] = c.Call
	}
	return out
}
