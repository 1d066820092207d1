package fakehubspot

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// AuthApp is the request-log kind of an app token from the client-credentials grant.
const AuthApp = "app"

// appToken is a client-credentials token: app-level, with the scopes it was asked for.
type appToken struct {
	expiry time.Time
	scopes []string
}

// clientCredentialsResponse is the client-credentials answer: an access token without a refresh
// token (RFC 6749 §4.4.3) and the scopes granted (HubSpot's token answers carry "scopes" since
// https://developers.hubspot.com/changelog/additional-details-returned-when-generating-oauth-access-tokens).
type clientCredentialsResponse struct {
	AccessToken string   `json:"access_token"`
	ExpiresIn   int      `json:"expires_in"`
	TokenType   string   `json:"token_type"`
	Scopes      []string `json:"scopes"`
}

// handleClientCredentials answers grant_type=client_credentials on the token endpoint (form
// client_id, client_secret and scope, space-separated), the grant of the webhooks journal
// (https://developers.hubspot.com/docs/api-reference/latest/webhooks-journal/guide, "Authentication
// and scopes"). The token is app-level: the journal and subscription endpoints take it, the CRM
// endpoints answer it 401 as an unknown token (guessed), and it lives AccessTokenTTL. A scope the
// app does not have (JournalOptions.AppScopes) is refused with invalid_scope (body guessed); a
// token asked for without scopes gets none and is refused by every journal endpoint with 403
// MISSING_SCOPES.
func (s *Server) handleClientCredentials(w http.ResponseWriter, f url.Values) {
	bad := func(code, status, msg string) {
		writeJSON(w, http.StatusBadRequest, oauthError{code, msg, status, msg, newCorrelationID()})
	}
	scopes := strings.Fields(f.Get("scope"))
	switch {
	case s.opts.Journal.LegacyApp:
		bad("unsupported_grant_type", "BAD_GRANT_TYPE", "client credentials are not available for this app")
		return
	case f.Get("client_id") != s.opts.ClientID:
		bad("invalid_client", "BAD_CLIENT_ID", "missing or unknown client id")
		return
	case f.Get("client_secret") != s.opts.ClientSecret:
		bad("invalid_client", "BAD_CLIENT_SECRET", "missing or invalid client secret")
		return
	}
	for _, sc := range scopes {
		if !slices.Contains(s.opts.Journal.AppScopes, sc) {
			bad("invalid_scope", "BAD_SCOPES", fmt.Sprintf("the app does not have scope %q", sc))
			return
		}
	}
	tok := s.IssueAppToken(scopes...)
	writeJSON(w, http.StatusOK, clientCredentialsResponse{AccessToken: tok, ExpiresIn: int(s.opts.AccessTokenTTL / time.Second),
		TokenType: "bearer", Scopes: orEmpty(scopes)})
}

// IssueAppToken returns a fresh client-credentials token with the given scopes (expiring after
// AccessTokenTTL by Clock), as if the token endpoint had been called.
func (s *Server) IssueAppToken(scopes ...string) string {
	j := s.jr
	j.mu.Lock()
	defer j.mu.Unlock()
	j.issued++
	tok := fmt.Sprintf("CNapp%06dEAEYAiDxqLgZKN2zlYnmLBICAQIYgZXFLyCWp1Yoy", j.issued)
	j.tokens[tok] = appToken{expiry: s.now().Add(s.opts.AccessTokenTTL), scopes: slices.Clone(scopes)}
	return tok
}

// AppTokensIssued returns how many client-credentials tokens have been issued.
func (s *Server) AppTokensIssued() int {
	s.jr.mu.Lock()
	defer s.jr.mu.Unlock()
	return s.jr.issued
}

// ExpireAppTokens makes every issued client-credentials token expired from now on.
func (s *Server) ExpireAppTokens() {
	s.jr.mu.Lock()
	defer s.jr.mu.Unlock()
	past := s.now().Add(-time.Second)
	for k, t := range s.jr.tokens {
		t.expiry = past
		s.jr.tokens[k] = t
	}
}

func bearer(r *http.Request) string {
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return tok
}

// tokenHas reports whether the app token tok carries scope.
func (j *journal) tokenHas(tok, scope string) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return slices.Contains(j.tokens[tok].scopes, scope)
}

// authenticateFor authenticates a request to ep: the journal endpoints take app tokens only,
// every other endpoint user and private-app tokens (authenticate).
func (s *Server) authenticateFor(ep Endpoint, w http.ResponseWriter, r *http.Request) (string, bool) {
	var scope string
	switch ep {
	case EndpointJournal:
		scope = "developer.webhooks_journal.read"
	case EndpointJournalSubscriptions:
		scope = "developer.webhooks_journal.subscriptions.write"
		if r.Method == http.MethodGet {
			scope = "developer.webhooks_journal.subscriptions.read"
		}
	default:
		return s.authenticate(w, r)
	}
	return s.authenticateApp(w, r, scope)
}

// authenticateApp checks an app token and its scope. An OAuth user token or a private-app
// (service key) token is refused 403 MISSING_SCOPES naming the scope: HubSpot documents that the
// journal needs a client-credentials token and that service keys cannot use it, not the answer
// (guessed). Missing or unknown tokens get 401 INVALID_AUTHENTICATION, expired ones 401
// EXPIRED_AUTHENTICATION, as on the CRM endpoints.
func (s *Server) authenticateApp(w http.ResponseWriter, r *http.Request, scope string) (string, bool) {
	tok := bearer(r)
	s.jr.mu.Lock()
	t, known := s.jr.tokens[tok]
	s.jr.mu.Unlock()
	if !known {
		if s.isUserToken(tok) {
			writeMissingScopes(w, scope)
			return AuthNone, false
		}
		return s.authenticate(w, r) // 401 for a missing or unknown token
	}
	if now := s.now(); !now.Before(t.expiry) {
		writeError(w, http.StatusUnauthorized, "EXPIRED_AUTHENTICATION",
			fmt.Sprintf("The OAuth token used to make this call expired %d minute(s) ago.", int(now.Sub(t.expiry)/time.Minute)))
		return AuthApp, false
	}
	if !slices.Contains(t.scopes, scope) {
		writeMissingScopes(w, scope)
		return AuthApp, false
	}
	return AuthApp, true
}

// isUserToken reports whether tok is the private-app token or an issued OAuth user token.
func (s *Server) isUserToken(tok string) bool {
	if tok == "" {
		return false
	}
	if tok == s.opts.PrivateAppToken {
		return true
	}
	s.auth.mu.Lock()
	defer s.auth.mu.Unlock()
	_, ok := s.auth.tokens[tok]
	return ok
}
