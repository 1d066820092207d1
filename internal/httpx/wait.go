package httpx

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// WaitLimit is the one rule both clients follow for waiting: one request spends at most this
// long waiting to be retried, Retry-After waits and backoff together. A wait that would go past
// it is not started; the request fails at once with a *WaitError, so a run stops with a message
// saying when to come back instead of stalling for half an hour.
const WaitLimit = 5 * time.Minute

// SleepFunc waits for d or until ctx is done, returning ctx.Err() in the latter case. Tests
// inject one that returns at once or records the waits.
type SleepFunc func(ctx context.Context, d time.Duration) error

// Sleep is the real SleepFunc: a timer that ctx cancels.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ParseRetryAfter reads a Retry-After header value: delay-seconds (a decimal fraction is
// accepted) or an HTTP-date, measured from now. It returns 0 when v is absent, unreadable,
// negative or a date in the past. A value too large for a Duration is the largest Duration.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		switch {
		case math.IsNaN(secs) || secs <= 0:
			return 0
		case secs >= float64(math.MaxInt64)/float64(time.Second):
			return time.Duration(math.MaxInt64)
		}
		return time.Duration(secs * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// Waits accounts the waiting of one request against WaitLimit. The zero value is ready; it is
// not safe for concurrent use (one request's retries run one after another).
type Waits struct {
	spent time.Duration
}

// Next checks the wait d before a retry of the request named by endpoint ("POST /path"),
// retryAfter saying whether d comes from the server's Retry-After. It returns a *WaitError when
// d would take the request's waiting past WaitLimit; otherwise it counts d as spent.
func (w *Waits) Next(d time.Duration, retryAfter bool, endpoint string, now time.Time) error {
	if d > WaitLimit-w.spent {
		return &WaitError{Endpoint: endpoint, Wait: d, RetryAfter: retryAfter, Waited: w.spent, Until: now.Add(min(d, 100*365*24*time.Hour))}
	}
	w.spent += d
	return nil
}

// WaitError is a retry the client did not wait for because it would have taken the request
// past WaitLimit. The caller should stop and let a later run retry, after Until.
type WaitError struct {
	// Endpoint names the request: method and path, never the query.
	Endpoint string
	// Wait is the wait asked for; RetryAfter says it came from the server's Retry-After header
	// rather than from backoff.
	Wait       time.Duration
	RetryAfter bool
	// Waited is how long the request had already waited.
	Waited time.Duration
	// Until is when the wait would have ended.
	Until time.Time
	// Last is the failure that called for the wait (an API error, a transport error), if any.
	Last error
}

// Error implements error.
func (e *WaitError) Error() string {
	what := "backoff"
	if e.RetryAfter {
		what = "Retry-After"
	}
	s := fmt.Sprintf("%s: not waiting %s (%s) for a retry, which would exceed the %s a request may wait (already waited %s)",
		e.Endpoint, e.Wait.Round(time.Second), what, WaitLimit, e.Waited.Round(time.Second))
	if e.Last != nil {
		s += ": " + e.Last.Error()
	}
	return s
}

// Unwrap returns the failure that called for the wait.
func (e *WaitError) Unwrap() error { return e.Last }

// Advice is the part of a user message that says what to do about e: when to run again.
func (e *WaitError) Advice() string {
	return fmt.Sprintf("the run stopped instead of waiting %s; nothing is lost: run the sync again after %s (or let the next scheduled run pick it up)",
		e.Wait.Round(time.Second), e.Until.UTC().Format("2006-01-02 15:04 UTC"))
}
