package providers

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Class says who is to blame for a failed call and what happens next. It is
// decided once, by the client that saw the failure (or the engine, for an
// answer it cannot use), carried in Forecast status as lastAttempt.class,
// and read by the ProviderLock controller as it is: no table of reasons.
type Class string

const (
	// Transient failures (a timeout after the request was sent, a 5xx, an
	// overloaded provider) count toward the lock's failure threshold; the
	// Forecast retries with backoff.
	Transient Class = "Transient"

	// Unreachable means the request never reached the provider: DNS, a
	// refused or unroutable connection, a proxy or TLS handshake failure.
	// It counts like Transient; when most providers are unreachable at once
	// the fault is the operator's own egress, and no provider is blamed.
	Unreachable Class = "Unreachable"

	// RateLimited means the provider asked to wait (a 429 with or without
	// a hint in RetryAfter). The Forecast waits at least as long; a pause
	// counts once toward the threshold however many Forecasts it held.
	RateLimited Class = "RateLimited"

	// Rejected means the provider refuses to serve anyone (bad key,
	// unknown model, quota exhausted): the lock fails over at once.
	Rejected Class = "Rejected"

	// InvalidOutput means the provider answered but not usably (no JSON,
	// a schema the engine cannot repair): counts toward the threshold.
	InvalidOutput Class = "InvalidOutput"

	// RequestCaused means the provider says this request is bad (an
	// invalid-request 400 naming a parameter, a context-length error, a
	// blocked prompt, an unknown 4xx). It counts once per Forecast like any
	// failure, is never a rejection, and the Forecast stops retrying until
	// its spec, its data or the lock's provider changes.
	RequestCaused Class = "RequestCaused"

	// InvalidInput means the data cannot be sent at all (our own checks
	// before a call): the provider is not blamed and the Forecast stalls
	// until its spec changes.
	InvalidInput Class = "InvalidInput"
)

// Error is a classified provider failure. Its message never contains an API
// key or a Secret's content.
type Error struct {
	// Provider that failed.
	Provider string
	// Class of the failure.
	Class Class
	// Reason is a CamelCase word, e.g. Timeout, RateLimited, Unauthorized.
	Reason string
	// StatusCode is the HTTP status, when there was one.
	StatusCode int
	// RetryAfter is the provider's hint of when to try again, if it gave one.
	RetryAfter time.Duration
	// Message says what happened, in words.
	Message string
	// Err is the underlying error, if any.
	Err error
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s: %s", e.Provider, e.Reason)
	if e.StatusCode != 0 {
		s += fmt.Sprintf(" (HTTP %d)", e.StatusCode)
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Classify returns err as an *Error of provider: a classified error is
// returned as it is; a deadline or a cancelled context becomes a transient
// Timeout; anything else a transient Unknown failure.
func Classify(provider string, err error) *Error {
	if err == nil {
		return nil
	}
	var pe *Error
	if errors.As(err, &pe) {
		return pe
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &Error{Provider: provider, Class: Transient, Reason: "Timeout", Message: "the provider did not answer in time", Err: err}
	}
	return &Error{Provider: provider, Class: Transient, Reason: "Unknown", Message: err.Error(), Err: err}
}
