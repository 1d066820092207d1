package fakehubspot

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// OAuthApp is the developer-platform app whose install the consent page grants: the auth block
// of its app-hsmeta.json.
type OAuthApp struct {
	// RedirectURLs are the app's redirect URLs; HubSpot redirects only to one of them, compared
	// exactly. Empty accepts any http://localhost, 127.0.0.1 or [::1] URL (the fake's
	// convenience for tests, whose ports are chosen at run time; HubSpot has no such default).
	RedirectURLs []string
	// RequiredScopes must all be in the consent URL's scope parameter.
	RequiredScopes []string
	// OptionalScopes may be asked for in optional_scope.
	OptionalScopes []string
}

// DefaultOAuthApp is the app the consent page installs until SetOAuthApp: the scopes of the
// repository's hubspot-app definition (required oauth and crm.objects.contacts.read; optional
// custom-event definitions and lists) and any loopback redirect URL.
func DefaultOAuthApp() OAuthApp {
	return OAuthApp{
		RequiredScopes: []string{"oauth", "crm.objects.contacts.read"},
		OptionalScopes: []string{"behavioral_events.event_definitions.read_write", "crm.lists.read"},
	}
}

// authCodeTTL is how long an authorization code can be exchanged. HubSpot does not document it;
// ten minutes is RFC 6749's recommended maximum (section 4.1.2), the fake's guess.
const authCodeTTL = 10 * time.Minute

// consentState is the consent page's app, its switches and the codes it has issued. The zero
// value serves DefaultOAuthApp.
type consentState struct {
	mu          sync.Mutex
	app         *OAuthApp
	deny        bool
	unavailable []string             // optional scopes the portal does not have
	codes       map[string]authGrant // authorization code -> what it grants
}

// authGrant is what one authorization code stands for until it is exchanged.
type authGrant struct {
	clientID, redirect string
	scopes             []string
	expires            time.Time
}

// SetOAuthApp sets the app the consent page installs (see OAuthApp).
func (s *Server) SetOAuthApp(app OAuthApp) {
	s.consent.mu.Lock()
	defer s.consent.mu.Unlock()
	s.consent.app = &app
}

// DenyConsent makes the consent page answer as if the user declined the install: a redirect with
// error=access_denied and the state, as RFC 6749 section 4.1.2.1 prescribes (HubSpot does not
// document its answer; the error code is the fake's guess). deny=false restores consent.
func (s *Server) DenyConsent(deny bool) {
	s.consent.mu.Lock()
	defer s.consent.mu.Unlock()
	s.consent.deny = deny
}

// SetUnavailableScopes names optional scopes this portal's subscription lacks (for example
// behavioral_events.event_definitions.read_write without an Enterprise hub): the install still
// succeeds and the token leaves them out, as HubSpot documents for optional scopes.
func (s *Server) SetUnavailableScopes(scopes ...string) {
	s.consent.mu.Lock()
	defer s.consent.mu.Unlock()
	s.consent.unavailable = slices.Clone(scopes)
}

func (c *consentState) currentApp() OAuthApp {
	if c.app == nil {
		return DefaultOAuthApp()
	}
	return *c.app
}

// handleAuthorize serves GET /oauth/authorize, which stands for HubSpot's consent page on
// app.hubspot.com (not the API host): it consents at once. What HubSpot refuses, it answers with
// 400 and a plain-text reason instead of a redirect (HubSpot shows an error page; its wording is
// not documented, the text is the fake's). It refuses:
//   - an unknown client_id;
//   - a redirect_uri that is not one of the app's redirect URLs (documented: "The redirect_uri is
//     validated against the redirect URL set in the auth settings for the app",
//     https://developers.hubspot.com/changelog/upcoming-public-apps-will-require-a-redirect-url-in-the-auth-settings);
//   - a required scope missing from scope, or sent in optional_scope (documented: required scopes
//     "must be present in the scope query parameter", https://developers.hubspot.com/scopes, and
//     HubSpot's "resolve a request for integration permissions error" knowledge-base page);
//   - a scope the app does not declare (not in HubSpot's own docs; integrators report the
//     install fails, the fake follows them).
//
// Otherwise it redirects (302) to redirect_uri with code and state, or with error=access_denied
// after DenyConsent.
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.consent.mu.Lock()
	app := s.consent.currentApp()
	deny := s.consent.deny
	unavailable := slices.Clone(s.consent.unavailable)
	s.consent.mu.Unlock()

	if msg := consentProblem(app, s.opts.ClientID, q); msg != "" {
		http.Error(w, "Authorization failed: "+msg, http.StatusBadRequest)
		return
	}
	redirect, _ := url.Parse(q.Get("redirect_uri")) // consentProblem parsed it
	back := redirect.Query()
	if st := q.Get("state"); st != "" {
		back.Set("state", st)
	}
	if deny {
		back.Set("error", "access_denied")
		back.Set("error_description", "The user declined to install the app.")
	} else {
		granted := append(strings.Fields(q.Get("scope")), notIn(strings.Fields(q.Get("optional_scope")), unavailable)...)
		back.Set("code", s.consent.issue(authGrant{clientID: q.Get("client_id"), redirect: q.Get("redirect_uri"),
			scopes: granted, expires: s.now().Add(authCodeTTL)}))
	}
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// consentProblem returns why HubSpot would refuse the install that q asks for, or "".
func consentProblem(app OAuthApp, clientID string, q url.Values) string {
	if q.Get("client_id") != clientID {
		return "no app has the client_id " + q.Get("client_id") + "."
	}
	if _, err := url.Parse(q.Get("redirect_uri")); err != nil || !redirectAllowed(app.RedirectURLs, q.Get("redirect_uri")) {
		return "the redirect_uri " + q.Get("redirect_uri") + " does not match a redirect URL of the app."
	}
	const mismatch = "there is a mismatch between the scopes in the install URL and the app's scopes: "
	required, optional := strings.Fields(q.Get("scope")), strings.Fields(q.Get("optional_scope"))
	for _, sc := range app.RequiredScopes {
		if slices.Contains(optional, sc) {
			return mismatch + sc + " is required by the app and must be in scope, not in optional_scope."
		}
		if !slices.Contains(required, sc) {
			return mismatch + sc + " is required by the app but missing from scope."
		}
	}
	declared := append(slices.Clone(app.RequiredScopes), app.OptionalScopes...)
	for _, sc := range append(required, optional...) {
		if !slices.Contains(declared, sc) {
			return mismatch + sc + " is not one of the app's scopes."
		}
	}
	return ""
}

// redirectAllowed reports whether redirect is one of allowed, or any loopback URL when allowed
// is empty.
func redirectAllowed(allowed []string, redirect string) bool {
	if len(allowed) > 0 {
		return slices.Contains(allowed, redirect)
	}
	u, err := url.Parse(redirect)
	if err != nil || u.Scheme != "http" {
		return false
	}
	switch u.Hostname() {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	return false
}

// notIn returns the scopes of list that are not in drop.
func notIn(list, drop []string) []string {
	var out []string
	for _, s := range list {
		if !slices.Contains(drop, s) {
			out = append(out, s)
		}
	}
	return out
}

// issue stores g under a new random code and returns the code.
func (c *consentState) issue(g authGrant) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	code := "na1-" + hex.EncodeToString(b)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.codes == nil {
		c.codes = map[string]authGrant{}
	}
	c.codes[code] = g
	return code
}
