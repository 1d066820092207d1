package insider

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/insider-hubspot/connectors/internal/httpx"
)

// This file holds how answers are read, and the answers that are not
// Insider's: a 2xx whose body is not its JSON, and redirects, which are never
// followed.

// answer reads an answer: nil for a 2xx whose body is Insider's JSON (for an upsert, its
// {"data":...} shape), an *AnswerError for any other 2xx, a *RedirectError for a 3xx and an
// *APIError for the rest.
func (c *Client) answer(method, path string, resp *http.Response, body []byte) error {
	switch resp.StatusCode / 100 {
	case 2:
		if !json.Valid(body) || (path == UpsertPath && !isUpsertAnswer(body)) {
			return answerError(method, path, resp, c.cfg.Redactor.Excerpt(body, maxErrorBody))
		}
		return nil
	case 3:
		return redirectError(method, path, c.cfg.BaseURL, resp)
	}
	return &APIError{
		Method:     method,
		Path:       path,
		StatusCode: resp.StatusCode,
		Body:       c.cfg.Redactor.Excerpt(body[:min(len(body), 4*maxErrorBody)], maxErrorBody),
		RetryAfter: httpx.ParseRetryAfter(resp.Header.Get("Retry-After"), c.cfg.Now()),
	}
}

// AnswerError is a 2xx answer whose body is empty or not JSON, or (for an
// upsert) not Insider's {"data":{...}} shape: something other than Insider's
// API answered (a proxy, a captive portal, a web site at a wrong
// api_base_url, a CDN error page). Nothing it says counts as delivered. It
// is temporary: a retry may reach Insider.
type AnswerError struct {
	Method, Path string
	StatusCode   int
	ContentType  string
	Body         string // an excerpt, secrets redacted
}

// Error implements error.
func (e *AnswerError) Error() string {
	what := "an empty body"
	if e.Body != "" {
		what = fmt.Sprintf("a body that is not Insider's JSON (Content-Type %q): %s", e.ContentType, e.Body)
	}
	return fmt.Sprintf("insider %s %s: HTTP %d with %s", e.Method, e.Path, e.StatusCode, what)
}

// answerError describes resp; body is the answer's excerpt, secrets redacted.
func answerError(method, path string, resp *http.Response, body string) *AnswerError {
	return &AnswerError{Method: method, Path: path, StatusCode: resp.StatusCode,
		ContentType: resp.Header.Get("Content-Type"), Body: body}
}

// IsAnswer reports whether err is, or ends in, an answer that is not Insider's.
func IsAnswer(err error) bool {
	var ae *AnswerError
	return errors.As(err, &ae)
}

// RedirectError is a 3xx answer. Redirects are not followed: a 301 or 302
// turns the POST into a GET that upserts nothing, and the credential
// headers must never go to another host.
type RedirectError struct {
	Method, Path string
	StatusCode   int
	Location     string // absolute, "" when the answer had none
	BaseURL      string // the base URL the request went to
}

// Error implements error.
func (e *RedirectError) Error() string {
	to := "without a Location"
	if e.Location != "" {
		to = "to " + e.Location
	}
	return fmt.Sprintf("insider %s %s: HTTP %d redirect %s, not followed", e.Method, e.Path, e.StatusCode, to)
}

// SuggestedBaseURL is the base URL the redirect points at, when its target
// ends with the requested path; "" otherwise.
func (e *RedirectError) SuggestedBaseURL() string {
	if base, ok := strings.CutSuffix(e.Location, e.Path); ok && base != "" && !strings.Contains(base, "?") {
		return base
	}
	return ""
}

// IsRedirect reports whether err is a redirect answer.
func IsRedirect(err error) bool {
	var re *RedirectError
	return errors.As(err, &re)
}

func redirectError(method, path, base string, resp *http.Response) *RedirectError {
	e := &RedirectError{Method: method, Path: path, StatusCode: resp.StatusCode, BaseURL: base}
	if loc, err := resp.Location(); err == nil {
		loc.User = nil
		e.Location = loc.String()
	}
	return e
}

// refuseRedirect is the HTTP client's CheckRedirect: the 3xx answer itself
// is returned, so no request is repeated elsewhere.
func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// RefusedError is a batch every user of which Insider refused with a 400
// when sent alone: the cause is in every request, not in the users, so the
// batch fails and its records are sent again by a later run.
type RefusedError struct {
	Users int
	Last  string // the last refusal
}

// Error implements error.
func (e *RefusedError) Error() string {
	return fmt.Sprintf("insider upsert: all %d users of a batch were refused one by one (%s)", e.Users, e.Last)
}

// isRefusal reports whether err is a 400 refusing the whole request for a
// reason other than its size or the partner name: one user's bytes can
// cause it, so the caller splits the batch to find that user.
func isRefusal(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.StatusCode == http.StatusBadRequest && !IsTooLarge(err) && !IsAuth(err)
}
