// Package authorize runs HubSpot's OAuth authorization-code flow with a loopback redirect for
// people who use the source without Airbyte: it prints the consent URL, receives HubSpot's
// redirect on 127.0.0.1, exchanges the code for a refresh token and writes the credentials block
// of a source config.
package authorize

import (
	"net/url"
	"strconv"
	"strings"
)

// RequiredScopes are the scopes the connector cannot work without: reading contacts, and oauth,
// which HubSpot's own app templates require and which the event occurrences API lists. HubSpot
// fails an install whose app requires a scope the consent URL's scope parameter leaves out, or
// sends in optional_scope instead, so these must equal the requiredScopes of the app in
// source-hubspot/hubspot-app and the scope of the spec's consent URL
// (https://developers.hubspot.com/scopes, "App scope types").
var RequiredScopes = []string{"oauth", "crm.objects.contacts.read"}

// OptionalScopes are the scopes of features an account may lack: custom behavioral event
// definitions (any Enterprise hub) and lists (list memberships). HubSpot grants an optional scope
// only where the account has the feature and installs the app either way. They must all be in
// the app's optionalScopes and the consent URL's optional_scope.
var OptionalScopes = []string{"behavioral_events.event_definitions.read_write", "crm.lists.read"}

// ConsentURL is HubSpot's authorization URL at base (https://app.hubspot.com/oauth/authorize)
// asking for RequiredScopes and OptionalScopes, with redirect and state.
func ConsentURL(base, clientID, redirect, state string) string {
	q := url.Values{
		"client_id":      {clientID},
		"redirect_uri":   {redirect},
		"scope":          {strings.Join(RequiredScopes, " ")},
		"optional_scope": {strings.Join(OptionalScopes, " ")},
		"state":          {state},
	}
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	// HubSpot's examples separate scopes with %20; url.Values would write '+'.
	return base + sep + strings.ReplaceAll(q.Encode(), "+", "%20")
}

// CallbackPath is the path of the loopback redirect URL, http://localhost:<port>/oauth-callback.
const CallbackPath = "/oauth-callback"

// DefaultPort is the port of the loopback redirect URL unless --port says otherwise. The app in
// source-hubspot/hubspot-app lists http://localhost:3000/oauth-callback; HubSpot accepts a
// redirect only when it equals one of the app's redirect URLs.
const DefaultPort = 3000

// RedirectURL is the loopback redirect URL for port. HubSpot allows plain http only for
// localhost.
func RedirectURL(port int) string {
	return "http://localhost:" + strconv.Itoa(port) + CallbackPath
}
