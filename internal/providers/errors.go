package providers

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Class says who is to blame for a failed call and what happens next. It is
// decided once, by the client that saw the failure.
type Class string

const (
	// Transient failures (timeouts, connection errors, 5xx, rate limits)
	// count toward the lock's failure threshold; the Forecast retries with
	// backoff, respecting RetryAfter.
	Transient Class = "Transient"

	// Rejected means the provider refuses to serve (bad key, unknown model,
	// quota exhausted): the lock fails over at once.
	Rejected Class = "ProviderRejected"

	// InvalidOutput means the provider answered but not usably (no JSON,
	// truncated, blocked): counts toward the failure threshold.
	InvalidOutput Class = "InvalidOutput"

	// InvalidInput means the request itself is unusable (too large, data
	// that cannot be forecast): the provider is not blamed and the Forecast
	// stalls until its spec changes.
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
