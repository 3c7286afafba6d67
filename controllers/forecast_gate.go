package controllers

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/event"

	v1 "github.com/bottleneck-io/bottleneck-operator/api/v1alpha1"
	"github.com/bottleneck-io/bottleneck-operator/internal/engine"
	"github.com/bottleneck-io/bottleneck-operator/internal/gate"
	"github.com/bottleneck-io/bottleneck-operator/internal/metrics"
	"github.com/bottleneck-io/bottleneck-operator/internal/providers"
)

// A Forecast's provider call does not run on a reconcile worker: the
// reconcile submits it to the gate of the provider the lock holds (see
// package gate) and returns. The gate starts it when the provider's limits
// allow, in a turn fair between namespaces; when it ends, its outcome is
// kept with the results not yet written (unwritten), and the Forecast is
// reconciled again through the wakeups channel, which writes it. A call
// therefore never holds a worker while it waits or runs, and the gate, not
// the worker pool, sets the throughput.

// gateKey is a Forecast's place in the gates: one call per Forecast.
func gateKey(name types.NamespacedName) string { return name.String() }

// limitsOf are the limits of a lock entry: its spec.limits, each one left
// out taken from the provider's documented default.
func limitsOf(p v1.ProviderSpec) gate.Limits {
	def := gate.Defaults(string(p.Name))
	if SelfHosted(p) {
		def = gate.SelfHosted
	}
	var l gate.Limits
	if p.Limits != nil {
		l.MaxConcurrent = int(ptr.Deref(p.Limits.MaxConcurrent, 0))
		l.RequestsPerMinute = int(ptr.Deref(p.Limits.RequestsPerMinute, 0))
		l.TokensPerMinute = int(ptr.Deref(p.Limits.TokensPerMinute, 0))
	}
	return l.Or(def)
}

// submit puts the call of fc to t at t's gate and says what the Forecast
// shows meanwhile: nothing new while it waits its turn (queued), or the
// pause that keeps the gate closed (rateLimited).
func (r *ForecastReconciler) submit(fc *v1.Forecast, t target, p providers.Provider, data engine.Data, hash string) outcome {
	name := types.NamespacedName{Namespace: fc.Namespace, Name: fc.Name}
	req := providers.NewRequest(data)
	g := r.Gates.Gate(string(t.spec.Name), limitsOf(t.spec))
	c := &gate.Call{Key: gateKey(name), Version: callVersion(t, hash), Namespace: fc.Namespace, Tokens: estimateTokens(req, data),
		Run: r.run(g, name, fc.UID, fc.Status.LastAttempt.DeepCopy(), t, p, req, hash)}
	if t.pausedUntil != nil {
		g.PauseUntil(t.pausedUntil.Time) // a pause the lock recorded (another replica, an earlier run)
	}
	r.Gates.Submit(g, c)
	if until, paused := g.Paused(); paused {
		return rateLimited(t, until, r.Clock.Now())
	}
	return outcome{state: queued}
}

// rateLimited is the outcome of a Forecast that waits for a pause of t's
// gate: not a failure, and its last result is kept.
func rateLimited(t target, until, now time.Time) outcome {
	return outcome{state: paused, reason: v1.RateLimitedReason, until: until,
		message: fmt.Sprintf("%s is rate-limited: its gate is closed for every Forecast until %s (in %s); the last result is kept and the Forecast is asked again then",
			t.spec.Name, until.UTC().Format(time.RFC3339), until.Sub(now).Round(time.Second))}
}

// atGate returns the outcome of a Forecast whose call for these inputs
// already waits or runs at t's gate: it is left alone until the call ends.
func (r *ForecastReconciler) atGate(fc *v1.Forecast, t target, hash string) (outcome, bool) {
	g := r.Gates.Gate(string(t.spec.Name), limitsOf(t.spec))
	state, version := g.Lookup(gateKey(types.NamespacedName{Namespace: fc.Namespace, Name: fc.Name}))
	switch {
	case state == gate.Idle, state == gate.Queued && version != callVersion(t, hash):
		return outcome{}, false // nothing there, or a call for older inputs, which the new one replaces
	}
	if until, paused := g.Paused(); paused {
		return rateLimited(t, until, r.Clock.Now()), true
	}
	return outcome{state: queued}, true
}

// callVersion tells a call for other inputs or another epoch from this one.
func callVersion(t target, hash string) string {
	return fmt.Sprintf("%s/%d/%s", t.lockUID, t.epoch, hash)
}

