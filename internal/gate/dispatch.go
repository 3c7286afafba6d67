package gate

import (
	"context"
	"sync"
	"time"
)

// Registry holds the gates of a manager, one per provider, and runs their
// dispatchers from Start until its context ends. Calls submitted before
// Start wait for it.
type Registry struct {
	now func() time.Time

	mu      sync.Mutex
	gates   map[string]*Gate
	ctx     context.Context // set by Start
	running map[string]bool
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
	if r.ctx != nil && !r.running[provider] {
		r.running[provider] = true
		go g.dispatch(r.ctx)
	}
	return g
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

// Start runs the dispatchers until ctx ends; calls in flight then see ctx
// cancelled. It implements controller-runtime's manager.Runnable.
func (r *Registry) Start(ctx context.Context) error {
	r.mu.Lock()
	r.ctx = ctx
	for name, g := range r.gates {
		if !r.running[name] {
			r.running[name] = true
			go g.dispatch(ctx)
		}
	}
	r.mu.Unlock()
	<-ctx.Done()
	return nil
}

// dispatch starts the calls the gate admits, each on its own goroutine,
// until ctx ends.
func (g *Gate) dispatch(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		g.mu.Lock()
		c, p, wait := g.next(g.now())
		g.mu.Unlock()
		if c != nil {
			go func() {
				defer p.release()
				c.Run(ctx, p)
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
