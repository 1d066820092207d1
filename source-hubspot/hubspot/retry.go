package hubspot

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/internal/httpx"
	"github.com/insider-hubspot/connectors/internal/redact"
)

var errNoReplay = errors.New("request body cannot be replayed")

// RetryPolicy bounds the retry layer.
type RetryPolicy struct {
	// MaxAttempts is the total number of tries per request, first included (default 6).
	MaxAttempts int
	// BaseDelay is the first backoff delay (default 500ms); it doubles per attempt.
	BaseDelay time.Duration
	// MaxDelay caps one backoff delay (default 30s).
	MaxDelay time.Duration
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 6
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 500 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 30 * time.Second
	}
	return p
}

// retryTransport retries transient failures; see transport.go for its place in the stack.
type retryTransport struct {
	next   http.RoundTripper
	policy RetryPolicy
	sleep  SleepFunc
	now    func() time.Time
	red    *redact.Redactor
}

// RoundTrip sends req, retrying as the policy allows. A final failing response is returned
// unconsumed (its body readable) so the caller can build an APIError from it.
func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	var waits httpx.Waits
	for attempt := 1; ; attempt++ {
		r := req
		if attempt > 1 {
			var err error
			if r, err = rewind(req); err != nil {
				return nil, err
			}
		}
		resp, err := t.next.RoundTrip(r)
		if ctx.Err() != nil {
			if resp != nil {
				drain(resp)
			}
			return nil, ctx.Err()
		}
		wait, why, retry := t.decide(resp, err, attempt)
		if !retry || attempt >= t.policy.MaxAttempts {
			return resp, err
		}
		endpoint := req.Method + " " + req.URL.Path
		if werr := waits.Next(wait, why == whyRetryAfter, endpoint, t.now()); werr != nil {
			werr.(*httpx.WaitError).Last = t.lastFailure(req, resp, err)
			drain(resp)
			zerolog.Ctx(ctx).Warn().Str("method", req.Method).Str("path", req.URL.Path).Dur("wait", wait).Str("wait_for", wait.String()).
				Str("reason", why).Msg("HubSpot asked for a longer wait than a request may take; giving up on it")
			return nil, werr
		}
		drain(resp)
		zerolog.Ctx(ctx).Warn().Str("method", req.Method).Str("path", req.URL.Path).
			Int("attempt", attempt).Dur("wait", wait).Str("wait_for", wait.String()).Str("reason", why).Msg("retrying HubSpot request")
		if err := t.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// decide says whether and how long to wait before retrying. For a 429 it reads the body (to find
// policyName) and puts it back so the response stays usable.
func (t *retryTransport) decide(resp *http.Response, err error, attempt int) (time.Duration, string, bool) {
	if err != nil {
		if errors.Is(err, errNoReplay) {
			return 0, "", false
		}
		return t.backoff(attempt), "connection error: " + err.Error(), true
	}
	switch code := resp.StatusCode; {
	case code == http.StatusTooManyRequests:
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		_ = resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		policy := policyOf(body)
		if strings.EqualFold(policy, "DAILY") {
			return 0, "", false
		}
		if d := httpx.ParseRetryAfter(resp.Header.Get("Retry-After"), t.now()); d > 0 {
			// RoundTrip refuses a wait past httpx.WaitLimit: a later run spends it better.
			return d, whyRetryAfter, true
		}
		switch {
		case strings.Contains(strings.ToUpper(policy), "TEN_SECONDLY"):
			return 10 * time.Second, "429 " + policy, true
		case strings.Contains(strings.ToUpper(policy), "SECONDLY"), bytes.Contains(body, []byte("secondly limit")):
			return time.Second * time.Duration(attempt), "429 secondly", true
		}
		return t.backoff(attempt), "429", true
	case code == http.StatusLocked:
		return max(2*time.Second, t.backoff(attempt)), "423 locked", true
	case code >= 500 && code != http.StatusNotImplemented && code != http.StatusHTTPVersionNotSupported:
		return t.backoff(attempt), http.StatusText(code), true
	}
	return 0, "", false
}

// whyRetryAfter is the reason decide gives for a wait the server's Retry-After asked for.
const whyRetryAfter = "429 Retry-After"

// lastFailure is the error behind a retry that was not waited for.
func (t *retryTransport) lastFailure(req *http.Request, resp *http.Response, err error) error {
	if err != nil || resp == nil {
		return err
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	return newAPIError(req, resp, body, t.now(), t.red)
}

// backoff is BaseDelay * 2^(attempt-1), capped, with "equal jitter": half fixed, half random.
func (t *retryTransport) backoff(attempt int) time.Duration {
	d := t.policy.BaseDelay << min(attempt-1, 20)
	if d > t.policy.MaxDelay || d <= 0 {
		d = t.policy.MaxDelay
	}
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(half)+1))
}

// policyOf extracts policyName from a 429 body.
func policyOf(body []byte) string {
	var eb errorBody
	if json.Unmarshal(body, &eb) != nil {
		return ""
	}
	return eb.PolicyName
}

// contextSleep adapts a SleepFunc so a nil one means the real Sleep.
func contextSleep(s SleepFunc) SleepFunc {
	if s == nil {
		return Sleep
	}
	return s
}
