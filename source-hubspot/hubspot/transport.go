package hubspot

import (
	"context"
	"io"
	"net/http"
	"time"

	"github.com/insider-hubspot/connectors/internal/httpx"
)

// The client's HTTP stack, outermost first. Each layer is an http.RoundTripper that clones a
// request before changing it:
//
//	authTransport  sets "Authorization: Bearer <token>"; on a 401 with OAuth credentials it
//	               refreshes the token once and replays the request.
//	retryTransport retries 429 (Retry-After, else by policyName; DAILY is not retried), 423, 5xx,
//	               dropped connections and timeouts, with exponential backoff and jitter and a
//	               bounded number of attempts, replaying the body through Request.GetBody. A
//	               request waits at most httpx.WaitLimit in all; a longer wait is not started
//	               and the request fails with an *httpx.WaitError.
//	limitTransport waits for the client-side rate limiter of the call's class (search or other)
//	               before every attempt, and slows down when X-HubSpot-RateLimit-Remaining runs low.
//	timeout        bounds one attempt, answer body included (the injected client's Timeout).
//	base           the injected http.Client's transport (http.DefaultTransport when nil).
//
// Auth sits outside retry so that a replay after a refresh gets the same retry policy; limit sits
// inside retry so that every attempt, retries included, is paid for from the budget. The OAuth
// token endpoint is called through retry and limit but not auth.

// SleepFunc waits for d or until ctx is done, returning ctx.Err() in the latter case. Tests inject
// one that returns at once.
type SleepFunc = httpx.SleepFunc

// Sleep is the real SleepFunc.
func Sleep(ctx context.Context, d time.Duration) error { return httpx.Sleep(ctx, d) }

// rewind returns a copy of req whose body can be sent again, using GetBody.
func rewind(req *http.Request) (*http.Request, error) {
	r := req.Clone(req.Context())
	if req.Body == nil || req.Body == http.NoBody {
		return r, nil
	}
	if req.GetBody == nil {
		return nil, errNoReplay
	}
	b, err := req.GetBody()
	if err != nil {
		return nil, err
	}
	r.Body = b
	return r, nil
}

// drain discards what is left of a response body and closes it so the connection can be reused.
func drain(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	buf := make([]byte, 4096)
	for i := 0; i < 16; i++ {
		if _, err := resp.Body.Read(buf); err != nil {
			break
		}
	}
	_ = resp.Body.Close()
}

// defaultAttemptTimeout bounds one attempt when the injected client sets no Timeout.
const defaultAttemptTimeout = 60 * time.Second

// timeoutTransport gives each attempt its own deadline, which also covers reading the answer's
// body: the deadline is released when the body is closed.
type timeoutTransport struct {
	next    http.RoundTripper
	timeout time.Duration
}

func (t *timeoutTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(req.Context(), t.timeout)
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
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
