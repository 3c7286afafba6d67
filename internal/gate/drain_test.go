package gate

import (
	"context"
	"testing"
	"time"
)

// A call in flight when the manager stops runs on to its end, Start
// returns only then, after OnDrained, and a queued call never starts.
func TestInFlightCallsOutliveTheStop(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := NewRegistry(nil)
	drained := make(chan struct{})
	r.OnDrained = func(ctx context.Context) {
		if ctx.Err() != nil {
			t.Error("OnDrained's context is cancelled: it could not write the outcomes")
		}
		close(drained)
	}
	stopped := make(chan struct{})
	go func() { _ = r.Start(ctx); close(stopped) }()
	g := r.Gate("openai", Limits{MaxConcurrent: 1})

	running, finish, ended := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	g.Submit(&Call{Key: "a/paid", Namespace: "a", Run: func(ctx context.Context, p *Permit) {
		close(running)
		<-finish
		ended <- ctx.Err()
		p.Done(Report{})
	}})
	queuedRan := make(chan struct{}, 1)
	g.Submit(&Call{Key: "a/queued", Namespace: "a", Run: func(ctx context.Context, p *Permit) {
		queuedRan <- struct{}{}
		p.Done(Report{})
	}})
	<-running
	cancel()
	select {
	case <-r.Stopping():
	case <-time.After(10 * time.Second):
		t.Fatal("Stopping is not closed after the stop")
	}
	select {
	case <-stopped:
		t.Fatal("Start returned while a call was in flight")
	case <-drained:
		t.Fatal("OnDrained ran while a call was in flight")
	case <-time.After(100 * time.Millisecond):
	}
	close(finish)
	if err := <-ended; err != nil {
		t.Errorf("the call in flight saw its context end at the stop: %v", err)
	}
	for _, ch := range []chan struct{}{drained, stopped} {
		select {
		case <-ch:
		case <-time.After(10 * time.Second):
			t.Fatal("Start did not drain and return after the call ended")
		}
	}
	select {
	case <-queuedRan:
		t.Error("a call queued at the stop was started")
	default:
	}
}
