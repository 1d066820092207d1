package insider

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/insider-hubspot/connectors/internal/httpx"
)

// maxErrorBody is how much of an answer body an Error keeps.
const maxErrorBody = 512

// Kind is what a failed call means for its caller: what to fix, and whether a retry may help.
// KindOf tells the kind of any error a call returns.
type Kind uint8

// Kinds of failure.
const (
	// KindOther is a failure this client does not know: a request that cannot be sent, a
	// certificate no one trusts, a cancelled context. A retry gets the same.
	KindOther Kind = iota
	// KindTemporary is a failure a later attempt may not hit: HTTP 429 or 5xx, a dropped
	// connection, an answer cut off, a timeout. The client retries it; Attempts is set when
	// every attempt failed so.
	KindTemporary
	// KindAuth is Insider refusing the partner name or API key, which only a change of the
	// configuration mends. Status says which: 400 "Partner is invalid." (the partner name,
	// sent as X-PARTNER-NAME, names no account), 401 (the key, sent as X-REQUEST-TOKEN, is
	// refused: "Bad Api Key.", "Partner token authentication failed.") or 403 (Access Denied:
	// the key lacks this API, by its package or its IP allow-list).
	KindAuth
	// KindRedirect is a 3xx answer. Redirects are not followed: a 301 or 302 turns the POST
	// into a GET that upserts nothing, and the credential headers must never go to another
	// host. Location is where it points.
	KindRedirect
	// KindNotInsider is a 2xx answer whose body is empty or not JSON, or (for an upsert) not
	// Insider's {"data":{...}} shape: something other than Insider's API answered (a proxy, a
	// captive portal, a web site at a wrong base URL, a CDN error page). Nothing it says counts
	// as delivered. The client retries it: a later attempt may reach Insider.
	KindNotInsider
	// KindUnavailable is an endpoint this account or host does not have as this client knows
	// it: HTTP 404 or 405, or a 2xx whose JSON is not the shape expected (Err says why). The
	// caller may fall back to a documented call.
	KindUnavailable
	// KindTooLarge is Insider refusing a request body as too large (HTTP 413, or a 400 "bigger
	// than maximum allowed size"): the caller splits the request.
	KindTooLarge
	// KindRefused is another 4xx answer but 429: Insider refused the request as it is.
	KindRefused
	// KindRefusedAll is a batch every user of which Insider refused with a 400 when sent alone:
	// the cause is in every request, not in the users, so the batch fails and its records are
	// sent again by a later run. Users is the batch's size, Body the last refusal.
	KindRefusedAll
	// KindUnmatched is a 200 upsert answer whose failures cannot be matched to the users sent
	// (failures without a user index): the batch's outcome is unknown.
	KindUnmatched
)

// Error is a call to Insider that failed for good. It keeps the evidence: the answer's status,
// an excerpt of its body with secrets redacted (never a request header, so never a
// credential), the Retry-After Insider asked for.
type Error struct {
	Kind       Kind
	Op         string        // the request: method and path, "POST /api/user/v1/upsert"
	Status     int           // the answer's HTTP status
	Body       string        // an excerpt of the answer's body, secrets redacted
	RetryAfter time.Duration // from the Retry-After header, 0 when absent
	// Location is where a redirect points, absolute; "" when the answer had none.
	Location string
	// ContentType is the Content-Type of an answer that is not Insider's.
	ContentType string
	// Users is the size of a batch whose users were all refused (KindRefusedAll).
	Users int
	// Attempts is set when every allowed attempt failed with a temporary error; Err is then
	// the last failure.
	Attempts int
	// Err is what the failure wraps: the last failure of the attempts, or why an answer could
	// not be read.
	Err error
}

// Error implements error.
func (e *Error) Error() string {
	switch {
	case e.Attempts > 0:
		return fmt.Sprintf("gave up after %d attempts: %v", e.Attempts, e.Err)
	case e.Err != nil:
		return "decode the answer of " + e.path() + ": " + e.Err.Error()
	}
	switch e.Kind {
	case KindNotInsider:
		what := "an empty body"
		if e.Body != "" {
			what = fmt.Sprintf("a body that is not Insider's JSON (Content-Type %q): %s", e.ContentType, e.Body)
		}
		return fmt.Sprintf("insider %s: HTTP %d with %s", e.Op, e.Status, what)
	case KindRedirect:
		to := "without a Location"
		if e.Location != "" {
			to = "to " + e.Location
		}
		return fmt.Sprintf("insider %s: HTTP %d redirect %s, not followed", e.Op, e.Status, to)
	case KindRefusedAll:
		return fmt.Sprintf("insider upsert: all %d users of a batch were refused one by one (%s)", e.Users, e.Body)
	case KindUnmatched:
		return "insider upsert: unexpected response body: " + e.Body
	}
	return fmt.Sprintf("insider %s: HTTP %d: %s", e.Op, e.Status, e.Body)
}

// Unwrap returns what the failure wraps.
func (e *Error) Unwrap() error { return e.Err }

// path is the path of the request.
func (e *Error) path() string {
	_, p, _ := strings.Cut(e.Op, " ")
	return p
}

// SuggestedBaseURL is the base URL a redirect points at, when its target ends with the
// requested path; "" otherwise.
func (e *Error) SuggestedBaseURL() string {
	if base, ok := strings.CutSuffix(e.Location, e.path()); ok && base != "" && !strings.Contains(base, "?") {
		return base
	}
	return ""
}

// KindOf returns the kind of err: the Kind of the *Error it holds, else KindTemporary for a
// failure to get an answer that a retry may mend (a dropped connection, a timeout), else
// KindOther.
func KindOf(err error) Kind {
	var e *Error
	var ce *tls.CertificateVerificationError
	switch {
	case errors.As(err, &e):
		return e.Kind
	case errors.As(err, &ce):
		return KindOther // a retry gets the same certificate
	case httpx.Retryable(err):
		return KindTemporary
	}
	return KindOther
}

// retryable reports whether a later attempt of a call that failed with err may pass: a
// temporary failure, or an answer that is not Insider's. Cancellation of the caller's context
// is not, and neither is an error the client does not know: a retry is spent only where it may
// help.
func retryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	k := KindOf(err)
	return k == KindTemporary || k == KindNotInsider
}

// partnerInvalid is the message of Insider's answer to an unknown partner
// name: 400 {"success":false,"message":"Partner is invalid."}.
const partnerInvalid = "partner is invalid"

// statusKind is the kind of a non-2xx, non-3xx answer with this status and body.
func statusKind(status int, body string) Kind {
	switch {
	case status == http.StatusUnauthorized, status == http.StatusForbidden,
		status == http.StatusBadRequest && strings.Contains(strings.ToLower(body), partnerInvalid):
		return KindAuth
	case status == http.StatusRequestEntityTooLarge,
		status == http.StatusBadRequest && strings.Contains(body, "bigger than maximum allowed size"):
		return KindTooLarge
	case status == http.StatusNotFound, status == http.StatusMethodNotAllowed:
		return KindUnavailable
	case status == http.StatusTooManyRequests, status >= 500:
		return KindTemporary
	}
	return KindRefused
}

// exhausted wraps the last failure of a request whose every attempt failed with a temporary
// error, keeping its evidence.
func exhausted(attempts int, last error) *Error {
	e := &Error{Kind: KindOf(last)}
	if le := (*Error)(nil); errors.As(last, &le) {
		*e = *le
	}
	e.Attempts, e.Err = attempts, last
	return e
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
