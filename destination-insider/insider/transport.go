package insider

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"golang.org/x/time/rate"

	"github.com/insider-hubspot/connectors/internal/httpx"
)

// The client's HTTP stack, outermost first. Each layer is an http.RoundTripper that clones a
// request before changing it:
//
//	headerTransport sets X-PARTNER-NAME, X-REQUEST-TOKEN and User-Agent, on requests to the base
//	                URL's host only.
//	httpx.Retry     retries 429, 5xx, answers that are not Insider's JSON, answers cut off
//	                mid-body, dropped connections and timeouts (Client.decide): after
//	                Retry-After when Insider sends one, else after Config.Backoff, up to
//	                MaxAttempts tries, replaying the body. It reads every answer's body within
//	                the attempt. A request waits at most httpx.WaitLimit in all; a longer wait is
//	                not started and the request fails with an *httpx.WaitError.
//	callLimit       waits for the rate limiter the call put in its context (the one-user calls)
//	                before every attempt.
//	timeout         bounds one attempt, answer body included (the injected client's Timeout).
//	base            the injected http.Client's transport (http.DefaultTransport when nil).
//
// Redirects are never followed (refuseRedirect), so the credential headers never leave the base
// URL's host; headerTransport would not add them elsewhere either. Limit sits inside retry so
// that every attempt, retries included, is paid for from the budget.

var (
	_ http.RoundTripper = (*headerTransport)(nil)
	_ http.RoundTripper = callLimit{}
)

// headerTransport adds the credentials; see above for its place in the stack.
type headerTransport struct {
	next                    http.RoundTripper
	host                    string
	partner, key, userAgent string
}

func (t *headerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != t.host {
		return t.next.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	r.Header.Set("X-PARTNER-NAME", t.partner)
	r.Header.Set("X-REQUEST-TOKEN", t.key)
	if t.userAgent != "" {
		r.Header.Set("User-Agent", t.userAgent)
	}
	return t.next.RoundTrip(r)
}

// callLimit waits for the rate limiter of the call in the request's context, if any; see above
// for its place in the stack.
type callLimit struct{ next http.RoundTripper }

type limiterKey struct{}

// withLimiter returns a context whose requests each wait for lim before every attempt.
func withLimiter(ctx context.Context, lim *rate.Limiter) context.Context {
	return context.WithValue(ctx, limiterKey{}, lim)
}

func (t callLimit) RoundTrip(req *http.Request) (*http.Response, error) {
	if lim, ok := req.Context().Value(limiterKey{}).(*rate.Limiter); ok {
		if err := lim.Wait(req.Context()); err != nil {
			return nil, fmt.Errorf("wait for the %s rate limit: %w", req.URL.Path, err)
		}
	}
	return t.next.RoundTrip(req)
}

// decide is the client's retry policy (an httpx.PolicyFunc): a failure a later attempt may
// not hit (retryable) is retried, after the Retry-After Insider sent with it when it sent one.
func (c *Client) decide(a httpx.Attempt) httpx.Verdict {
	err := a.Err
	if err == nil {
		err = c.answer(a.Req.Method, a.Req.URL.Path, a.Resp, a.Body)
	}
	if err == nil || !retryable(err) {
		return httpx.Verdict{}
	}
	v := httpx.Verdict{Retry: true, Failure: err}
	var e *Error
	if errors.As(err, &e) && e.RetryAfter > 0 {
		v.Wait, v.RetryAfter = e.RetryAfter, true
	}
	return v
}

// send makes one call, with the retries of the stack, adds its requests to st and returns the
// body of a 2xx answer that is Insider's JSON. Any other outcome is an error: an *Error
// (Attempts set when every attempt failed with a temporary error), an *httpx.WaitError, or a
// failure to get an answer.
func (c *Client) send(ctx context.Context, method, path string, body []byte, st *Stats) ([]byte, error) {
	var n httpx.Counts
	defer func() { st.Requests += n.Requests; st.Retries += n.Retries }()
	req, err := http.NewRequestWithContext(httpx.WithCounts(ctx, &n), method, c.cfg.BaseURL+path, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("build request %s: %w", path, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err == nil {
		defer resp.Body.Close()
		data, _ := httpx.ReadBody(resp, maxResponseBody) // buffered by the retry layer: no read error
		if err = c.answer(method, path, resp, data); err == nil {
			return data, nil
		}
	} else {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // it repeats the whole URL
		}
		var we *httpx.WaitError
		switch {
		case ctx.Err() != nil && !errors.Is(err, ctx.Err()):
			return nil, fmt.Errorf("%s: %w (%s)", path, ctx.Err(), err.Error())
		case ctx.Err() != nil, errors.As(err, &we):
			return nil, err
		}
		err = fmt.Errorf("%s %s: %w", method, path, err)
	}
	if n.Exhausted {
		return nil, exhausted(c.cfg.MaxAttempts, err)
	}
	return nil, err
}
