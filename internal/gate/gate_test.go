package gate

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// clock is a manual clock for the admission tests.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock                   { return &clock{t: time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)} }
func call(ns string, i int, tokens int) *Call {
	return &Call{Key: fmt.Sprintf("%s/%d", ns, i), Namespace: ns, Tokens: tokens}
}

// admit admits what the gate admits at the clock's time, and returns the
// permits and the wait it ends on.
func admit(g *Gate, c *clock) ([]*Permit, time.Duration) {
	var out []*Permit
	for {
		g.mu.Lock()
		call, p, wait := g.next(c.now())
		g.mu.Unlock()
		if call == nil {
			return out, wait
		}
		out = append(out, p)
	}
}

func submitN(g *Gate, ns string, n, tokens int) {
	for i := range n {
		g.Submit(call(ns, i, tokens))
	}
}

func TestMaxConcurrent(t *testing.T) {
	c := newClock()
	g := New("openai", Limits{MaxConcurrent: 3}, c.now)
	submitN(g, "a", 10, 0)
	p, wait := admit(g, c)
	if len(p) != 3 || wait != 0 {
		t.Fatalf("admitted %d (wait %s), want 3 and a wait for a call to end", len(p), wait)
	}
	p[0].Done(Report{Succeeded: true})
	if more, _ := admit(g, c); len(more) != 1 {
		t.Fatalf("a call ended and %d started, want 1", len(more))
	}
	if s := g.Stats(); s.InFlight != 3 || s.Queued != 6 {
		t.Fatalf("stats %+v, want 3 in flight and 6 queued", s)
	}
}

func TestRequestsPerMinuteSpreadAndCapped(t *testing.T) {
	c := newClock()
	g := New("openai", Limits{RequestsPerMinute: 600}, c.now)
	submitN(g, "a", 2000, 0)
	started := map[int]int{} // second → calls started
	for s := range 180 {
		p, _ := admit(g, c)
		started[s] = len(p)
		for _, x := range p {
			x.Done(Report{Succeeded: true})
		}
		c.advance(time.Second)
	}
	for s := range 180 {
		if started[s] > 10 {
			t.Fatalf("%d calls started in second %d, want at most 10 (600/min spread over the minute)", started[s], s)
		}
		sum := 0
		for w := s; w < s+60 && w < 180; w++ {
			sum += started[w]
		}
		if sum > 600 {
			t.Fatalf("%d calls in the minute from second %d, want at most 600", sum, s)
		}
	}
	total := 0
	for _, n := range started {
		total += n
	}
	if total < 1700 { // 180 s at 600/min is 1800; allow the first minute's edge
		t.Fatalf("%d calls in 3 minutes at 600/min, want at least 1700", total)
	}
}

func TestTokensPerMinute(t *testing.T) {
	c := newClock()
	g := New("groq", Limits{TokensPerMinute: 10_000}, c.now)
	submitN(g, "a", 10, 3000)
	p, wait := admit(g, c)
	if len(p) != 3 || wait != time.Minute {
		t.Fatalf("admitted %d with a wait of %s, want 3 of 3000 tokens under 10000 and a minute's wait", len(p), wait)
	}
	// The answers used fewer tokens than estimated: room for more now.
	for _, x := range p {
		x.Done(Report{Succeeded: true, Tokens: 1000})
	}
	if more, _ := admit(g, c); len(more) != 2 {
		t.Fatalf("after the usage corrected the estimates, %d started, want 2 (3000 used, 7000 left)", len(more))
	}
	// One call larger than the whole limit still goes, alone.
	g2 := New("groq", Limits{TokensPerMinute: 1000}, c.now)
	submitN(g2, "a", 2, 5000)
	if p, _ := admit(g2, c); len(p) != 1 {
		t.Fatalf("an oversized call: %d started, want 1", len(p))
	}
}

func TestProviderHeadroomSlowsBeforeA429(t *testing.T) {
	c := newClock()
	g := New("openai", Limits{MaxConcurrent: 10}, c.now)
	submitN(g, "a", 20, 100)
	p, _ := admit(g, c)
	p[0].Done(Report{Succeeded: true, Headroom: &Headroom{RemainingRequests: 2, RemainingTokens: -1, ResetRequests: 3 * time.Second}})
	for _, x := range p[1:] {
		x.Done(Report{Succeeded: true})
	}
	more, wait := admit(g, c)
	if len(more) != 2 || wait != 3*time.Second {
		t.Fatalf("with 2 requests left until a reset in 3s: %d started, wait %s; want 2 and 3s", len(more), wait)
	}
	c.advance(3 * time.Second)
	if more, _ := admit(g, c); len(more) != 8 {
		t.Fatalf("after the reset %d started, want 8 (10 places, 2 taken)", len(more))
	}
}

