// Package gate is the traffic layer between the Forecasts and the LLM
// providers: one Gate per provider, shared by every Forecast of the manager,
// that starts a call only when the provider's limits allow it.
//
// A Gate enforces, per provider:
//
//   - at most MaxConcurrent calls in flight;
//   - at most RequestsPerMinute calls started in any 60-second window, and
//     no more than a sixtieth of that (at least one) in any second, so the
//     calls are spread over the minute instead of sent in one burst;
//   - at most TokensPerMinute tokens in any 60-second window, each call
//     counted by an estimate when it starts and corrected by the usage its
//     answer reports;
//   - what the provider says about its own limits: after an answer whose
//     x-ratelimit-remaining-* headers say nothing (or little) is left, no
//     more calls start than remain until the matching reset;
//   - a pause: a 429 closes the gate for every Forecast until the wait the
//     provider asked for has passed, or, without a hint, for the gate's own
//     backoff (1 s, doubling to 60 s). The calls already in flight when the
//     pause began belong to that pause; the first 429 after it ended begins
//     the next one. Pause numbers the pauses in a row since the provider's
//     last success, which is what the lock counts toward failureThreshold.
//
// Calls wait in a queue that is fair between namespaces: each namespace with
// waiting calls has its own first-in-first-out line, and the lines take turns
// (round robin). A namespace's wait therefore grows with the number of
// namespaces waiting, not with the number of calls another namespace has
// queued: a tenant that applies a thousand Forecasts does not delay another
// tenant's one by a thousand calls.
//
// Nothing here blocks a caller: Submit queues a call and returns; a
// dispatcher goroutine per gate starts calls as they are admitted, and each
// call reports back through its Permit. The package knows nothing of
// Kubernetes; the Forecast controller submits its calls here.
package gate
