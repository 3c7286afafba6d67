package gate

import (
	"context"
	"sync"
	"time"
)

// Registry holds the gates of a manager, one per provider, and runs their
// dispatchers from Start until its context ends. Calls submitted before
// Start wait for it.
//
// When Start's context ends, no call starts any more, but the calls in
// flight run on (each bounded by its provider's timeout): they were paid
// for. Start returns when they have, and then runs OnDrained, which writes
// their outcomes.
type Registry struct {
	now func() time.Time
	// OnDrained, when set, runs once the calls in flight at the stop have
	// ended, before Start returns, on a context that outlives Start's.
	OnDrained func(context.Context)

	mu          sync.Mutex
	gates       map[string]*Gate
	ctx         context.Context // set by Start
	stopped     bool            // Start's context has ended: no dispatcher starts
	running     map[string]bool
	dispatchers sync.WaitGroup
	calls       sync.WaitGroup
}

// NewRegistry returns an empty registry on the clock now (time.Now when
// nil).
func NewRegistry(now func() time.Time) *Registry {
	if now == nil {
		now = time.Now
	}
	return &Registry{now: now, gates: map[string]*Gate{}, running: map[string]bool{}}
}

// Gate returns the gate of provider with the limits l, making it on first
// use; a gate that exists takes the new limits.
func (r *Registry) Gate(provider string, l Limits) *Gate {
	r.mu.Lock()
	defer r.mu.Unlock()
	g, ok := r.gates[provider]
	if !ok {
		g = New(provider, l, r.now)
		r.gates[provider] = g
	} else {
		g.SetLimits(l)
	}
	if r.ctx != nil && !r.stopped && !r.running[provider] {
		r.startDispatcher(provider, g)
	}
	return g
}

// startDispatcher runs g's dispatcher; r.mu is held.
func (r *Registry) startDispatcher(provider string, g *Gate) {
	r.running[provider] = true
	r.dispatchers.Add(1)
	go func() {
		defer r.dispatchers.Done()
		g.dispatch(r.ctx, &r.calls)
	}()
}

// Stopping is closed when the registry's context has ended: calls in
// flight then run on, but nothing reads their wakeups any more.
func (r *Registry) Stopping() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ctx == nil {
		return nil // not started: never stopping
	}
	return r.ctx.Done()
}

// Submit queues c at g, one of the registry's gates, and takes the call of
// its key out of every other gate: a caller waits at one gate at a time,
// the one of the provider the lock holds now.
func (r *Registry) Submit(g *Gate, c *Call) State {
	for _, other := range r.Gates() {
		if other != g {
			other.Cancel(c.Key)
		}
	}
	return g.Submit(c)
}

// Cancel takes the call of key out of every gate's queue.
func (r *Registry) Cancel(key string) {
	for _, g := range r.Gates() {
		g.Cancel(key)
	}
}

// Gates returns every gate made so far.
func (r *Registry) Gates() []*Gate {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*Gate, 0, len(r.gates))
	for _, g := range r.gates {
		out = append(out, g)
	}
	return out
}

// Start runs the dispatchers until ctx ends, then waits for the calls in
// flight to end and runs OnDrained. It implements controller-runtime's
// manager.Runnable: the manager waits for it up to its graceful shutdown
// timeout.
func (r *Registry) Start(ctx context.Context) error {
	r.mu.Lock()
	r.ctx = ctx
	for name, g := range r.gates {
		if !r.running[name] {
			r.startDispatcher(name, g)
		}
	}
	r.mu.Unlock()
	<-ctx.Done()
	r.mu.Lock()
	r.stopped = true
	r.mu.Unlock()
	r.dispatchers.Wait() // no call starts after this
	r.calls.Wait()
	if r.OnDrained != nil {
		r.OnDrained(context.WithoutCancel(ctx))
	}
	return nil
}

// dispatch starts the calls the gate admits, each on its own goroutine
// counted in calls, until ctx ends. The calls run on a context that ctx's
// end does not cancel: the Run of each bounds it.
func (g *Gate) dispatch(ctx context.Context, calls *sync.WaitGroup) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for ctx.Err() == nil {
		g.mu.Lock()
		c, p, wait := g.next(g.now())
		g.mu.Unlock()
		if c != nil {
			calls.Add(1)
			go func() {
				defer calls.Done()
				defer p.release()
				c.Run(context.WithoutCancel(ctx), p)
			}()
			continue
		}
		var fire <-chan time.Time
		if wait > 0 {
			timer.Reset(wait)
			fire = timer.C
		}
		select {
		case <-ctx.Done():
			return
		case <-g.wake:
		case <-fire:
		}
		timer.Stop()
	}
}
