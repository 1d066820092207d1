package hubspot

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/insider-hubspot/connectors/internal/httpx"
	"github.com/insider-hubspot/connectors/internal/redact"
)

// maxBodyExcerpt bounds how much of a body that is not HubSpot's error JSON an APIError keeps.
const maxBodyExcerpt = 200

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

// MissingScopes reports whether the error is HubSpot's 403 MISSING_SCOPES: the token was not
// granted a scope the call needs (re-authorizing with the scope fixes it).
func (e *APIError) MissingScopes() bool {
	return e.StatusCode == http.StatusForbidden && strings.EqualFold(e.Category, "MISSING_SCOPES")
}

// errorBody is HubSpot's error shape; rate-limit answers use errorType instead of category.
type errorBody struct {
	Message       string `json:"message"`
	Category      string `json:"category"`
	ErrorType     string `json:"errorType"`
	CorrelationID string `json:"correlationId"`
	PolicyName    string `json:"policyName"`
}

// newAPIError builds an APIError from a response and its (already read, possibly cut off) body;
// now reads an HTTP-date Retry-After. Secrets are redacted from what is kept before it is cut
// to size, so no prefix of one survives the cut.
func newAPIError(req *http.Request, resp *http.Response, body []byte, now time.Time, red *redact.Redactor) *APIError {
	e := &APIError{StatusCode: resp.StatusCode, Method: req.Method, Path: req.URL.Path}
	e.RetryAfter = httpx.ParseRetryAfter(resp.Header.Get("Retry-After"), now)
	var eb errorBody
	if json.Unmarshal(body, &eb) == nil {
		e.Message, e.Category, e.CorrelationID, e.PolicyName = red.Redact(eb.Message), red.Redact(eb.Category), eb.CorrelationID, eb.PolicyName
		if e.Category == "" {
			e.Category = eb.ErrorType
		}
	}
	if e.Message == "" && e.Category == "" {
		e.Body = red.Excerpt(body, maxBodyExcerpt)
	}
	return e
}

// AuthError is a failure to obtain an OAuth access token: HubSpot refused the refresh token or the
// client credentials, or the token endpoint is not where it was looked for. Waiting does not
// help; Reason says what the user has to fix.
type AuthError struct {
	// StatusCode is the token endpoint's HTTP status (0 if unknown).
	StatusCode int
	// Code is the RFC 6749 error code, e.g. invalid_grant, invalid_client.
	Code string
	// Status is HubSpot's legacy status code, e.g. BAD_REFRESH_TOKEN, BAD_CLIENT_ID.
	Status string
	// Message is HubSpot's explanation (error_description, else message).
	Message string
	// URL is the token endpoint called (never holds a secret: it has no query).
	URL string
	// Err is the underlying error.
	Err error
}

// AuthReason is what an AuthError asks the user to fix.
type AuthReason int

// Reasons of an AuthError.
const (
	// AuthRefused is a refusal HubSpot gave no recognised code for.
	AuthRefused AuthReason = iota
	// AuthBadClient: the client id or secret is wrong (RFC 6749 invalid_client or
	// unauthorized_client; HubSpot BAD_CLIENT_ID or BAD_CLIENT_SECRET).
	AuthBadClient
	// AuthBadRefreshToken: the refresh token was revoked, belongs to another app, or is
	// mistyped (invalid_grant; BAD_REFRESH_TOKEN).
	AuthBadRefreshToken
	// AuthNoEndpoint: nothing answers token requests at URL (404 or 405).
	AuthNoEndpoint
)

// Reason classifies the refusal, from the RFC 6749 code or HubSpot's legacy status, whichever
// the answer carries.
func (e *AuthError) Reason() AuthReason {
	switch {
	case e.Code == "invalid_client" || e.Code == "unauthorized_client" ||
		e.Status == "BAD_CLIENT_ID" || e.Status == "BAD_CLIENT_SECRET":
		return AuthBadClient
	case e.Code == "invalid_grant" || e.Status == "BAD_REFRESH_TOKEN":
		return AuthBadRefreshToken
	case e.StatusCode == http.StatusNotFound || e.StatusCode == http.StatusMethodNotAllowed:
		return AuthNoEndpoint
	}
	return AuthRefused
}

// Error describes the refusal.
func (e *AuthError) Error() string { return "hubspot token endpoint: " + e.Summary() }

// Summary is the token endpoint's answer in one line: "HTTP <status> <code> <status code>:
// <message>", with the parts HubSpot left out omitted.
func (e *AuthError) Summary() string {
	s := fmt.Sprintf("HTTP %d", e.StatusCode)
	for _, c := range []string{e.Code, e.Status} {
		if c != "" {
			s += " " + c
		}
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
func IsNetworkError(err error) bool { return httpx.IsNetworkError(err) }
