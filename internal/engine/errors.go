package engine

import (
	"errors"
	"fmt"
)

// Reason names why an answer or a request was refused. The reasons are API:
// the Forecast controller copies them into status.lastAttempt.reason.
type Reason string

// Reasons an answer or a request is refused.
const (
	// ReasonNoJSON means the answer contains no JSON object at all.
	ReasonNoJSON Reason = "NoJSON"
	// ReasonTruncated means a JSON object starts but is cut off, typically
	// because the provider hit its output token limit.
	ReasonTruncated Reason = "Truncated"
	// ReasonSchemaViolation means the JSON does not have the requested shape
	// and cannot be repaired (e.g. predictions is not a list, a value is
	// missing).
	ReasonSchemaViolation Reason = "SchemaViolation"
	// ReasonTooFewPredictions means fewer predictions than the horizon asks
	// for.
	ReasonTooFewPredictions Reason = "TooFewPredictions"
	// ReasonInvalidNumber means a number cannot be read or is not finite.
	ReasonInvalidNumber Reason = "InvalidNumber"
	// ReasonImplausibleOutput means the answer is well-formed but its
	// predictions contradict the data (see checkPlausible): a count that
	// plunges below zero, or a path far outside the history's range. Such an
	// answer is refused rather than repaired, and counts against the
	// provider like any other invalid output.
	ReasonImplausibleOutput Reason = "ImplausibleOutput"
	// ReasonInvalidInput means the request data itself is unusable; the
	// provider is not to blame and retrying will not help.
	ReasonInvalidInput Reason = "InvalidInput"
)

// Error is a typed engine error with a reason constant and an actionable
// message.
type Error struct {
	Reason  Reason
	Message string
}

// Error implements error.
func (e *Error) Error() string { return string(e.Reason) + ": " + e.Message }

// IsInvalidInput reports whether err is about the request data
// (ReasonInvalidInput) rather than about a provider's output.
func IsInvalidInput(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Reason == ReasonInvalidInput
}

func errorf(reason Reason, format string, args ...any) *Error {
	return &Error{Reason: reason, Message: fmt.Sprintf(format, args...)}
}
