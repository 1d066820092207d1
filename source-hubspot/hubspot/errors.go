package hubspot

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"
)

// maxErrorBody bounds how much of an error response is kept.
const maxErrorBody = 4 << 10

// APIError is a non-2xx answer from HubSpot. Every field of HubSpot's error body is optional, so
// callers key on StatusCode first and Category second.
type APIError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Method and Path name the request (no query string, so nothing secret).
	Method, Path string
	// Message, Category and CorrelationID come from HubSpot's error body.
	Message, Category, CorrelationID string
	// PolicyName is set on 429 answers: DAILY, TEN_SECONDLY_ROLLING, SECONDLY.
	PolicyName string
	// RetryAfter is the Retry-After header, zero when absent.
	RetryAfter time.Duration
	// Body is the start of the response body when it was not HubSpot's JSON error shape.
	Body string
}

// Error describes the answer, including the correlation id HubSpot support asks for.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "hubspot %s %s: %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Category != "" {
		b.WriteString(" " + e.Category)
	}
	if e.PolicyName != "" {
		b.WriteString(" policy " + e.PolicyName)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	} else if e.Body != "" {
		b.WriteString(": " + e.Body)
	}
	if e.CorrelationID != "" {
		b.WriteString(" (correlationId " + e.CorrelationID + ")")
	}
	return b.String()
}

// Summary is the part of the error that is safe and useful to show a user: status, category and
// HubSpot's message, without the correlation id.
func (e *APIError) Summary() string {
	s := fmt.Sprintf("HTTP %d", e.StatusCode)
	if e.Category != "" {
		s += " " + e.Category
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// IsDailyLimit reports whether the error is HubSpot's daily request limit, which waiting a few
// seconds does not lift.
func (e *APIError) IsDailyLimit() bool {
	return e.StatusCode == http.StatusTooManyRequests && strings.EqualFold(e.PolicyName, "DAILY")
}

// errorBody is HubSpot's error shape; rate-limit answers use errorType instead of category.
type errorBody struct {
	Message       string `json:"message"`
	Category      string `json:"category"`
	ErrorType     string `json:"errorType"`
	CorrelationID string `json:"correlationId"`
	PolicyName    string `json:"policyName"`
}

// newAPIError builds an APIError from a response and its (already read) body.
func newAPIError(req *http.Request, resp *http.Response, body []byte) *APIError {
	e := &APIError{StatusCode: resp.StatusCode, Method: req.Method, Path: req.URL.Path}
	e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	var eb errorBody
	if json.Unmarshal(body, &eb) == nil {
		e.Message, e.Category, e.CorrelationID, e.PolicyName = eb.Message, eb.Category, eb.CorrelationID, eb.PolicyName
		if e.Category == "" {
			e.Category = eb.ErrorType
		}
	}
	if e.Message == "" && e.Category == "" {
		if len(body) > 200 {
			body = body[:200]
		}
		e.Body = strings.TrimSpace(string(body))
	}
	return e
}

// parseRetryAfter reads a Retry-After header in seconds or HTTP-date form; zero when absent or bad.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var secs float64
	if _, err := fmt.Sscanf(v, "%g", &secs); err == nil && secs >= 0 {
		return time.Duration(secs * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// AuthError is a failure to obtain an OAuth access token: HubSpot refused the refresh token or the
// client credentials. Waiting does not help; the user re-authorizes or fixes the client id/secret.
type AuthError struct {
	// StatusCode is the token endpoint's HTTP status (0 if unknown).
	StatusCode int
	// Code is HubSpot's status/error code, e.g. BAD_REFRESH_TOKEN, BAD_CLIENT_ID, invalid_grant.
	Code string
	// Message is HubSpot's explanation.
	Message string
	// Err is the underlying error.
	Err error
}

// Error describes the refusal.
func (e *AuthError) Error() string {
	s := fmt.Sprintf("hubspot token endpoint: HTTP %d", e.StatusCode)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Unwrap returns the underlying error.
func (e *AuthError) Unwrap() error { return e.Err }

// IsNetworkError reports whether err is a failure to exchange with HubSpot at all (connection
// refused or reset, timeout, an answer cut off), as opposed to an answer HubSpot gave.
func IsNetworkError(err error) bool {
	var te *truncatedError
	var ne net.Error
	var oe *net.OpError
	return errors.As(err, &te) || errors.As(err, &ne) || errors.As(err, &oe) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNREFUSED)
}
