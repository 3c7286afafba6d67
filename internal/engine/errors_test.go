package engine

import (
	"errors"
	"fmt"
	"testing"
)

func TestIsInvalidInput(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"invalid input", &Error{Reason: ReasonInvalidInput, Message: "horizon 0"}, true},
		{"wrapped invalid input", fmt.Errorf("forecast: %w", &Error{Reason: ReasonInvalidInput}), true},
		{"output problem", &Error{Reason: ReasonTruncated}, false},
		{"other error", errors.New("boom"), false},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsInvalidInput(tt.err); got != tt.want {
				t.Errorf("IsInvalidInput(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestErrorMessageNamesReason(t *testing.T) {
	err := errorf(ReasonTooFewPredictions, "got %d predictions, need %d", 4, 6)
	if got, want := err.Error(), "TooFewPredictions: got 4 predictions, need 6"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
