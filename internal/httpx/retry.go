package httpx

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
)

// Retry is the retry layer of a client's RoundTripper chain. It sends a request up to
// MaxAttempts times, replaying its body through GetBody, and reads every answer's body in full
// inside the attempt, so that an answer cut off mid-body is retried like a dropped connection
// and the layers above get a body that cannot fail. What is retried, and after how long, is the
// Policy's call; every wait goes through the WaitLimit account of the request (a longer one is
// not started: the request fails with a *WaitError) and through Sleep, which ctx cancels.
//
// The fields must not change once the first request is sent; then Retry is safe for
// concurrent use.
type Retry struct {
	// Next sends one attempt.
	Next http.RoundTripper
	// Policy decides about every attempt.
	Policy Policy
	// MaxAttempts is the total number of tries per request, the first included (at least 1).
	MaxAttempts int
	// Backoff is the wait before retry n (1-based) when the policy names none.
	Backoff func(n int) time.Duration
	// Sleep waits between attempts; nil is Sleep.
	Sleep SleepFunc
	// Now is the clock for HTTP-date Retry-After values and WaitError.Until; nil is time.Now.
	Now func() time.Time
	// MaxBody bounds how much of an answer's body is read (0: all of it).
	MaxBody int64
	// Service names the API in log lines, e.g. "HubSpot".
	Service string

	hint atomic.Int64 // size of the last body read: the first guess for the next one
}

// Attempt is the outcome of one try: an answer (Resp, with its Body read in full) or a failure
// to get one (Err: a transport error or a *CutOffError).
type Attempt struct {
	Req  *http.Request
	Resp *http.Response
	Body []byte
	Err  error
	// N is the number of the try, 1 for the first.
	N int
}

// Verdict is a policy's decision about one attempt.
type Verdict struct {
	// Retry asks for another attempt (when MaxAttempts allows it).
	Retry bool
	// Wait is how long to wait before it; 0 means Backoff(N).
	Wait time.Duration
	// RetryAfter says Wait is the server's Retry-After rather than a backoff.
	RetryAfter bool
	// Reason says why, for the log line; "" means Failure's text.
	Reason string
	// Failure is the error the attempt stands for, as the client would report it (an API error
	// built from the answer); a *WaitError keeps it as Last.
	Failure error
}

// Policy decides whether an attempt is retried. Decide is called once per attempt, from the
// goroutine sending the request; it may be called for many requests at once.
type Policy interface {
	Decide(a Attempt) Verdict
}

// PolicyFunc adapts a function to Policy.
type PolicyFunc func(a Attempt) Verdict

// Decide calls f.
func (f PolicyFunc) Decide(a Attempt) Verdict { return f(a) }

// Counts tallies the retry layer's work for the requests of one call (see WithCounts). A call's
// requests run one after another, so Counts needs no lock.
type Counts struct {
	// Requests is the number of attempts sent; Retries those that repeated a failed one.
	Requests, Retries int
	// Exhausted is set when a request's last failure would have been retried had the attempts
	// not run out.
	Exhausted bool
}

type countsKey struct{}

// WithCounts returns a context whose requests are counted in c.
func WithCounts(ctx context.Context, c *Counts) context.Context {
	return context.WithValue(ctx, countsKey{}, c)
}

// RoundTrip sends req, retrying as the policy allows. The final answer, failing or not, is
// returned with its body buffered; a final failure to get one is returned as the error.
func (t *Retry) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	counts, _ := ctx.Value(countsKey{}).(*Counts)
	if counts == nil {
		counts = new(Counts)
	}
	endpoint := req.Method + " " + req.URL.Path
	var waits Waits
	for n := 1; ; n++ {
		r := req
		if n > 1 {
			var err error
			if r, err = Rewind(req); err != nil {
				return nil, err
			}
		}
		counts.Requests++
		a := t.attempt(r, n)
		if ctx.Err() != nil {
			Drain(a.Resp)
			return nil, ctx.Err()
		}
		if errors.Is(a.Err, ErrNoReplay) {
			return nil, a.Err
		}
		v := t.Policy.Decide(a)
		if !v.Retry {
			return a.Resp, a.Err
		}
		if n >= max(t.MaxAttempts, 1) {
			counts.Exhausted = true
			return a.Resp, a.Err
		}
		wait := v.Wait
		if wait <= 0 {
			wait = t.Backoff(n)
		}
		if v.Failure == nil {
			v.Failure = a.Err
		}
		reason := v.Reason
		if reason == "" && v.Failure != nil {
			reason = v.Failure.Error()
		}
		Drain(a.Resp)
		log := zerolog.Ctx(ctx)
		if err := waits.Next(wait, v.RetryAfter, endpoint, t.now()); err != nil {
			var we *WaitError
			if errors.As(err, &we) {
				we.Last = v.Failure
			}
			log.Warn().Str("method", req.Method).Str("path", req.URL.Path).Dur("wait", wait).Str("wait_for", wait.String()).
				Bool("retry_after", v.RetryAfter).Str("reason", reason).
				Msg(t.Service + " asked for a longer wait than a request may take; giving up on it")
			return nil, err
		}
		log.Warn().Str("method", req.Method).Str("path", req.URL.Path).Int("attempt", n).Dur("wait", wait).Str("wait_for", wait.String()).
			Bool("retry_after", v.RetryAfter).Str("reason", reason).Msg("retrying " + t.Service + " request")
		counts.Retries++
		if err := t.sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("wait before retry of %s: %w (last failure: %s)", endpoint, err, errText(v.Failure))
		}
	}
}

// attempt sends r once and reads the answer's body. A 2xx body cut off is a failed attempt; the
// start of any other answer's body is enough to say what went wrong, so it is kept as it is.
func (t *Retry) attempt(r *http.Request, n int) Attempt {
	resp, err := t.Next.RoundTrip(r) //nolint:bodyclose // readAll drains and closes it, and hands on a buffered copy
	if err != nil {
		return Attempt{Req: r, Err: err, N: n}
	}
	body, err := readAll(resp, t.MaxBody, t.guess())
	t.hint.Store(int64(len(body)))
	if err != nil && resp.StatusCode/100 == 2 {
		return Attempt{Req: r, Err: err, N: n}
	}
	return Attempt{Req: r, Resp: resp, Body: body, N: n}
}

// guess is the buffer size to start a body of unknown length with.
func (t *Retry) guess() int64 {
	last := t.hint.Load()
	return last + last/8
}

// errText is err's text, "none" for nil.
func errText(err error) string {
	if err == nil {
		return "none"
	}
	return err.Error()
}

func (t *Retry) now() time.Time {
	if t.Now == nil {
		return time.Now()
	}
	return t.Now()
}

func (t *Retry) sleep(ctx context.Context, d time.Duration) error {
	if t.Sleep == nil {
		return Sleep(ctx, d)
	}
	return t.Sleep(ctx, d)
}