// run is the call of one Forecast, as the gate starts it: it asks the
// provider, normalizes the answer, tells the gate how it went, keeps the
// outcome for the Forecast's next reconcile and wakes it.
func (r *ForecastReconciler) run(g *gate.Gate, name types.NamespacedName, uid types.UID, prev *v1.Attempt, t target,
	p providers.Provider, req providers.Request, hash string) func(context.Context, *gate.Permit) {
	return func(ctx context.Context, permit *gate.Permit) {
		started := time.Now()
		callCtx, cancel := context.WithTimeout(ctx, durationOr(t.spec.Timeout, defaultTimeout))
		resp, err := p.Forecast(callCtx, req)
		cancel()
		if err != nil {
			err = providers.Classify(string(t.spec.Name), err)
		}
		verdict := permit.Done(report(resp, err))
		var res engine.Result
		if err == nil {
			res, err = engine.Normalize(resp.Text, req.Data)
		}
		f := failureOf(err)
		attempt, note := newAttempt(prev, t, hash, r.Clock.Now(), f)
		if verdict.Pause > 0 {
			attempt.ConsecutiveFailures = int32(verdict.Pause)
			attempt.RetryAt = retryTime(verdict.Until, 0)
			note = fmt.Sprintf(" (rate-limit pause %d in a row; the provider's gate is closed for every Forecast until then)", verdict.Pause)
		}
		recordTokens(attempt, t, name.Namespace, req, resp, err)
		metrics.ObserveRequest(string(t.spec.Name), attempt.Outcome, attempt.Reason, time.Since(started))
		out := outcome{state: succeeded, attempt: attempt, result: &res, target: t, model: modelOf(t, resp), hash: hash}
		if f != nil {
			out = failedOutcome(attempt, note)
			out.hash = hash
		}
		r.unwritten.put(uid, name, out)
		r.wake(ctx, name)
		if verdict.Began {
			r.wakeQueued(ctx, g) // each waiting Forecast says why it waits
		}
	}
}

// report is what a call tells its gate.
func report(resp providers.Response, err error) gate.Report {
	if err == nil {
		rep := gate.Report{Succeeded: true, Tokens: resp.Usage.TotalTokens}
		if h := resp.Headroom; h != nil {
			rep.Headroom = &gate.Headroom{RemainingRequests: h.RemainingRequests, RemainingTokens: h.RemainingTokens,
				ResetRequests: h.ResetRequests, ResetTokens: h.ResetTokens}
		}
		return rep
	}
	pe := providers.Classify("", err)
	return gate.Report{RateLimited: pe.Class == providers.RateLimited, RetryAfter: pe.RetryAfter}
}

// modelOf is the model that answered, as the provider names it (the
// baseline names the model it chose for the series), or the lock's.
func modelOf(t target, resp providers.Response) string {
	if len(resp.Model) > 0 && len(resp.Model) <= maxModelName {
		return resp.Model
	}
	return t.model
}

// wake reconciles the Forecast name again.
func (r *ForecastReconciler) wake(ctx context.Context, name types.NamespacedName) {
	fc := &v1.Forecast{ObjectMeta: metav1.ObjectMeta{Namespace: name.Namespace, Name: name.Name}}
	select {
	case r.wakeups <- event.GenericEvent{Object: fc}:
	case <-ctx.Done():
	case <-r.Gates.Stopping(): // no worker reads wakeups now: the drain writes it
	}
}

// wakeQueued reconciles every Forecast waiting at g.
func (r *ForecastReconciler) wakeQueued(ctx context.Context, g *gate.Gate) {
	ctrl.Log.V(1).Info("a rate-limit pause began", "provider", g.Name())
	for _, key := range g.Queued() {
		if ns, n, ok := strings.Cut(key, "/"); ok {
			r.wake(ctx, types.NamespacedName{Namespace: ns, Name: n})
		}
	}
}

// Tokens are estimated at about four characters each, the rule of thumb
// for English text and JSON with the providers' tokenizers; an answer is
// estimated at a fixed part and a part per period asked for until one
// arrives.
const (
	charsPerToken         = 4
	answerTokensFixed     = 200
	answerTokensPerPeriod = 60
)

// promptTokens estimates the tokens of a request's prompt, the answer's
// schema included.
func promptTokens(req providers.Request) int {
	schema, _ := json.Marshal(req.Prompt.Schema)
	return (len(req.Prompt.System) + len(req.Prompt.User) + len(schema)) / charsPerToken
}

// estimateTokens is what the gate counts for a call before it starts.
func estimateTokens(req providers.Request, data engine.Data) int {
	return promptTokens(req) + answerTokensFixed + answerTokensPerPeriod*data.Horizon
}

// recordTokens writes the tokens of a call into its attempt and the
// metrics: the usage the provider reported, or, for an answer without one,
// an estimate marked as such. A failed call that got no answer spent none.
func recordTokens(a *v1.Attempt, t target, namespace string, req providers.Request, resp providers.Response, err error) {
	if t.spec.Name == v1.ProviderBaseline || (err != nil && resp.Text == "") {
		return
	}
	prompt, completion := resp.Usage.PromptTokens, resp.Usage.CompletionTokens
	if prompt == 0 && completion == 0 {
		prompt, completion = promptTokens(req), len(resp.Text)/charsPerToken
		a.TokensEstimated = true
	}
	a.PromptTokens, a.CompletionTokens = int32(prompt), int32(completion)
	var pp, cp float64
	if pr := t.spec.Pricing; pr != nil {
		pp, _ = strconv.ParseFloat(string(pr.PromptPerMillion), 64)
		cp, _ = strconv.ParseFloat(string(pr.CompletionPerMillion), 64)
	}
	metrics.ObserveTokens(string(t.spec.Name), namespace, prompt, completion, pp, cp)
}
