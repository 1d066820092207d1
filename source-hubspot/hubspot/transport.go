package hubspot

import (
	"net/http"
	"time"

	"github.com/insider-hubspot/connectors/internal/httpx"
)

// The client's HTTP stack, outermost first. Each layer is an http.RoundTripper that clones a
// request before changing it:
//
//	authTransport  sets "Authorization: Bearer <token>" on requests to the base URL's host
//	               (never on a redirect elsewhere); on a 401 with OAuth credentials it
//	               refreshes the token once and replays the request.
//	httpx.Retry    retries 429 (Retry-After, else by policyName; DAILY is not retried), 423, 5xx,
//	               answers cut off mid-body, dropped connections and timeouts (retryPolicy),
//	               with equal-jitter exponential backoff and a bounded number of attempts,
//	               replaying the body through Request.GetBody. It reads every answer's body
//	               within the attempt and hands on a buffered one. A request waits at most
//	               httpx.WaitLimit in all; a longer wait is not started and the request fails
//	               with an *httpx.WaitError.
//	classLimit     waits for the client-side rate limiter of the call's class (search or other)
//	               before every attempt, and slows down when X-HubSpot-RateLimit-Remaining runs low;
//	               it sends nothing once a private app's daily count is down to DailyReserve.
//	timeout        bounds one attempt, answer body included (the injected client's Timeout).
//	base           the injected http.Client's transport (http.DefaultTransport when nil).
//
// Auth sits outside retry so that a replay after a refresh gets the same retry policy; the limit sits
// inside retry so that every attempt, retries included, is paid for from the budget. The OAuth
// token endpoint is called through retry and limit but not auth.
var (
	_ http.RoundTripper = (*authTransport)(nil)
	_ http.RoundTripper = (*httpx.Retry)(nil)
	_ http.RoundTripper = (*classLimit)(nil)
	_ http.RoundTripper = (*httpx.Timeout)(nil)
)

// defaultAttemptTimeout bounds one attempt when the injected client sets no Timeout.
const defaultAttemptTimeout = 60 * time.Second
