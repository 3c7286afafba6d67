package engine

import (
	"errors"
	"fmt"
)

// Reasons an answer or a request is refused. They are API: the Forecast
// controller copies them into status.lastAttempt.reason.
const (
	// ReasonNoJSON means the answer contains no JSON object at all.
	ReasonNoJSON = "NoJSON"
	// ReasonTruncated means a JSON object starts but is cut off, typically
	// because the provider hit its output token limit.
	ReasonTruncated = "Truncated"
	// ReasonSchemaViolation means the JSON does not have the requested shape
	// and cannot be repaired (e.g. predictions is not a list, a value is
	// missing).
	ReasonSchemaViolation = "SchemaViolation"
	// ReasonTooFewPredictions means fewer predictions than the horizon asks
	// for.
	ReasonTooFewPredictions = "TooFewPredictions"
	// ReasonInvalidNumber means a number cannot be read or is not finite.
	ReasonInvalidNumber = "InvalidNumber"
	// ReasonInvalidInput means the request data itself is unusable; the
	// provider is not to blame and retrying will not help.
	ReasonInvalidInput = "InvalidInput"
)

// Error is a typed engine error with a reason constant and an actionable
// message.
type Error struct {
	Reason  string
	Message string
}

// Error implements error.
func (e *Error) Error() string { return e.Reason + ": " + e.Message }

// IsInvalidInput reports whether err is about the request data
// (ReasonInvalidInput) rather than about a provider's output.
func IsInvalidInput(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Reason == ReasonInvalidInput
}

func errorf(reason, format string, args ...any) *Error {
	return &Error{Reason: reason, Message: fmt.Sprintf(format, args...)}
}
