package fakeprovider

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// maxRequestBytes bounds a request body; a larger one is refused as the
// provider refuses a request that is too large.
const maxRequestBytes = 8 << 20

// kind tells generate calls from health probes.
type kind int

const (
	kindGenerate kind = iota // a completion: chat/completions, generateContent, ai/run
	kindProbe                // a cheap check: models, tokens/verify
)

// Server is the fake: one http.Handler serving the five provider APIs under
// their prefixes, and the admin API under /admin/. It is safe for concurrent
// use.
type Server struct {
	mux *http.ServeMux
	now func() time.Time // the clock of created / ids; tests may replace it

	mu    sync.Mutex
	state map[string]*providerState // by provider name
	calls callLog                   // the finished generate calls, in the order they started
	order uint64                    // generate calls started since New, to sort the log by

	// active counts handlers still running, so tests can see that hang and
	// stall end with the client.
	active atomic.Int64
}

// providerState is what the fake keeps per provider.
type providerState struct {
	modeState
	generate, probes int
	matched          int    // generate calls a Match selected
	lastBody         []byte // the body of the last generate call
	lastPath         string // its path, without the query (which may hold a key)
	// inFlight is how many generate calls are running now, maxInFlight the
	// most that ran at once since New or Reset.
	inFlight, maxInFlight int
	latency               time.Duration // how long a generate call waits before it is answered
}

// exchange is one request to a provider endpoint, as the endpoint and the
// provider's failure table see it.
type exchange struct {
	p    *provider
	kind kind
	r    *http.Request
	body []byte
	seq  int // the request's number among the provider's calls of its kind, from 1
	key  string
	// model is the model asked for, from the path or the body's "model".
	model string
	mode  Mode
	// location is where ModeRedirect sends the client.
	location string
	// retryAfter is the wait ModeRateLimited asks for: 0 the provider's
	// usual hint, NoRetryHint none (see Setting).
	retryAfter time.Duration
	now        time.Time
	// detail says what is wrong with a request refused as modeMalformed.
	detail string
	// refused is the fake's own outcome (missing-key, malformed…) when
	// refuse answered the request, "" otherwise; the call log shows it.
	refused Mode
}

// endpoint answers a request that no mode refused.
type endpoint func(x *exchange) reply

// New returns a fake with every provider in ModeOK.
func New() *Server {
	s := &Server{mux: http.NewServeMux(), now: time.Now, calls: callLog{limit: maxCalls}}
	s.Reset()
	s.routes()
	return s
}

// ServeHTTP serves the provider APIs and the admin API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

func (s *Server) routes() {
	for _, p := range providers {
		s.mux.HandleFunc(p.prefix+"/", s.notFound(p))
	}
	s.route(OpenAI, kindGenerate, "POST /openai/v1/chat/completions", chatCompletions)
	s.route(OpenAI, kindProbe, "GET /openai/v1/models", modelList)
	s.route(Groq, kindGenerate, "POST /groq/openai/v1/chat/completions", chatCompletions)
	s.route(Groq, kindProbe, "GET /groq/openai/v1/models", modelList)
	s.route(HuggingFace, kindGenerate, "POST /huggingface/v1/chat/completions", chatCompletions)
	s.route(HuggingFace, kindProbe, "GET /huggingface/v1/models", modelList)
	s.route(Cloudflare, kindGenerate, "POST /cloudflare/client/v4/accounts/{account}/ai/v1/chat/completions", chatCompletions)
	s.route(Cloudflare, kindGenerate, "POST /cloudflare/client/v4/accounts/{account}/ai/run/{model...}", cloudflareRun)
	s.route(Cloudflare, kindProbe, "GET /cloudflare/client/v4/user/tokens/verify", tokenVerify)
	s.route(Gemini, kindProbe, "GET /gemini/v1beta/models", geminiModelList)
	// {model} holds "gemini-2.5-flash:generateContent"; a mux wildcard is a
	// whole segment, so the method after the colon is checked here.
	generate, missing := s.handler(lookup(Gemini), kindGenerate, generateContent), s.notFound(lookup(Gemini))
	s.mux.HandleFunc("POST /gemini/v1beta/models/{model}", func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.PathValue("model"), ":generateContent") {
			generate(w, r)
		} else {
			missing(w, r)
		}
	})
	s.adminRoutes()
}