func TestPauseCountsOncePerPause(t *testing.T) {
	c := newClock()
	g := New("openai", Limits{MaxConcurrent: 5}, c.now)
	submitN(g, "a", 20, 0)
	p, _ := admit(g, c)
	if len(p) != 5 {
		t.Fatalf("%d started, want 5", len(p))
	}
	// The first 429 asks for 20s; the other four were in flight: the same pause.
	v := p[0].Done(Report{RateLimited: true, RetryAfter: 20 * time.Second})
	if v.Pause != 1 || !v.Until.Equal(c.now().Add(20*time.Second)) || !v.Began {
		t.Fatalf("first 429: %+v, want pause 1 until +20s, begun by it", v)
	}
	for _, x := range p[1:] {
		if v := x.Done(Report{RateLimited: true, RetryAfter: 20 * time.Second}); v.Pause != 1 || v.Began {
			t.Fatalf("a call in flight when the pause began: %+v, want pause 1, not begun by it", v)
		}
	}
	c.advance(19 * time.Second)
	if more, wait := admit(g, c); len(more) != 0 || wait != time.Second {
		t.Fatalf("during the pause %d started (wait %s), want none and 1s", len(more), wait)
	}
	c.advance(time.Second)
	p, _ = admit(g, c)
	if v := p[0].Done(Report{RateLimited: true}); v.Pause != 2 || !v.Until.Equal(c.now().Add(time.Second)) {
		t.Fatalf("a 429 after the pause, without a hint: %+v, want pause 2 for the 1s backoff", v)
	}
	for _, x := range p[1:] {
		x.Done(Report{RateLimited: true})
	}
	c.advance(time.Second)
	p, _ = admit(g, c)
	if v := p[0].Done(Report{RateLimited: true}); v.Pause != 3 || !v.Until.Equal(c.now().Add(2*time.Second)) {
		t.Fatalf("the next hintless 429: %+v, want pause 3 for 2s (the backoff doubles)", v)
	}
	for _, x := range p[1:] {
		x.Done(Report{Succeeded: true}) // began before pause 3: no reset
	}
	c.advance(2 * time.Second)
	p, _ = admit(g, c)
	p[0].Done(Report{Succeeded: true})
	p[1].Done(Report{RateLimited: true, RetryAfter: 5 * time.Second})
	if v := p[2].Done(Report{RateLimited: true}); v.Pause != 1 {
		t.Fatalf("after a success the pauses start again at 1, got %d", v.Pause)
	}
}

func TestPauseUntilFromStatus(t *testing.T) {
	c := newClock()
	g := New("openai", Limits{}, c.now)
	g.PauseUntil(c.now().Add(10 * time.Second))
	submitN(g, "a", 1, 0)
	if p, wait := admit(g, c); len(p) != 0 || wait != 10*time.Second {
		t.Fatalf("paused from status: %d started, wait %s", len(p), wait)
	}
}

// TestFairBetweenNamespaces is the case: with a thousand calls of
// namespace a waiting, one call of namespace b starts before more than one
// further call of a.
func TestFairBetweenNamespaces(t *testing.T) {
	c := newClock()
	g := New("openai", Limits{MaxConcurrent: 1}, c.now)
	submitN(g, "a", 1000, 0)
	var order []string
	step := func() {
		g.mu.Lock()
		call, p, _ := g.next(c.now())
		g.mu.Unlock()
		order = append(order, call.Namespace)
		p.Done(Report{Succeeded: true})
	}
	for range 5 {
		step()
	}
	g.Submit(call("b", 0, 0))
	g.Submit(call("c", 0, 0))
	for range 6 {
		step()
	}
	got := fmt.Sprint(order[5:])
	if got != "[a b c a a a]" {
		t.Fatalf("after b and c arrived the calls went %s", got)
	}
	aBeforeB := 0
	for _, ns := range order[5:] {
		if ns == "b" {
			break
		}
		aBeforeB++
	}
	if aBeforeB > 1 {
		t.Fatalf("%d calls of a started before b's, want at most 1", aBeforeB)
	}
}

func TestQueueReplacesInPlace(t *testing.T) {
	q := newFairQueue()
	for i := range 3 {
		q.push(call("a", i, 0))
	}
	q.push(&Call{Key: "a/0", Namespace: "a", Tokens: 7})
	if c := q.pop(); c.Key != "a/0" || c.Tokens != 7 || q.size != 2 {
		t.Fatalf("the call submitted again lost its place or its update: %+v, size %d", c, q.size)
	}
	if _, ok := q.remove("a/2"); !ok || q.size != 1 || q.pop().Key != "a/1" || q.pop() != nil {
		t.Fatal("remove took the wrong call")
	}
	q.push(call("a", 9, 0))
	q.push(&Call{Key: "a/9", Namespace: "b"}) // moved namespace
	if c := q.pop(); c.Namespace != "b" || q.pop() != nil {
		t.Fatal("a call that changed namespace must wait in its new line only")
	}
}

