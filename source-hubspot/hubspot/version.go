package hubspot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"

	"github.com/insider-hubspot/connectors/internal/urlpolicy"
)

// DefaultAPIVersion is the date-based API version used when none is configured. HubSpot ships a
// version every March and September; each is supported for 18 months.
const DefaultAPIVersion = "2026-09"

// TokenPath is the OAuth token endpoint below the base URL. HubSpot retires POST /oauth/v1/token
// on 2027-02-16; its replacement takes every parameter in a form-encoded body.
const TokenPath = "/oauth/2026-03/token"

var versionPattern = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])(-beta)?$`)

// CheckAPIVersion verifies that v has the shape of a date-based version, YYYY-MM or YYYY-MM-beta.
// Whether HubSpot serves it shows only when it is called (a VersionError).
func CheckAPIVersion(v string) error {
	if !versionPattern.MatchString(v) {
		return fmt.Errorf("api_version %q is not a HubSpot API version such as %s (YYYY-MM or YYYY-MM-beta)", v, DefaultAPIVersion)
	}
	return nil
}

// CheckTokenURL verifies an OAuth token endpoint override: an absolute URL, https unless the
// host is a loopback address, and without a query (every parameter travels in the form body).
func CheckTokenURL(field, raw string) (string, error) {
	if err := urlpolicy.Check(field, raw); err != nil {
		return "", err
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("%s is not a URL: %w", field, err)
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return "", fmt.Errorf("%s must not have a query or fragment: HubSpot takes every token parameter in the form body", field)
	}
	return u.String(), nil
}

// paths are the date-based paths of every endpoint the client calls, for one version. Nothing
// the client calls is on a v1-v4 path: HubSpot ends their support in 2027.
type paths struct {
	version     string
	contacts    string // list; + "/{id}" reads one contact
	search      string
	batchRead   string
	properties  string
	occurrences string
	definitions string
	lists       string // + "/search", "/{listId}", "/{listId}/memberships"
}

func newPaths(v string) paths {
	esc := url.PathEscape(v)
	contacts := "/crm/objects/" + esc + "/contacts"
	return paths{
		version:     v,
		contacts:    contacts,
		search:      contacts + "/search",
		batchRead:   contacts + "/batch/read",
		properties:  "/crm/properties/" + esc + "/contacts",
		occurrences: "/events/event-occurrences/" + esc,
		definitions: "/events/custom/" + esc + "/event-definitions",
		lists:       "/crm/lists/" + esc,
	}
}

// VersionError is a 404 answer to a date-based path: HubSpot does not serve that API in Version
// (too old, not yet released, or a month without a release). The fix is another api_version.
type VersionError struct {
	// Version is the api_version tried.
	Version string
	// Err is HubSpot's answer.
	Err *APIError
}

// Error names the version and the call.
func (e *VersionError) Error() string {
	return fmt.Sprintf("HubSpot does not serve API version %q for %s %s (HTTP 404)", e.Version, e.Err.Method, e.Err.Path)
}

// Unwrap returns HubSpot's answer.
func (e *VersionError) Unwrap() error { return e.Err }

// notServed turns a 404 answer of a collection endpoint (list, search, properties, event
// occurrences and definitions: paths that exist whatever the data) into a *VersionError.
func (c *Client) notServed(err error) error { return versionNotServed(c.paths.version, err) }

// versionNotServed turns a 404 *APIError into a *VersionError naming version; other errors pass
// unchanged.
func versionNotServed(version string, err error) error {
	var ae *APIError
	if errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound {
		return &VersionError{Version: version, Err: ae}
	}
	return err
}

// objectMissing tells a 404 answer of an object endpoint (one contact, batch read) that means
// "no such contact" from one that means the version is not served. HubSpot's 404 body for a
// path it does not serve is not documented and may look like a missing object's, so the body
// is not trusted: unless a contacts call of this version already succeeded, one list call of
// the same version decides. It returns (true, nil) for a missing contact, or the error to report.
func (c *Client) objectMissing(ctx context.Context, err error) (bool, error) {
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusNotFound {
		return false, err
	}
	if c.crmServed.Load() {
		return true, nil
	}
	q := url.Values{"limit": {"1"}, "properties": {"hs_object_id"}}
	perr := c.call(ctx, http.MethodGet, c.paths.contacts, q, nil, nil)
	var pe *APIError
	switch {
	case perr == nil:
		c.crmServed.Store(true)
		return true, nil
	case errors.As(perr, &pe) && pe.StatusCode == http.StatusNotFound:
		return false, &VersionError{Version: c.paths.version, Err: ae}
	}
	return false, fmt.Errorf("tell a missing contact from an unserved api_version: %w", perr)
}
