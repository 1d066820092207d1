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

// maxErrorBody is how much of an error response body an APIError keeps.
const maxErrorBody = 512

// APIError is a non-2xx answer from Insider. Body is truncated and never
// contains request headers, so it carries no credentials.
type APIError struct {
	Method, Path string
	StatusCode   int
	Body         string
	RetryAfter   time.Duration // from the Retry-After header, 0 when absent
}

// Error implements error.
func (e *APIError) Error() string {
	return fmt.Sprintf("insider %s %s: HTTP %d: %s", e.Method, e.Path, e.StatusCode, e.Body)
}

// IsAuth reports whether err is Insider refusing the partner name or API key:
// HTTP 401, 403, or the 400 {"success":false,"message":"Partner is invalid."}
// Insider answers for an unknown partner name. Retrying cannot help; the
// configuration must change. AuthCause says which field to fix.
func IsAuth(err error) bool { return AuthCause(err) != AuthNone }

// IsTooLarge reports whether err is Insider refusing a request body as too
// large. The caller should split the batch and resend the halves.
func IsTooLarge(err error) bool {
	var ae *APIError
	if !errors.As(err, &ae) {
		return false
	}
	return ae.StatusCode == http.StatusRequestEntityTooLarge ||
		(ae.StatusCode == http.StatusBadRequest && strings.Contains(ae.Body, "bigger than maximum allowed size"))
}

// IsTemporary reports whether err is a failure that a later attempt may not
// hit: HTTP 429, 5xx, an answer that is not Insider's, a dropped connection,
// an answer cut off or a timeout. Cancellation of the caller's context is not
// temporary, and neither is an error it does not know: a retry is spent only
// where it may help.
func IsTemporary(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.StatusCode == http.StatusTooManyRequests || ae.StatusCode >= 500
	}
	if IsAnswer(err) {
		return true // something else answered in Insider's place; it may pass
	}
	var re *ResponseError
	var ce *tls.CertificateVerificationError
	var rd *RedirectError
	var rf *RefusedError
	if errors.As(err, &re) || errors.As(err, &ce) || errors.As(err, &rd) || errors.As(err, &rf) {
		return false // a retry gets the same answer
	}
	// A transport failure: connection refused or reset, an answer cut off,
	// a timeout.
	return httpx.Retryable(err)
}

// ExhaustedError is returned when every allowed attempt of a request failed
// with a temporary error. Last is the final failure.
type ExhaustedError struct {
	Attempts int
	Last     error
}

// Error implements error.
func (e *ExhaustedError) Error() string {
	return fmt.Sprintf("gave up after %d attempts: %v", e.Attempts, e.Last)
}

// Unwrap returns the last failure.
func (e *ExhaustedError) Unwrap() error { return e.Last }

// ResponseError is a 200 answer whose body cannot be matched to the users
// sent (for instance failures without a user index). The batch outcome is
// unknown, so the caller should treat the whole batch as failed.
type ResponseError struct {
	Body string
}

// Error implements error.
func (e *ResponseError) Error() string {
	return "insider upsert: unexpected response body: " + e.Body
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
