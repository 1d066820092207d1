package insider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/rs/zerolog"
	"golang.org/x/time/rate"

	"github.com/insider-hubspot/connectors/internal/httpx"
)

// Paths of Insider's one-user APIs (research 2026-12/insider-truth.md §2).
const (
	DeletePath    = "/api/user/v1/delete"
	AnonymizePath = "/api/user/v1/anonymize"
	IdentityPath  = "/api/user/v1/identity"
)

// Per-minute limits Insider documents for them; each request carries one user.
const (
	DeletePerMinute    = 10000
	AnonymizePerMinute = 500
	IdentityPerMinute  = 2000
)

// OpLimits are the client-side budgets of the one-user calls, in requests per second. Every
// attempt, retries included, takes a token.
type OpLimits struct {
	Delete, Anonymize, Identity rate.Limit
}

// DefaultOpLimits stay under Insider's per-minute limits: 95% of each, with a burst of half a
// second's worth, so that no 60-second window holds more than the limit.
func DefaultOpLimits() OpLimits {
	per := func(n int) rate.Limit { return rate.Limit(float64(n) * 0.95 / 60) }
	return OpLimits{Delete: per(DeletePerMinute), Anonymize: per(AnonymizePerMinute), Identity: per(IdentityPerMinute)}
}

// burst is the bucket size used with a limit.
func burst(l rate.Limit) int {
	if l == rate.Inf {
		return 1
	}
	return max(1, int(float64(l)/2))
}

// Outcome is what Insider did with a one-user call that did not fail.
type Outcome int

// Outcomes of a one-user call.
const (
	// Done: the change was made (or, for an identity change to the same value, was not needed).
	Done Outcome = iota
	// NoSuchUser: Insider has no user with the given identifiers.
	NoSuchUser
	// Taken: the new identifier of an identity change already belongs to another user.
	Taken
	// Refused: Insider refused the request for this user (another 4xx); the error says why.
	Refused
)

// UserOps sends Insider's delete-user, anonymize and identity-change calls, one user per
// request, each under its own rate limit and with the client's retries. It is safe for
// concurrent use.
type UserOps struct {
	c                *Client
	del, anon, ident *rate.Limiter
}

// NewUserOps returns the one-user calls of c under limits.
func NewUserOps(c *Client, limits OpLimits) *UserOps {
	lim := func(l rate.Limit) *rate.Limiter { return rate.NewLimiter(l, burst(l)) }
	return &UserOps{c: c, del: lim(limits.Delete), anon: lim(limits.Anonymize), ident: lim(limits.Identity)}
}

// Delete deletes the user with the identifiers (an encoded identifiers object) for good.
func (u *UserOps) Delete(ctx context.Context, identifiers []byte) (Outcome, Stats, error) {
	return u.send(ctx, u.del, http.MethodPost, DeletePath, wrapIdentifiers(identifiers))
}

// Anonymize removes the personal data of the user with the identifiers.
func (u *UserOps) Anonymize(ctx context.Context, identifiers []byte) (Outcome, Stats, error) {
	return u.send(ctx, u.anon, http.MethodPost, AnonymizePath, wrapIdentifiers(identifiers))
}

// ChangeIdentity replaces one identifier of a user: oldID and newID are encoded identifiers
// objects with exactly one identifier each, of the same type.
func (u *UserOps) ChangeIdentity(ctx context.Context, oldID, newID []byte) (Outcome, Stats, error) {
	body := make([]byte, 0, len(oldID)+len(newID)+40)
	body = append(body, `{"old_identifier":`...)
	body = append(body, oldID...)
	body = append(body, `,"new_identifier":`...)
	body = append(body, newID...)
	body = append(body, '}')
	return u.send(ctx, u.ident, http.MethodPatch, IdentityPath, body)
}

func wrapIdentifiers(ids []byte) []byte {
	body := make([]byte, 0, len(ids)+16)
	body = append(body, `{"identifiers":`...)
	body = append(body, ids...)
	return append(body, '}')
}

