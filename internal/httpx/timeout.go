package httpx

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"
)

// Timeout is a RoundTripper layer that gives each attempt its own deadline, which also covers
// reading the answer's body: the deadline is released when the body is closed. It sits below
// Retry, so that a retry gets a fresh deadline and the waits between attempts are not counted.
type Timeout struct {
	Next    http.RoundTripper
	Timeout time.Duration
}

// RoundTrip sends req under the deadline.
func (t *Timeout) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(req.Context(), t.Timeout)
	resp, err := t.Next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// CloseIdleConnections closes the idle connections of the transport below, when it keeps any.
func (t *Timeout) CloseIdleConnections() {
	if c, ok := t.Next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// cancelBody releases an attempt's deadline when its body is closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// Retryable reports whether err, a failure to get an answer at all, may pass on a later attempt:
// a network failure (IsNetworkError) or an attempt that ran out of time. Anything else (a
// request that cannot be sent, a certificate no one trusts, an error this package does not
// know) is not: an unknown failure fails at once rather than being repeated.
func Retryable(err error) bool {
	return err != nil && !errors.Is(err, context.Canceled) &&
		(IsNetworkError(err) || errors.Is(err, context.DeadlineExceeded))
}
