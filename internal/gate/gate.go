package gate

import (
	"context"
	"sync"
	"time"
)

// Call is one provider call waiting for its turn.
type Call struct {
	// Key identifies the caller (a Forecast's UID): a caller has at most one
	// call waiting, and a new Submit replaces the one waiting.
	Key string
	// Version tells two calls of one key apart (e.g. other inputs); the
	// gate only reports it back (Lookup).
	Version string
	// Namespace is the caller's tenant, the unit of fairness.
	Namespace string
	// Tokens is the estimate of the tokens the call will use, prompt and
	// answer.
	Tokens int
	// Run makes the call once the gate admits it, on a goroutine of its own,
	// and must end with p.Done. The call's key stays Running until Run
	// returns, after Done: what Run does with the outcome (keep it for its
	// caller) is done before the key can be submitted again.
	Run func(ctx context.Context, p *Permit)
}

// Report is what a call tells the gate when it ends.
type Report struct {
	// RateLimited is true for a 429; RetryAfter is the wait it asked for,
	// 0 when it gave no hint.
	RateLimited bool
	RetryAfter  time.Duration
	// Succeeded is true when the provider answered (whatever the engine
	// makes of the answer later).
	Succeeded bool
	// Tokens is the usage the answer reports, 0 when it reports none (the
	// estimate stands then).
	Tokens int
	// Headroom is what the provider's rate-limit headers said, if any.
	Headroom *Headroom
}

// Headroom is what a provider says is left of its limits after a call: the
// x-ratelimit-remaining-* headers and the x-ratelimit-reset-* durations.
// A negative remaining count is unknown.
type Headroom struct {
	RemainingRequests, RemainingTokens int
	ResetRequests, ResetTokens         time.Duration
}

// Verdict is what the gate made of a call's end.
type Verdict struct {
	// Pause is, for a rate-limited call, the number of the pause it belongs
	// to among the pauses in a row since the provider's last success (1 for
	// the first); 0 otherwise.
	Pause int
	// Until is when that pause ends.
	Until time.Time
	// Began is true for the call whose 429 began the pause.
	Began bool
}

// Permit is a call's place in flight; Done gives it back.
type Permit struct {
	g       *Gate
	key     string
	tokens  *entry
	pauseID int // the gate's pause sequence when the call started
	once    sync.Once
	verdict Verdict
}

// Gate admits the calls to one provider. It is safe for concurrent use.
type Gate struct {
	name string
	now  func() time.Time

	mu       sync.Mutex
	limits   Limits
	inFlight int
	running  map[string]string // versions of the calls in flight, by key
	queue    *fairQueue
	minute   window // calls started in the last minute
	second   window // calls started in the last second
	tokens   window // tokens of the calls started in the last minute
	server   serverHeadroom
	// pausedUntil is when the current pause ends; pauseID numbers the
	// pauses begun since the gate was made; streak counts those in a row
	// since the last success, hintless those without a hint.
	pausedUntil time.Time
	pauseID     int
	streak      int
	hintless    int

	wake chan struct{}
}

// serverHeadroom is the provider's own account of its limits, from the
// headers of the newest answer, and what started since.
type serverHeadroom struct {
	requests, tokens           int // remaining; negative: unknown
	requestsReset, tokensReset time.Time
	started, startedTokens     int
}

// Hintless pauses start at minBackoff and double up to maxBackoff.
const (
	minBackoff = time.Second
	maxBackoff = time.Minute
	// maxHint caps a provider's wait hint: a hint of a day must not close
	// the gate for a day.
	maxHint = time.Hour
)

// New returns the gate of a provider with its limits, on the clock now.
func New(name string, l Limits, now func() time.Time) *Gate {
	if now == nil {
		now = time.Now
	}
	return &Gate{name: name, now: now, limits: l, queue: newFairQueue(), running: map[string]string{},
		minute: window{span: time.Minute}, second: window{span: time.Second}, tokens: window{span: time.Minute},
		server: serverHeadroom{requests: -1, tokens: -1}, wake: make(chan struct{}, 1)}
}

// Name is the provider's name.
func (g *Gate) Name() string { return g.name }

// SetLimits replaces the limits; calls in flight keep their places.
func (g *Gate) SetLimits(l Limits) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.limits != l {
		g.limits = l
		g.signal()
	}
}

// State is where a caller's call is.
type State int

const (
	// Idle: no call of the key waits or runs.
	Idle State = iota
	// Queued: the call waits for its turn.
	Queued
	// Running: a call of the key is in flight; a new one is not queued
	// beside it (its end brings the caller back, who may submit again).
	Running
)

// Submit queues c, in place of the call of its key that waits, if any. It
// returns Running, and queues nothing, when a call of the key is in flight.
func (g *Gate) Submit(c *Call) State {
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.running[c.Key]; ok {
		return Running
	}
	g.queue.push(c)
	g.signal()
	return Queued
}

// Lookup returns where the call of key is, and its version.
func (g *Gate) Lookup(key string) (State, string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if v, ok := g.running[key]; ok {
		return Running, v
	}
	if c := g.queue.byKey[key]; c != nil {
		return Queued, c.Version
	}
	return Idle, ""
}