// send makes one call, waiting for lim before every attempt and retrying temporary failures
// the way Client.post does (same backoff, Retry-After and wait budget), and classifies
// Insider's answer.
func (u *UserOps) send(ctx context.Context, lim *rate.Limiter, method, path string, body []byte) (Outcome, Stats, error) {
	var st Stats
	var last error
	var waits httpx.Waits
	endpoint := method + " " + path
	for attempt := 1; attempt <= u.c.cfg.MaxAttempts; attempt++ {
		if attempt > 1 {
			wait, fromHeader := u.c.cfg.Backoff(attempt-1), false
			var ae *APIError
			if errors.As(last, &ae) && ae.RetryAfter > 0 {
				wait, fromHeader = ae.RetryAfter, true
			}
			if err := waits.Next(wait, fromHeader, endpoint, u.c.cfg.Now()); err != nil {
				err.(*httpx.WaitError).Last = last
				zerolog.Ctx(ctx).Warn().Str("endpoint", endpoint).Str("wait_for", wait.String()).Bool("retry_after", fromHeader).
					Msg("Insider asked for a longer wait than a request may take; giving up on it")
				return Refused, st, err
			}
			zerolog.Ctx(ctx).Warn().Str("endpoint", endpoint).Int("attempt", attempt-1).Str("wait_for", wait.String()).
				Bool("retry_after", fromHeader).Str("reason", last.Error()).Msg("retrying Insider request")
			st.Retries++
			if err := u.c.cfg.Sleep(ctx, wait); err != nil {
				return Refused, st, fmt.Errorf("wait before retry of %s: %w (last failure: %v)", path, err, last)
			}
		}
		if err := lim.Wait(ctx); err != nil {
			return Refused, st, fmt.Errorf("wait for the %s rate limit: %w", path, err)
		}
		st.Requests++
		err := u.once(ctx, method, path, body)
		if err == nil {
			return Done, st, nil
		}
		if ctx.Err() != nil {
			return Refused, st, fmt.Errorf("%s: %w", path, ctx.Err())
		}
		if !IsTemporary(err) {
			return classify(err), st, errOrNil(classify(err), err)
		}
		last = err
	}
	return Refused, st, &ExhaustedError{Attempts: u.c.cfg.MaxAttempts, Last: last}
}

// classify reads a final non-2xx answer.
func classify(err error) Outcome {
	var ae *APIError
	if !errors.As(err, &ae) || IsAuth(err) {
		return Refused
	}
	body := strings.ToLower(ae.Body)
	switch {
	case strings.Contains(body, "no such user"):
		return NoSuchUser
	case strings.Contains(body, "already has a user assigned"):
		return Taken
	case strings.Contains(body, "identifier values are the same"):
		return Done
	}
	return Refused
}

// errOrNil keeps the error of an answer that is a failure (auth, an unexpected 404 such as a
// wrong base URL) or a refusal the caller should report; the expected answers return nil.
func errOrNil(o Outcome, err error) error {
	if o == NoSuchUser || o == Taken || o == Done {
		return nil
	}
	return err
}

// IsUserRefused reports whether err from a UserOps call is Insider refusing this one user (a 4xx
// other than 401, 403 and 404) rather than a failure of the run.
func IsUserRefused(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.StatusCode/100 == 4 && !IsAuth(err) &&
		ae.StatusCode != http.StatusNotFound && ae.StatusCode != http.StatusTooManyRequests
}

// once sends one request and drains the answer: a 2xx with a JSON body is nil, a 2xx with
// anything else an *AnswerError, a redirect a *RedirectError, any other answer an *APIError.
func (u *UserOps) once(ctx context.Context, method, path string, body []byte) error {
	cfg := &u.c.cfg
	req, err := http.NewRequestWithContext(ctx, method, cfg.BaseURL+path, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("build request %s: %w", path, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-PARTNER-NAME", cfg.PartnerName)
	req.Header.Set("X-REQUEST-TOKEN", cfg.APIKey)
	if cfg.UserAgent != "" {
		req.Header.Set("User-Agent", cfg.UserAgent)
	}
	resp, err := cfg.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 == 3 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		return redirectError(method, path, cfg.BaseURL, resp)
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 4*maxErrorBody))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 == 2 {
		// Only Insider's own JSON counts as done (its documented answer is {}).
		if !json.Valid(data) {
			return answerError(method, path, resp, cfg.Redactor.Excerpt(data, maxErrorBody))
		}
		return nil
	}
	return &APIError{
		Method:     method,
		Path:       path,
		StatusCode: resp.StatusCode,
		Body:       cfg.Redactor.Excerpt(data, maxErrorBody),
		RetryAfter: httpx.ParseRetryAfter(resp.Header.Get("Retry-After"), cfg.Now()),
	}
}
