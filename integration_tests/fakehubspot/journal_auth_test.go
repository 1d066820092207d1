package fakehubspot_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

const (
	scopeRead   = "developer.webhooks_journal.read"
	scopeSubsR  = "developer.webhooks_journal.subscriptions.read"
	scopeSubsW  = "developer.webhooks_journal.subscriptions.write"
	scopeObject = "crm.objects.contacts.read"
)

var allJournalScopes = []string{scopeRead, scopeSubsR, scopeSubsW, scopeObject}

func clientCredentials(id, secret string, scopes ...string) url.Values {
	return url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret},
		"scope": {strings.Join(scopes, " ")}}
}

// appToken mints a client-credentials token at the dated token endpoint.
func appToken(t *testing.T, s *fakehubspot.Server, scopes ...string) string {
	t.Helper()
	r := postForm(t, s, clientCredentials("test-client-id", "test-client-secret", scopes...))
	var tok struct {
		AccessToken  string   `json:"access_token"`
		RefreshToken string   `json:"refresh_token"`
		ExpiresIn    int      `json:"expires_in"`
		TokenType    string   `json:"token_type"`
		Scopes       []string `json:"scopes"`
	}
	r.json(t, &tok)
	if r.status != 200 || tok.AccessToken == "" || tok.RefreshToken != "" || tok.ExpiresIn != 1800 || len(tok.Scopes) != len(scopes) {
		t.Fatalf("client credentials: %d %s", r.status, r.body)
	}
	return tok.AccessToken
}

func TestClientCredentialsGrant(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	cases := []struct {
		name, status, code string
		form               url.Values
	}{
		{"bad client id", "BAD_CLIENT_ID", "invalid_client", clientCredentials("x", "test-client-secret", scopeRead)},
		{"bad secret", "BAD_CLIENT_SECRET", "invalid_client", clientCredentials("test-client-id", "x", scopeRead)},
		{"scope the app lacks", "BAD_SCOPES", "invalid_scope", clientCredentials("test-client-id", "test-client-secret", scopeRead, "crm.objects.deals.read")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := postForm(t, s, tc.form)
			if e := r.errorBody(t); r.status != 400 || e.Status != tc.status || e.Error != tc.code {
				t.Fatalf("%d %s", r.status, r.body)
			}
		})
	}
	tok := appToken(t, s, allJournalScopes...)
	if s.AppTokensIssued() != 1 || s.TokensIssued() != 0 {
		t.Errorf("issued %d app and %d user tokens, want 1 and 0", s.AppTokensIssued(), s.TokensIssued())
	}
	// An app token is not a user token: the CRM endpoints do not know it.
	if r := do(t, s, "GET", "/crm/objects/2026-09/contacts", tok, nil); r.status != 401 {
		t.Errorf("app token on the list endpoint: %d", r.status)
	}
	if r := do(t, s, "GET", "/webhooks-journal/subscriptions/2026-03", tok, nil); r.status != 200 || string(r.body) != `{"results":[]}` {
		t.Errorf("app token on subscriptions, none yet: %d %s", r.status, r.body)
	}
	if got := s.RequestsTo(fakehubspot.EndpointJournalSubscriptions); len(got) != 1 || got[0].Auth != fakehubspot.AuthApp {
		t.Errorf("log %+v", got)
	}
}

func TestClientCredentialsRefusedForLegacyApp(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{Journal: fakehubspot.JournalOptions{LegacyApp: true}})
	r := postForm(t, s, clientCredentials("test-client-id", "test-client-secret", scopeRead))
	if e := r.errorBody(t); r.status != 400 || e.Error != "unsupported_grant_type" {
		t.Fatalf("%d %s", r.status, r.body)
	}
}

func TestJournalRefusesOtherTokens(t *testing.T) {
	s, clk := start(t, fakehubspot.Options{})
	user := s.IssueAccessToken()
	readOnly := appToken(t, s, scopeSubsR)
	cases := []struct {
		name, token, path, category string
		status                      int
	}{
		{"private app", pat, "/webhooks-journal/journal-local/2026-03/latest", "MISSING_SCOPES", 403},
		{"user token", user, "/webhooks-journal/journal-local/2026-03/latest", "MISSING_SCOPES", 403},
		{"no token", "", "/webhooks-journal/journal-local/2026-03/latest", "INVALID_AUTHENTICATION", 401},
		{"unknown token", "nope", "/webhooks-journal/subscriptions/2026-03", "INVALID_AUTHENTICATION", 401},
		{"token without the read scope", readOnly, "/webhooks-journal/journal-local/2026-03/latest", "MISSING_SCOPES", 403},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, s, "GET", tc.path, tc.token, nil)
			if e := r.errorBody(t); r.status != tc.status || e.Category != tc.category {
				t.Fatalf("%d %s", r.status, r.body)
			}
		})
	}
	r := do(t, s, "POST", "/webhooks-journal/subscriptions/2026-03", readOnly, subscription(fakehubspot.ActionDelete))
	if e := r.errorBody(t); r.status != 403 || !strings.Contains(string(r.body), scopeSubsW) || e.Category != "MISSING_SCOPES" {
		t.Errorf("create with a read-only token: %d %s", r.status, r.body)
	}
	noObject := appToken(t, s, scopeSubsW)
	if r := do(t, s, "POST", "/webhooks-journal/subscriptions/2026-03", noObject, subscription(fakehubspot.ActionDelete)); r.status != 403 ||
		!strings.Contains(string(r.body), scopeObject) {
		t.Errorf("create without the contacts scope: %d %s", r.status, r.body)
	}
	clk.Add(31 * time.Minute)
	r = do(t, s, "GET", "/webhooks-journal/subscriptions/2026-03", readOnly, nil)
	if e := r.errorBody(t); r.status != 401 || e.Category != "EXPIRED_AUTHENTICATION" {
		t.Errorf("expired app token: %d %s", r.status, r.body)
	}
	fresh := appToken(t, s, scopeSubsR)
	s.ExpireAppTokens()
	if r := do(t, s, "GET", "/webhooks-journal/subscriptions/2026-03", fresh, nil); r.status != 401 {
		t.Errorf("ExpireAppTokens: %d", r.status)
	}
}