func (s *Server) route(name string, k kind, pattern string, answer endpoint) {
	s.mux.HandleFunc(pattern, s.handler(lookup(name), k, answer))
}

// handler serves one endpoint of p: count the call, check the key, apply the
// provider's mode, and otherwise answer. A generate call waits out the
// provider's latency before anything is sent, and is logged when it ends.
func (s *Server) handler(p *provider, k kind, answer endpoint) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.active.Add(1)
		defer s.active.Add(-1)
		// Read the whole body first: the server only notices a client that
		// goes away (and cancels r.Context) once the body is consumed.
		body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBytes+1))
		if err != nil {
			return // the client went away mid-request
		}
		x := &exchange{p: p, kind: k, r: r, body: body}
		t := s.record(p.name, k, body, r.URL.Path)
		x.seq, x.now = t.seq, t.started
		defer s.finish(t)
		rep, ok := s.respond(x, t, answer)
		t.mode = x.mode
		if x.refused != "" {
			t.mode = x.refused
		}
		if !ok {
			<-r.Context().Done() // ModeHang
			return
		}
		if !pause(r, t.latency) {
			return // the client went away during the latency
		}
		t.status = rep.status
		deliver(w, r, x.mode, rep)
	}
}

// respond decides how x is answered and builds the answer, false for
// ModeHang, which answers nothing. It notes on t whether a match selected x.
func (s *Server) respond(x *exchange, t *ticket, answer endpoint) (reply, bool) {
	if x.key = x.p.key(x.r); x.key == "" {
		return x.refuse(modeMissingKey, ""), true
	}
	x.model = modelOf(x.r, x.body)
	if len(x.body) > maxRequestBytes {
		return x.refuse(ModeTooLarge, ""), true
	}
	set, matched := s.take(x.p.name, x.kind, x.body)
	x.mode, x.location, x.retryAfter = set.Mode, set.Location, set.RetryAfter
	t.matched = matched
	if x.mode == ModeHang {
		return reply{}, false
	}
	if rep, ok := refusal(x.mode, x); ok {
		return rep, true
	}
	return answer(x), true
}

// notFound answers a path p does not have, as p does.
func (s *Server) notFound(p *provider) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		x := &exchange{p: p, r: r, now: s.now()}
		write(w, x.refuse(modeNotFound, ""))
	}
}

// refuse answers the refusal m as x's provider does, with detail for
// modeMalformed.
func (x *exchange) refuse(m Mode, detail string) reply {
	x.detail, x.refused = detail, m
	rep, ok := refusal(m, x)
	if !ok {
		panic(fmt.Sprintf("fakeprovider: %s has no answer for %q", x.p.name, m))
	}
	return rep
}

// take returns the setting the next call of kind k with body to the
// provider is answered in, and whether a match selected it, which it
// counts.
func (s *Server) take(name string, k kind, body []byte) (Setting, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.state[name]
	set, matched := st.take(k, body)
	if matched {
		st.matched++
	}
	return set, matched
}

// modelOf is the model a request asks for: from the path (Gemini, Cloudflare's
// native API) or the body's "model" (the OpenAI shape).
func modelOf(r *http.Request, body []byte) string {
	if m := r.PathValue("model"); m != "" {
		m, _, _ = strings.Cut(m, ":") // Gemini's ":generateContent"
		return m
	}
	var req struct {
		Model string `json:"model"`
	}
	_ = json.Unmarshal(body, &req) // an unreadable body is refused later
	return req.Model
}
