package protocol

import (
	"context"
	"errors"
)

// FailureType classifies a failure as the Airbyte protocol does.
type FailureType string

// Failure types.
const (
	// FailureConfig is a problem the user fixes in the config or in the remote account.
	FailureConfig FailureType = "config_error"
	// FailureSystem is a problem in the connector or an unexpected answer.
	FailureSystem FailureType = "system_error"
	// FailureTransient is a problem that a later attempt may not meet (rate limits, outages).
	FailureTransient FailureType = "transient_error"
)

// Error is an error with a failure type and a message a person can act on. Err carries the
// technical detail, which goes to the TRACE's internal_message.
type Error struct {
	Failure FailureType
	// Message names the cause and the fix in the user's terms.
	Message string
	// Err is the underlying error; may be nil.
	Err error
	// Stream is the stream the error belongs to, if any.
	Stream string
}

// NewError returns an *Error of the given type.
func NewError(f FailureType, message string, err error) *Error {
	return &Error{Failure: f, Message: message, Err: err}
}

// Error returns the message followed by the underlying error.
func (e *Error) Error() string {
	if e.Err == nil {
		return e.Message
	}
	if e.Message == "" {
		return e.Err.Error()
	}
	return e.Message + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// FailureTypeOf returns the failure type of the first *Error in err's chain. A cancelled context
// is transient (the platform stopped the run); anything else unclassified is a system error.
func FailureTypeOf(err error) FailureType {
	var e *Error
	if errors.As(err, &e) && e.Failure != "" {
		return e.Failure
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return FailureTransient
	}
	return FailureSystem
}

// UserMessage returns the message a person reads for err: the Message of its first *Error, or
// the error text itself. TRACE errors, FAILED connection statuses and alerts all use it.
func UserMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return err.Error()
}
