package delivery

import (
	"errors"
	"fmt"
	"time"
)

// How a failed delivery is handled, by what the platform said.
var (
	// ErrUnreachable: the user blocked the bot or cannot be written to; the
	// message is dropped and the user marked unreachable.
	ErrUnreachable = errors.New("bot: user unreachable")
)

// RetryAfterError means the platform asked to wait (HTTP 429 retry_after).
type RetryAfterError struct {
	After time.Duration
	Err   error
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("retry after %v: %v", e.After, e.Err)
}

func (e *RetryAfterError) Unwrap() error { return e.Err }

// TemporaryError is a server error, a timeout or a network failure; the
// message is tried again with backoff.
type TemporaryError struct{ Err error }

func (e *TemporaryError) Error() string { return "temporary: " + e.Err.Error() }
func (e *TemporaryError) Unwrap() error { return e.Err }

// PermanentError means the platform refused the message itself (a bad request);
// trying again cannot help, so it is dropped and logged.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return "permanent: " + e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// PartialError means the first Sent parts of a long text went out before
// Err; errors.As still finds what Err is (a 429, a server error …).
type PartialError struct {
	Sent int
	Err  error
}

func (e *PartialError) Error() string { return fmt.Sprintf("after %d part(s): %v", e.Sent, e.Err) }
func (e *PartialError) Unwrap() error { return e.Err }
