package fakehubspot

import (
	"net/http"
	"net/url"
	"time"
)

// authCodeResponse is the answer to an authorization-code grant: the refresh answer plus the
// portal and the granted scopes, which HubSpot's 2026-03 token schema lists as optional fields
// (hub_id, scopes). That scopes is an array of strings is the fake's guess.
type authCodeResponse struct {
	tokenResponse
	HubID  int64    `json:"hub_id"`
	Scopes []string `json:"scopes"`
}

// handleAuthorizationCode answers grant_type=authorization_code on the token endpoints (form
// fields client_id, client_secret, code, redirect_uri; handleToken has already refused a query).
// A code is exchanged once (a failed attempt uses it up too), before authCodeTTL, with the redirect_uri of its consent (RFC 6749
// section 4.1.3). The refresh token is Options.RefreshToken, which the refresh grant accepts:
// the fake has one install, and a new consent makes a revoked refresh token valid again.
// Errors use the RFC 6749 codes and HubSpot's legacy statuses; BAD_AUTH_CODE and
// BAD_REDIRECT_URI are the v1 endpoint's statuses, which the fake assumes the 2026-03 one keeps.
func (s *Server) handleAuthorizationCode(w http.ResponseWriter, f url.Values) {
	bad := func(code, status, msg string) {
		writeJSON(w, http.StatusBadRequest, oauthError{code, msg, status, msg, newCorrelationID()})
	}
	switch {
	case f.Get("client_id") != s.opts.ClientID:
		bad("invalid_client", "BAD_CLIENT_ID", "missing or unknown client id")
		return
	case f.Get("client_secret") != s.opts.ClientSecret:
		bad("invalid_client", "BAD_CLIENT_SECRET", "missing or invalid client secret")
		return
	}
	g, ok := s.consent.take(f.Get("code"), s.now())
	switch {
	case !ok:
		bad("invalid_grant", "BAD_AUTH_CODE", "missing or unknown auth code")
	case g.redirect != f.Get("redirect_uri"):
		bad("invalid_grant", "BAD_REDIRECT_URI", "redirect_uri does not match the one of the authorization request")
	default:
		s.RevokeRefreshToken(false)
		tok := s.auth.issue(s.now().Add(s.opts.AccessTokenTTL))
		writeJSON(w, http.StatusOK, authCodeResponse{
			tokenResponse: tokenResponse{AccessToken: tok, RefreshToken: s.opts.RefreshToken,
				ExpiresIn: int(s.opts.AccessTokenTTL / time.Second), TokenType: "bearer", TokenUse: "access_token"},
			HubID: s.opts.PortalID, Scopes: g.scopes,
		})
	}
}

// take returns the grant of code if it is known and not expired, and uses the code up: an
// authenticated client gets one attempt per code.
func (c *consentState) take(code string, now time.Time) (authGrant, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	g, ok := c.codes[code]
	delete(c.codes, code)
	return g, ok && now.Before(g.expires)
}
