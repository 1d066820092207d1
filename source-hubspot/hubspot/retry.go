package hubspot

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/insider-hubspot/connectors/internal/httpx"
	"github.com/insider-hubspot/connectors/internal/redact"
)

// The retry knobs' defaults (Config.MaxAttempts, Config.Backoff).
const (
	defaultMaxAttempts = 6
	backoffBase        = 500 * time.Millisecond
	backoffMax         = 30 * time.Second
)

// retrySettings are Config's retry knobs with the defaults filled.
type retrySettings struct {
	attempts int
	backoff  func(attempt int) time.Duration
	sleep    httpx.SleepFunc
}

func retrySettingsOf(cfg Config) retrySettings {
	s := retrySettings{attempts: cfg.MaxAttempts, backoff: cfg.Backoff, sleep: cfg.Sleep}
	if s.attempts <= 0 {
		s.attempts = defaultMaxAttempts
	}
	if s.backoff == nil {
		s.backoff = httpx.Backoff{Base: backoffBase, Max: backoffMax}.Delay
	}
	if s.sleep == nil {
		s.sleep = httpx.Sleep
	}
	return s
}

// newRetry is the retry layer over next; see transport.go for its place in the stack.
func newRetry(next http.RoundTripper, s retrySettings, now func() time.Time, red *redact.Redactor) *httpx.Retry {
	return &httpx.Retry{
		Next:        next,
		Policy:      &retryPolicy{backoff: s.backoff, now: now, red: red},
		MaxAttempts: s.attempts,
		Backoff:     s.backoff,
		Sleep:       s.sleep,
		Now:         now,
		Service:     "HubSpot",
	}
}

// retryPolicy is what HubSpot's answers ask of the retry layer: 429 waits by Retry-After, else by
// policyName (DAILY is not retried), 423 waits at least 2s, 5xx but 501 and 505, cut-off answers,
// dropped connections and timeouts back off. Other failures to get an answer are not retried.
type retryPolicy struct {
	backoff func(n int) time.Duration
	now     func() time.Time
	red     *redact.Redactor
}

// Decide implements httpx.Policy.
func (p *retryPolicy) Decide(a httpx.Attempt) httpx.Verdict {
	if a.Err != nil {
		var co *httpx.CutOffError
		if errors.As(a.Err, &co) {
			return httpx.Verdict{Retry: true, Reason: "cut-off answer: " + co.Err.Error()}
		}
		return httpx.Verdict{Retry: httpx.Retryable(a.Err), Reason: "connection error: " + a.Err.Error()}
	}
	v := httpx.Verdict{Retry: true}
	switch code := a.Resp.StatusCode; {
	case code == http.StatusTooManyRequests:
		policy := policyOf(a.Body)
		switch d := httpx.ParseRetryAfter(a.Resp.Header.Get("Retry-After"), p.now()); {
		case strings.EqualFold(policy, "DAILY"):
			return httpx.Verdict{}
		case d > 0:
			// The retry layer refuses a wait past httpx.WaitLimit: a later run spends it better.
			v.Wait, v.RetryAfter, v.Reason = d, true, whyRetryAfter
		case strings.Contains(strings.ToUpper(policy), "TEN_SECONDLY"):
			v.Wait, v.Reason = 10*time.Second, "429 "+policy
		case strings.Contains(strings.ToUpper(policy), "SECONDLY"), bytes.Contains(a.Body, []byte("secondly limit")):
			v.Wait, v.Reason = time.Second*time.Duration(a.N), "429 secondly"
		default:
			v.Reason = "429"
		}
	case code == http.StatusLocked:
		v.Wait, v.Reason = max(2*time.Second, p.backoff(a.N)), "423 locked"
	case code >= 500 && code != http.StatusNotImplemented && code != http.StatusHTTPVersionNotSupported:
		v.Reason = http.StatusText(code)
	default:
		return httpx.Verdict{}
	}
	v.Failure = newAPIError(a.Req, a.Resp, a.Body, p.now(), p.red)
	return v
}

// whyRetryAfter is the reason Decide gives for a wait the server's Retry-After asked for.
const whyRetryAfter = "429 Retry-After"

// policyOf extracts policyName from a 429 body.
func policyOf(body []byte) string {
	var eb errorBody
	if json.Unmarshal(body, &eb) != nil {
		return ""
	}
	return eb.PolicyName
}
