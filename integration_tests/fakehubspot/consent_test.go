package fakehubspot_test

import (
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

const callback = "http://localhost:3000/oauth-callback"

// consentQuery is an install URL's query as the repository's app asks for it.
func consentQuery(scope, optional string) url.Values {
	return url.Values{"client_id": {"test-client-id"}, "redirect_uri": {callback}, "state": {"st-1"},
		"scope": {scope}, "optional_scope": {optional}}
}

var (
	requiredScopes = "oauth crm.objects.contacts.read"
	optionalScopes = "behavioral_events.event_definitions.read_write crm.lists.read"
)

// consent opens the consent page without following its redirect.
func consent(t *testing.T, s *fakehubspot.Server, q url.Values) (status int, location *url.URL, body string) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(s.URL + "/oauth/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode == http.StatusFound {
		if location, err = res.Location(); err != nil {
			t.Fatal(err)
		}
	}
	return res.StatusCode, location, string(b)
}

// codeForm is an authorization-code grant.
func codeForm(secret, code, redirect string) url.Values {
	return url.Values{"grant_type": {"authorization_code"}, "client_id": {"test-client-id"}, "client_secret": {secret},
		"code": {code}, "redirect_uri": {redirect}}
}

func TestConsentAndCodeExchange(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	s.SetUnavailableScopes("behavioral_events.event_definitions.read_write")
	status, loc, body := consent(t, s, consentQuery(requiredScopes, optionalScopes))
	if status != http.StatusFound {
		t.Fatalf("consent: %d %s", status, body)
	}
	code := loc.Query().Get("code")
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != callback || loc.Query().Get("state") != "st-1" || code == "" {
		t.Fatalf("redirect to %s", loc)
	}
	r := postForm(t, s, codeForm("test-client-secret", code, callback))
	var tok struct {
		AccessToken  string   `json:"access_token"`
		RefreshToken string   `json:"refresh_token"`
		ExpiresIn    int      `json:"expires_in"`
		HubID        int64    `json:"hub_id"`
		Scopes       []string `json:"scopes"`
	}
	r.json(t, &tok)
	wantScopes := []string{"oauth", "crm.objects.contacts.read", "crm.lists.read"}
	if r.status != 200 || tok.RefreshToken != "test-refresh-token" || tok.ExpiresIn != 1800 || tok.HubID != fakehubspot.DefaultPortalID ||
		!slices.Equal(tok.Scopes, wantScopes) {
		t.Fatalf("exchange: %d %s (want scopes %q)", r.status, r.body, wantScopes)
	}
	if r := do(t, s, "GET", "/crm/properties/2026-09/contacts", tok.AccessToken, nil); r.status != 200 {
		t.Errorf("the exchanged access token is refused: %d", r.status)
	}
	if r := postForm(t, s, refreshForm("test-client-id", "test-client-secret", tok.RefreshToken)); r.status != 200 {
		t.Errorf("the exchanged refresh token is refused: %d %s", r.status, r.body)
	}
	if e := postForm(t, s, codeForm("test-client-secret", code, callback)).errorBody(t); e.Status != "BAD_AUTH_CODE" || e.Error != "invalid_grant" {
		t.Errorf("a code exchanged twice: %+v", e)
	}
}

func TestConsentRefusals(t *testing.T) {
	for _, tc := range []struct {
		name string
		app  *fakehubspot.OAuthApp
		q    url.Values
		want string
	}{
		{name: "unknown client", q: func() url.Values {
			q := consentQuery(requiredScopes, optionalScopes)
			q.Set("client_id", "other")
			return q
		}(), want: "client_id other"},
		{name: "required scope missing from scope", q: consentQuery("crm.objects.contacts.read", optionalScopes),
			want: "oauth is required by the app but missing from scope"},
		{name: "required scope sent as optional", q: consentQuery("crm.objects.contacts.read", "oauth "+optionalScopes),
			want: "oauth is required by the app and must be in scope, not in optional_scope"},
		{name: "scope the app does not declare", q: consentQuery(requiredScopes, "crm.objects.deals.read"),
			want: "crm.objects.deals.read is not one of the app's scopes"},
		{name: "redirect not registered", app: &fakehubspot.OAuthApp{RedirectURLs: []string{"http://localhost:3001/oauth-callback"},
			RequiredScopes: strings.Fields(requiredScopes), OptionalScopes: strings.Fields(optionalScopes)},
			q: consentQuery(requiredScopes, optionalScopes), want: "redirect_uri " + callback + " does not match"},
		{name: "remote redirect without a registered list", q: func() url.Values {
			q := consentQuery(requiredScopes, optionalScopes)
			q.Set("redirect_uri", "https://evil.example.com/cb")
			return q
		}(), want: "does not match a redirect URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := start(t, fakehubspot.Options{})
			if tc.app != nil {
				s.SetOAuthApp(*tc.app)
			}
			status, loc, body := consent(t, s, tc.q)
			if status != http.StatusBadRequest || loc != nil || !strings.Contains(body, tc.want) {
				t.Errorf("got %d %v %q, want 400 containing %q", status, loc, body, tc.want)
			}
		})
	}
}

func TestConsentRegisteredRedirectAndDenial(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	s.SetOAuthApp(fakehubspot.OAuthApp{RedirectURLs: []string{callback}, RequiredScopes: []string{"oauth"}})
	s.DenyConsent(true)
	status, loc, body := consent(t, s, consentQuery("oauth", ""))
	if status != http.StatusFound {
		t.Fatalf("consent: %d %s", status, body)
	}
	if q := loc.Query(); q.Get("error") != "access_denied" || q.Get("state") != "st-1" || q.Has("code") {
		t.Errorf("denied consent redirects to %s", loc)
	}
}

func TestCodeExchangeErrors(t *testing.T) {
	s, clk := start(t, fakehubspot.Options{})
	newCode := func() string {
		_, loc, body := consent(t, s, consentQuery(requiredScopes, optionalScopes))
		if loc == nil {
			t.Fatalf("no redirect: %s", body)
		}
		return loc.Query().Get("code")
	}
	for _, tc := range []struct {
		name        string
		form        func() url.Values
		code, state string
	}{
		{"wrong secret", func() url.Values { return codeForm("wrong", newCode(), callback) }, "invalid_client", "BAD_CLIENT_SECRET"},
		{"unknown code", func() url.Values { return codeForm("test-client-secret", "nope", callback) }, "invalid_grant", "BAD_AUTH_CODE"},
		{"other redirect", func() url.Values {
			return codeForm("test-client-secret", newCode(), "http://localhost:3001/oauth-callback")
		},
			"invalid_grant", "BAD_REDIRECT_URI"},
		{"expired code", func() url.Values {
			c := newCode()
			clk.Add(11 * time.Minute)
			return codeForm("test-client-secret", c, callback)
		}, "invalid_grant", "BAD_AUTH_CODE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := postForm(t, s, tc.form())
			if e := r.errorBody(t); r.status != 400 || e.Error != tc.code || e.Status != tc.state || e.ErrorDescription == "" {
				t.Errorf("got %d %s, want %s %s", r.status, r.body, tc.code, tc.state)
			}
		})
	}
}
