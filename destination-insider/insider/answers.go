package insider

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/insider-hubspot/connectors/internal/httpx"
)

// This file holds how answers are read, and the answers that are not
// Insider's: a 2xx whose body is not its JSON, and redirects, which are never
// followed.

// answer reads an answer: nil for a 2xx whose body is Insider's JSON (for an upsert, its
// {"data":...} shape), else an *Error: KindNotInsider for any other 2xx, KindRedirect for a
// 3xx, and the kind of its status for the rest (statusKind).
func (c *Client) answer(method, path string, resp *http.Response, body []byte) error {
	op := method + " " + path
	switch resp.StatusCode / 100 {
	case 2:
		if !json.Valid(body) || ((path == UpsertPath || path == AttributeDeletePath) && !usersAnswerOK(path, body)) {
			return notInsider(op, resp, c.cfg.Redactor.Excerpt(body, maxErrorBody))
		}
		return nil
	case 3:
		return redirectError(op, resp)
	}
	excerpt := c.cfg.Redactor.Excerpt(body[:min(len(body), 4*maxErrorBody)], maxErrorBody)
	return &Error{
		Kind:       statusKind(resp.StatusCode, excerpt),
		Op:         op,
		Status:     resp.StatusCode,
		Body:       excerpt,
		RetryAfter: httpx.ParseRetryAfter(resp.Header.Get("Retry-After"), c.cfg.Now()),
	}
}

// notInsider describes a 2xx answer that is not Insider's; body is the answer's excerpt,
// secrets redacted.
func notInsider(op string, resp *http.Response, body string) *Error {
	return &Error{Kind: KindNotInsider, Op: op, Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Body: body}
}

func redirectError(op string, resp *http.Response) *Error {
	e := &Error{Kind: KindRedirect, Op: op, Status: resp.StatusCode}
	if loc, err := resp.Location(); err == nil {
		loc.User = nil
		e.Location = loc.String()
	}
	return e
}

// refuseRedirect is the HTTP client's CheckRedirect: the 3xx answer itself
// is returned, so no request is repeated elsewhere.
func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// isRefusal reports whether err is a 400 refusing the whole request for a
// reason other than its size or the partner name: one user's bytes can
// cause it, so the caller splits the batch to find that user.
func isRefusal(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == KindRefused && e.Status == http.StatusBadRequest
}