// Cancel takes the call of key out of the queue; a call in flight is not
// stopped. It reports whether a call was waiting.
func (g *Gate) Cancel(key string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	_, ok := g.queue.remove(key)
	return ok
}

// Queued returns the keys of the calls waiting, in no order.
func (g *Gate) Queued() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.queue.keys()
}

// Paused returns when the current pause ends, and whether there is one.
func (g *Gate) Paused() (time.Time, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.pausedUntil, g.now().Before(g.pausedUntil)
}

// PauseUntil closes the gate until t, when it is later than the pause in
// force, without counting a new pause: for a pause another replica or an
// earlier run recorded.
func (g *Gate) PauseUntil(t time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if t.After(g.pausedUntil) {
		g.pausedUntil = t
		g.signal()
	}
}

// Stats is a gate's state, for metrics and messages.
type Stats struct {
	InFlight, Queued int
	PausedUntil      time.Time
	Limits           Limits
}

// Stats returns the gate's state now.
func (g *Gate) Stats() Stats {
	g.mu.Lock()
	defer g.mu.Unlock()
	return Stats{InFlight: g.inFlight, Queued: g.queue.size, PausedUntil: g.pausedUntil, Limits: g.limits}
}

// next admits the call whose turn it is, when the limits allow it at now.
// Otherwise it returns how long to wait before asking again; 0 means until
// something changes (a call ends or is submitted).
func (g *Gate) next(now time.Time) (*Call, *Permit, time.Duration) {
	c := g.queue.peek()
	if c == nil {
		return nil, nil, 0
	}
	if now.Before(g.pausedUntil) {
		return nil, nil, g.pausedUntil.Sub(now)
	}
	l := g.limits
	if l.MaxConcurrent > 0 && g.inFlight >= l.MaxConcurrent {
		return nil, nil, 0
	}
	perSecond := 0
	if l.RequestsPerMinute > 0 {
		perSecond = max(1, l.RequestsPerMinute/60)
	}
	wait := max(g.minute.wait(now, 1, l.RequestsPerMinute), g.second.wait(now, 1, perSecond),
		g.tokens.wait(now, c.Tokens, l.TokensPerMinute), g.server.wait(now, c.Tokens))
	if wait > 0 {
		return nil, nil, wait
	}
	g.queue.pop()
	g.inFlight++
	g.running[c.Key] = c.Version
	g.minute.add(now, 1)
	g.second.add(now, 1)
	g.server.started++
	g.server.startedTokens += c.Tokens
	return c, &Permit{g: g, key: c.Key, tokens: g.tokens.add(now, c.Tokens), pauseID: g.pauseID}, 0
}

// wait is how long the provider's own headroom says to wait before a call
// of tokens starts: until the reset of a limit with nothing left.
func (s *serverHeadroom) wait(now time.Time, tokens int) time.Duration {
	var wait time.Duration
	if s.requests >= 0 && now.Before(s.requestsReset) && s.requests-s.started <= 0 {
		wait = s.requestsReset.Sub(now)
	}
	if s.tokens >= 0 && now.Before(s.tokensReset) && s.tokens-s.startedTokens < tokens {
		wait = max(wait, s.tokensReset.Sub(now))
	}
	return wait
}

// Done ends the call and returns what the gate made of it. Calling it again
// returns the same verdict.
func (p *Permit) Done(r Report) Verdict {
	p.once.Do(func() { p.verdict = p.g.done(p, r) })
	return p.verdict
}

// release ends the key's Running state once the call's Run has returned.
func (p *Permit) release() {
	p.g.mu.Lock()
	defer p.g.mu.Unlock()
	delete(p.g.running, p.key)
}

func (g *Gate) done(p *Permit, r Report) Verdict {
	g.mu.Lock()
	defer g.mu.Unlock()
	defer g.signal()
	g.inFlight--
	now := g.now()
	if r.Tokens > 0 {
		p.tokens.correct(r.Tokens)
	}
	if h := r.Headroom; h != nil {
		g.server = serverHeadroom{requests: h.RemainingRequests, tokens: h.RemainingTokens,
			requestsReset: now.Add(h.ResetRequests), tokensReset: now.Add(h.ResetTokens)}
	}
	switch {
	case r.RateLimited:
		return g.pause(now, p, r.RetryAfter)
	case r.Succeeded && p.pauseID == g.pauseID:
		g.streak, g.hintless = 0, 0
	}
	return Verdict{}
}

// pause closes the gate after a 429. A call that started before the pause
// in force began belongs to that pause (it may only lengthen it); any other
// begins the next pause in a row.
func (g *Gate) pause(now time.Time, p *Permit, hint time.Duration) Verdict {
	wait := min(hint, maxHint)
	began := p.pauseID == g.pauseID
	if began {
		g.pauseID++
		g.streak++
		if hint <= 0 {
			wait = min(minBackoff<<min(g.hintless, 16), maxBackoff)
			g.hintless++
		}
	} else if hint <= 0 {
		wait = 0
	}
	if until := now.Add(wait); until.After(g.pausedUntil) {
		g.pausedUntil = until
	}
	return Verdict{Pause: max(g.streak, 1), Until: g.pausedUntil, Began: began}
}

// signal wakes the dispatcher; it never blocks.
func (g *Gate) signal() {
	select {
	case g.wake <- struct{}{}:
	default:
	}
}
