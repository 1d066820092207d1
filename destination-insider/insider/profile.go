package insider

import (
	"context"
	"encoding/json"
	"net/http"
)

// Held is what a profile read tells of a profile's email and phone identifiers; "" when it has
// none.
type Held struct {
	Email, Phone string
}

// profileAnswer is the part of a read-profile answer ReadIdentifiers reads. That the attributes
// email and phone_number read a profile's identifiers is inferred: Insider's API reference lists
// them as default attributes and names the internal short forms em and pn in its read paths,
// which are taken too.
type profileAnswer struct {
	Attributes map[string]json.RawMessage `json:"attributes"`
}

// readProfileBody asks for the two attributes, and no events: one unit of the quota.
const readProfileAttributes = `,"attributes":["email","phone_number"]}`

// ReadIdentifiers reads the email and phone number of the profile the identifiers (an encoded
// identifiers object) find, with Insider's Get User Profiles API (POST /api/user/v1/profile,
// https://academy.insiderone.com/docs/get-user-profiles-api; one unit of its 1,000 a minute). The
// outcome is NoSuchUser when no profile has the identifiers.
func (u *UserOps) ReadIdentifiers(ctx context.Context, identifiers []byte) (Held, Outcome, Stats, error) {
	body := make([]byte, 0, len(identifiers)+len(readProfileAttributes)+16)
	body = append(body, `{"identifiers":`...)
	body = append(body, identifiers...)
	body = append(body, readProfileAttributes...)
	answer, o, st, err := u.sendRead(ctx, u.profile, http.MethodPost, ProfilePath, body)
	if err != nil || o != Done {
		return Held{}, o, st, err
	}
	var a profileAnswer
	if err := json.Unmarshal(answer, &a); err != nil {
		return Held{}, Refused, st, &Error{Kind: KindUnavailable, Op: http.MethodPost + " " + ProfilePath, Status: http.StatusOK, Err: err}
	}
	return Held{Email: a.text("email", "em"), Phone: a.text("phone_number", "pn")}, Done, st, nil
}

// text returns the first of names that holds a string.
func (a profileAnswer) text(names ...string) string {
	for _, n := range names {
		var s string
		if json.Unmarshal(a.Attributes[n], &s) == nil && s != "" {
			return s
		}
	}
	return ""
}
