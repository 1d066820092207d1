package insider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// ProfilePath is Insider's read-profile endpoint, used as the credential
// check when the metadata endpoint is not available.
const ProfilePath = "/api/user/v1/profile"

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
	var e *Error
	if errors.As(err, &e) && e.Status == http.StatusNotFound && IsNoSuchUser(e.Body) {
		return nil
	}
	return err
}
