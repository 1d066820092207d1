package fakehubspot

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

type authState struct {
	mu      sync.Mutex
	seq     int
	tokens  map[string]time.Time // access token -> expiry
	revoked bool
}

func newAuthState() *authState { return &authState{tokens: map[string]time.Time{}} }

// tokenResponse is the refresh answer (HubSpot's OAuth token reference; the 2026-03 endpoint
// requires token_use too, https://developers.hubspot.com/changelog/v1-oauth-api-deprecation; its
// value is not documented, the fake guesses "access_token").
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int    `json:"expires_in"`
	TokenType    string `json:"token_type"`
	TokenUse     string `json:"token_use"`
}

// oauthError is the token endpoints' error shape: RFC 6749 error and error_description plus
// HubSpot's legacy status word and message, which both endpoints keep sending (hubspot-peers.md
// §2.1), e.g. {"error":"invalid_grant","error_description":"missing or invalid refresh token",
// "status":"BAD_REFRESH_TOKEN","message":"missing or invalid refresh token"}. Which RFC code
// goes with which legacy status is the fake's guess (invalid_client for client id and secret,
// invalid_grant for the refresh token, unsupported_grant_type, invalid_request).
type oauthError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	Status           string `json:"status"`
	Message          string `json:"message"`
	CorrelationID    string `json:"correlationId"`
}

// handleToken serves POST /oauth/2026-03/token and the legacy /oauth/v1/token. The client
// credentials and the refresh token must be in the form body (HubSpot documents only that):
// HTTP Basic alone is refused with BAD_CLIENT_ID, and parameters in the query with
// invalid_request ("every parameter in the body, not as query parameters").
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	bad := func(code, status, msg string) {
		writeJSON(w, http.StatusBadRequest, oauthError{code, msg, status, msg, newCorrelationID()})
	}
	if r.URL.RawQuery != "" {
		bad("invalid_request", "BAD_REQUEST", "token parameters must be sent in the form body, not the query")
		return
	}
	if err := r.ParseForm(); err != nil {
		bad("invalid_request", "BAD_REQUEST", "invalid form body")
		return
	}
	f := r.PostForm
	switch f.Get("grant_type") {
	case "client_credentials":
		s.handleClientCredentials(w, f) // journal_auth.go
		return
	case "authorization_code":
		s.handleAuthorizationCode(w, f) // authcode.go
		return
	}
	switch {
	case f.Get("grant_type") != "refresh_token":
		bad("unsupported_grant_type", "BAD_GRANT_TYPE", "missing or unknown grant type")
	case f.Get("client_id") != s.opts.ClientID:
		bad("invalid_client", "BAD_CLIENT_ID", "missing or unknown client id")
	case f.Get("client_secret") != s.opts.ClientSecret:
		bad("invalid_client", "BAD_CLIENT_SECRET", "missing or invalid client secret")
	case f.Get("refresh_token") != s.opts.RefreshToken || s.auth.isRevoked():
		bad("invalid_grant", "BAD_REFRESH_TOKEN", "missing or invalid refresh token")
	default:
		tok := s.auth.issue(s.now().Add(s.opts.AccessTokenTTL))
		writeJSON(w, http.StatusOK, tokenResponse{AccessToken: tok, RefreshToken: s.opts.RefreshToken,
			ExpiresIn: int(s.opts.AccessTokenTTL / time.Second), TokenType: "bearer", TokenUse: "access_token"})
	}
}

func (a *authState) issue(expiry time.Time) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.seq++
	tok := fmt.Sprintf("CJ%06dEAEYAiDxqLgZKN2zlYnmLBICAQIYgZXFLyCWp1Yoy", a.seq)
	a.tokens[tok] = expiry
	return tok
}

func (a *authState) isRevoked() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.revoked
}

// authenticate checks the bearer token; on failure it writes HubSpot's 401 and returns false.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || tok == "" {
		writeError(w, http.StatusUnauthorized, "INVALID_AUTHENTICATION", "Authentication credentials not found. "+
			"This API supports OAuth 2.0 authentication and you can find more details at "+
			"https://developers.hubspot.com/docs/methods/auth/oauth-overview")
		return AuthNone, false
	}
	if tok == s.opts.PrivateAppToken {
		return AuthPrivateApp, true
	}
	s.auth.mu.Lock()
	exp, known := s.auth.tokens[tok]
	s.auth.mu.Unlock()
	if !known {
		writeError(w, http.StatusUnauthorized, "INVALID_AUTHENTICATION", "Authentication credentials not found. "+
			"This API supports OAuth 2.0 authentication and you can find more details at "+
			"https://developers.hubspot.com/docs/methods/auth/oauth-overview")
		return AuthNone, false
	}
	if now := s.now(); !now.Before(exp) {
		mins := int(now.Sub(exp) / time.Minute)
		writeError(w, http.StatusUnauthorized, "EXPIRED_AUTHENTICATION",
			fmt.Sprintf("The OAuth token used to make this call expired %d minute(s) ago.", mins))
		return AuthOAuth, false
	}
	return AuthOAuth, true
}

// IssueAccessToken returns a fresh OAuth access token (expiring after AccessTokenTTL by Clock),
// as if the token endpoint had been called.
func (s *Server) IssueAccessToken() string {
	return s.auth.issue(s.now().Add(s.opts.AccessTokenTTL))
}

// ExpireAccessTokens makes every issued access token expired from now on.
func (s *Server) ExpireAccessTokens() {
	s.auth.mu.Lock()
	defer s.auth.mu.Unlock()
	past := s.now().Add(-time.Second)
	for k := range s.auth.tokens {
		s.auth.tokens[k] = past
	}
}

// RevokeRefreshToken makes the token endpoint reject the refresh token (BAD_REFRESH_TOKEN), as
// after an app uninstall. revoked=false restores it.
func (s *Server) RevokeRefreshToken(revoked bool) {
	s.auth.mu.Lock()
	defer s.auth.mu.Unlock()
	s.auth.revoked = revoked
}

// TokensIssued returns how many OAuth access tokens have been issued.
func (s *Server) TokensIssued() int {
	s.auth.mu.Lock()
	defer s.auth.mu.Unlock()
	return s.auth.seq
}
