package fakehubspot_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

func refreshForm(id, secret, refresh string) url.Values {
	return url.Values{"grant_type": {"refresh_token"}, "client_id": {id}, "client_secret": {secret}, "refresh_token": {refresh}}
}

func TestOAuthRefreshAndExpiry(t *testing.T) {
	s, clk := start(t, fakehubspot.Options{AccessTokenTTL: 30 * time.Minute})
	r := postForm(t, s, refreshForm("test-client-id", "test-client-secret", "test-refresh-token"))
	var tok struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		ExpiresIn    int    `json:"expires_in"`
		TokenType    string `json:"token_type"`
	}
	r.json(t, &tok)
	if r.status != 200 || tok.ExpiresIn != 1800 || tok.TokenType != "bearer" || tok.RefreshToken != "test-refresh-token" || tok.AccessToken == "" {
		t.Fatalf("token: %d %s", r.status, r.body)
	}
	if r := do(t, s, "GET", "/crm/v3/properties/contacts", tok.AccessToken, nil); r.status != 200 {
		t.Fatalf("fresh token: %d", r.status)
	}
	clk.Add(32 * time.Minute)
	r = do(t, s, "GET", "/crm/v3/properties/contacts", tok.AccessToken, nil)
	e := r.errorBody(t)
	if r.status != 401 || e.Category != "EXPIRED_AUTHENTICATION" || !strings.Contains(e.Message, "expired 2 minute(s) ago") {
		t.Fatalf("expired: %d %s", r.status, r.body)
	}
}

func TestOAuthErrors(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	cases := []struct {
		name   string
		form   url.Values
		status string
	}{
		{"bad client id", refreshForm("x", "test-client-secret", "test-refresh-token"), "BAD_CLIENT_ID"},
		{"bad secret", refreshForm("test-client-id", "x", "test-refresh-token"), "BAD_CLIENT_SECRET"},
		{"bad refresh token", refreshForm("test-client-id", "test-client-secret", "x"), "BAD_REFRESH_TOKEN"},
		{"bad grant", url.Values{"grant_type": {"password"}}, "BAD_GRANT_TYPE"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := postForm(t, s, tc.form)
			e := r.errorBody(t)
			if r.status != 400 || e.Status != tc.status || e.Message == "" || e.Error == "" || e.ErrorDescription == "" {
				t.Fatalf("got %d %s", r.status, r.body)
			}
		})
	}
	s.RevokeRefreshToken(true)
	if r := postForm(t, s, refreshForm("test-client-id", "test-client-secret", "test-refresh-token")); r.status != 400 {
		t.Fatalf("revoked: %d", r.status)
	}
}

func TestBearerChecks(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	for _, tok := range []string{"", "unknown-token"} {
		r := do(t, s, "GET", "/crm/v3/objects/contacts", tok, nil)
		e := r.errorBody(t)
		if r.status != 401 || e.Category != "INVALID_AUTHENTICATION" {
			t.Fatalf("token %q: %d %s", tok, r.status, r.body)
		}
	}
	s.DenyContactsScope(true)
	r := do(t, s, "GET", "/crm/v3/objects/contacts", pat, nil)
	e := r.errorBody(t)
	if r.status != 403 || e.Category != "MISSING_SCOPES" {
		t.Fatalf("missing scope: %d %s", r.status, r.body)
	}
	s.DenyContactsScope(false)
	tok := s.IssueAccessToken()
	if r := do(t, s, "GET", "/crm/v3/objects/contacts", tok, nil); r.status != 200 {
		t.Fatalf("issued token: %d", r.status)
	}
	s.ExpireAccessTokens()
	if r := do(t, s, "GET", "/crm/v3/objects/contacts", tok, nil); r.status != 401 {
		t.Fatalf("expired by switch: %d", r.status)
	}
	if got := s.RequestsTo(fakehubspot.EndpointList); len(got) != 5 || got[4].Auth != fakehubspot.AuthOAuth {
		t.Fatalf("log: %+v", got)
	}
}

func TestOAuth2ClientCompatible(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	for _, style := range []oauth2.AuthStyle{oauth2.AuthStyleInParams, oauth2.AuthStyleAutoDetect} {
		cfg := oauth2.Config{ClientID: "test-client-id", ClientSecret: "test-client-secret",
			Endpoint: oauth2.Endpoint{TokenURL: s.URL + "/oauth/2026-03/token", AuthStyle: style}}
		tok, err := cfg.TokenSource(context.Background(), &oauth2.Token{RefreshToken: "test-refresh-token"}).Token()
		if err != nil {
			t.Fatalf("style %v: %v", style, err)
		}
		if tok.AccessToken == "" || tok.RefreshToken != "test-refresh-token" || tok.Expiry.IsZero() {
			t.Fatalf("style %v: token %+v", style, tok)
		}
	}
}