func TestWindowWait(t *testing.T) {
	c := newClock()
	w := window{span: time.Minute}
	w.add(c.now(), 4)
	c.advance(10 * time.Second)
	w.add(c.now(), 4)
	if d := w.wait(c.now(), 4, 10); d != 50*time.Second {
		t.Fatalf("wait %s, want 50s (the first entry leaves at 60s)", d)
	}
	if d := w.wait(c.now(), 2, 10); d != 0 {
		t.Fatalf("wait %s for what fits, want 0", d)
	}
	if d := w.wait(c.now(), 4, 0); d != 0 {
		t.Fatal("no limit must never wait")
	}
	c.advance(50 * time.Second)
	if d := w.wait(c.now(), 4, 10); d != 0 || w.sum != 4 {
		t.Fatalf("after the first left: wait %s, sum %d", d, w.sum)
	}
}

// TestDispatch runs the dispatcher for real: 30 calls of 10 ms through 4
// places all end, never more than 4 at once.
func TestDispatch(t *testing.T) {
	g := startGate(t, Limits{MaxConcurrent: 4})
	inFlight := make(chan int, 30)
	done := make(chan struct{}, 30)
	for i := range 30 {
		g.Submit(&Call{Key: fmt.Sprint(i), Namespace: "a", Run: func(ctx context.Context, p *Permit) {
			inFlight <- g.Stats().InFlight
			time.Sleep(10 * time.Millisecond)
			p.Done(Report{Succeeded: true})
			done <- struct{}{}
		}})
	}
	waitAll(t, done, 30)
	close(inFlight)
	for n := range inFlight {
		if n > 4 {
			t.Fatalf("%d calls in flight, the limit is 4", n)
		}
	}
}

// TestDispatchPause: a 429 asking 300 ms holds back the calls waiting. With
// one place, the next call can only be admitted once the limited one has
// ended, so its start shows when the gate opened again.
func TestDispatchPause(t *testing.T) {
	g := startGate(t, Limits{MaxConcurrent: 1})
	started := make(chan time.Time, 2)
	done := make(chan struct{}, 2)
	for i := range 2 {
		g.Submit(&Call{Key: fmt.Sprint(i), Namespace: "a", Run: func(ctx context.Context, p *Permit) {
			started <- time.Now()
			if i == 0 {
				p.Done(Report{RateLimited: true, RetryAfter: 300 * time.Millisecond})
			} else {
				p.Done(Report{Succeeded: true})
			}
			done <- struct{}{}
		}})
	}
	waitAll(t, done, 2)
	first, second := <-started, <-started
	if gap := second.Sub(first); gap < 300*time.Millisecond {
		t.Fatalf("the next call started %s after the 429, within its 300ms pause", gap)
	}
}

// TestRunningUntilRunReturns: after Done, the call's key stays Running
// until its Run has returned (its caller keeps the outcome there), so a
// second call for the key is not queued in between: it would be paid for
// again.
func TestRunningUntilRunReturns(t *testing.T) {
	g := startGate(t, Limits{MaxConcurrent: 2})
	ended, resume, returned := make(chan struct{}), make(chan struct{}), make(chan struct{})
	g.Submit(&Call{Key: "a/f", Version: "v1", Namespace: "a", Run: func(ctx context.Context, p *Permit) {
		defer close(returned)
		p.Done(Report{Succeeded: true})
		close(ended)
		<-resume
	}})
	<-ended
	if state, version := g.Lookup("a/f"); state != Running || version != "v1" {
		t.Errorf("between Done and the end of Run: Lookup = %v %q, want Running v1", state, version)
	}
	again := &Call{Key: "a/f", Version: "v1", Namespace: "a", Run: func(ctx context.Context, p *Permit) { p.Done(Report{}) }}
	if state := g.Submit(again); state != Running {
		t.Errorf("Submit between Done and the end of Run = %v, want Running", state)
	}
	close(resume)
	<-returned
	deadline := time.Now().Add(10 * time.Second)
	for state, _ := g.Lookup("a/f"); state != Idle; state, _ = g.Lookup("a/f") {
		if time.Now().After(deadline) {
			t.Fatalf("after Run returned: Lookup = %v, want Idle", state)
		}
		time.Sleep(time.Millisecond)
	}
}

// startGate runs a registry's dispatcher until the test ends and returns
// its gate of openai.
func startGate(t *testing.T, l Limits) *Gate {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	r := NewRegistry(nil)
	go func() { _ = r.Start(ctx) }()
	return r.Gate("openai", l)
}

func waitAll(t *testing.T, done <-chan struct{}, n int) {
	t.Helper()
	for range n {
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("the calls did not all run")
		}
	}
}
