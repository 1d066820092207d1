package insider

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"golang.org/x/time/rate"
)

// Paths of Insider's one-user APIs, as its API reference gives them (for example
// https://academy.insiderone.com/v1/docs/update-identifiers-api and
// https://academy.insiderone.com/v1/docs/delete-users-pii-data).
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
	// IdentifierDeletePerMinute is the limit of DELETE /api/user/v1/identity: Insider's API
	// reference says 25,000 a minute, its status-code page 1,000; the lower one is kept.
	IdentifierDeletePerMinute = 1000
	// ProfilePerMinute is the quota of the read-profile API: 1,000 units a minute, one unit for
	// a read of attributes only.
	ProfilePerMinute = 1000
)

// OpLimits are the client-side budgets of the one-user calls, in requests per second. Every
// attempt, retries included, takes a token.
type OpLimits struct {
	Delete, Anonymize, Identity, IdentifierDelete, Profile rate.Limit
}

// DefaultOpLimits stay under Insider's per-minute limits: 95% of each, with a burst of half a
// second's worth, so that no 60-second window holds more than the limit.
func DefaultOpLimits() OpLimits {
	per := func(n int) rate.Limit { return rate.Limit(float64(n) * 0.95 / 60) }
	return OpLimits{Delete: per(DeletePerMinute), Anonymize: per(AnonymizePerMinute), Identity: per(IdentityPerMinute),
		IdentifierDelete: per(IdentifierDeletePerMinute), Profile: per(ProfilePerMinute)}
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
	// Refused: the call failed; the error says why. KindOf tells Insider refusing the request
	// for this user (KindRefused, KindTooLarge) from a failure of the run.
	Refused
)

// UserOps sends Insider's one-user calls (delete user, anonymize, identity change, identifier
// delete, profile read), one user per request, each under its own rate limit and with the
// client's retries. It is safe for concurrent use.
type UserOps struct {
	c                                   *Client
	del, anon, ident, identDel, profile *rate.Limiter
}

// NewUserOps returns the one-user calls of c under limits. A zero limit of IdentifierDelete or
// Profile means none (rate.Inf).
func NewUserOps(c *Client, limits OpLimits) *UserOps {
	lim := func(l rate.Limit) *rate.Limiter {
		if l == 0 {
			l = rate.Inf
		}
		return rate.NewLimiter(l, burst(l))
	}
	return &UserOps{c: c, del: lim(limits.Delete), anon: lim(limits.Anonymize), ident: lim(limits.Identity),
		identDel: lim(limits.IdentifierDelete), profile: lim(limits.Profile)}
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

// DeleteIdentifier removes one identifier (an encoded identifiers object holding exactly one)
// from the profile holding it (DELETE /api/user/v1/identity,
// https://academy.insiderone.com/docs/api-reference-delete-identifiers). Insider refuses to
// delete the sole identifier of a profile: that is a refusal (KindRefused).
func (u *UserOps) DeleteIdentifier(ctx context.Context, identifier []byte) (Outcome, Stats, error) {
	return u.send(ctx, u.identDel, http.MethodDelete, IdentityPath, wrapIdentifiers(identifier))
}

func wrapIdentifiers(ids []byte) []byte {
	body := make([]byte, 0, len(ids)+16)
	body = append(body, `{"identifiers":`...)
	body = append(body, ids...)
	return append(body, '}')
}

// send makes one call, waiting for lim before every attempt, with the client's retries, and
// classifies Insider's answer.
func (u *UserOps) send(ctx context.Context, lim *rate.Limiter, method, path string, body []byte) (Outcome, Stats, error) {
	_, o, st, err := u.sendRead(ctx, lim, method, path, body)
	return o, st, err
}

// sendRead is send that also returns the body of a 2xx answer.
func (u *UserOps) sendRead(ctx context.Context, lim *rate.Limiter, method, path string, body []byte) ([]byte, Outcome, Stats, error) {
	var st Stats
	answer, err := u.c.send(withLimiter(ctx, lim), method, path, body, &st)
	switch {
	case err == nil:
		return answer, Done, st, nil
	case ctx.Err() != nil, retryable(err):
		return nil, Refused, st, err
	}
	o := classify(err)
	return nil, o, st, errOrNil(o, err)
}

// classify reads a final non-2xx answer.
func classify(err error) Outcome {
	var e *Error
	if !errors.As(err, &e) || e.Kind == KindAuth {
		return Refused
	}
	body := strings.ToLower(e.Body)
	switch {
	case IsNoSuchUser(body):
		return NoSuchUser
	case strings.Contains(body, "already has a user assigned"):
		return Taken
	case strings.Contains(body, "identifier values are the same"):
		return Done
	}
	return Refused
}

// IsNoSuchUser reports whether msg, an error body or a message of a user's rejection, is
// Insider saying that it has no profile with the identifiers asked for (`no such user for these
// identifiers: no data`).
func IsNoSuchUser(msg string) bool { return strings.Contains(strings.ToLower(msg), "no such user") }

// errOrNil keeps the error of an answer that is a failure (auth, an unexpected 404 such as a
// wrong base URL) or a refusal the caller should report; the expected answers return nil.
func errOrNil(o Outcome, err error) error {
	if o == NoSuchUser || o == Taken || o == Done {
		return nil
	}
	return err
}
