package insider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// ProfilePath is Insider's read-profile endpoint, used as the credential
// check when the metadata endpoint is not available.
const ProfilePath = "/api/user/v1/profile"

// IsUnavailable reports whether err says the endpoint does not exist for
// this account or host (HTTP 404 or 405): the caller should fall back to a
// documented call.
func IsUnavailable(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && (ae.StatusCode == http.StatusNotFound || ae.StatusCode == http.StatusMethodNotAllowed)
}

// checkUUID is the identifier the profile check asks for; no profile is
// expected to have it.
const checkUUID = "airbyte-destination-insider-connection-check"

// CheckProfile checks the credentials with a documented read-only call: it
// asks POST /api/user/v1/profile for a profile no one has. Insider answers
// 404 {"error":"no such user for these identifiers: no data"} once the
// partner name and key are accepted, so 200 and that 404 both mean the
// credentials work; any other 404 means the endpoint is missing.
func (c *Client) CheckProfile(ctx context.Context) error {
	var st Stats
	body := fmt.Sprintf(`{"identifiers":{"uuid":%q},"attributes":["uuid"]}`, checkUUID)
	_, err := c.send(ctx, http.MethodPost, ProfilePath, []byte(body), &st)
	var ae *APIError
	if errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound && strings.Contains(strings.ToLower(ae.Body), "no such user") {
		return nil
	}
	return err
}

// DecodeError is a 2xx answer whose body is not the JSON expected: the
// endpoint is not what this client knows (a proxy page, another API).
type DecodeError struct {
	Path string
	Err  error
}

// Error implements error.
func (e *DecodeError) Error() string { return "decode the answer of " + e.Path + ": " + e.Err.Error() }

// Unwrap returns the decoding failure.
func (e *DecodeError) Unwrap() error { return e.Err }
