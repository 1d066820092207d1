package authorize_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/source-hubspot/authorize"
)

// The three places that name the scopes of an OAuth install, relative to the repository root.
const (
	appFile     = "source-hubspot/hubspot-app/src/app/app-hsmeta.json"
	projectFile = "source-hubspot/hubspot-app/hsproject.json"
	authFile    = "source-hubspot/source/advanced_auth.json"
	scopesFile  = "source-hubspot/authorize/consent.go"
)

// appDefinition is the part of app-hsmeta.json the connector depends on.
type appDefinition struct {
	UID    string `json:"uid"`
	Type   string `json:"type"`
	Config struct {
		Name         string `json:"name"`
		Distribution string `json:"distribution"`
		Auth         struct {
			Type           string   `json:"type"`
			RedirectURLs   []string `json:"redirectUrls"`
			RequiredScopes []string `json:"requiredScopes"`
			OptionalScopes []string `json:"optionalScopes"`
		} `json:"auth"`
	} `json:"config"`
}

func readApp(t *testing.T) appDefinition {
	t.Helper()
	var app appDefinition
	decodeFile(t, appFile, &app)
	return app
}

func decodeFile(t *testing.T, path string, v any) {
	t.Helper()
	// Tests run in source-hubspot/authorize.
	b, err := os.ReadFile(filepath.FromSlash("../" + strings.TrimPrefix(path, "source-hubspot/")))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// consentScopes are the scopes the spec's advanced_auth asks HubSpot for: the consent URL's
// scope and optional_scope, and the separate scope field.
type consentScopes struct {
	required, optional, field []string
}

// templateRE matches Airbyte's declarative OAuth placeholders ({{client_id_param}} ...).
var templateRE = regexp.MustCompile(`\{\{[^}]*\}\}`)

func readConsent(t *testing.T) consentScopes {
	t.Helper()
	var aa struct {
		Spec struct {
			Input struct {
				ConsentURL string `json:"consent_url"`
				Scope      string `json:"scope"`
			} `json:"oauth_connector_input_specification"`
		} `json:"oauth_config_specification"`
	}
	decodeFile(t, authFile, &aa)
	u, err := url.Parse(templateRE.ReplaceAllString(aa.Spec.Input.ConsentURL, "x=y"))
	if err != nil {
		t.Fatalf("%s: consent_url: %v", authFile, err)
	}
	q := u.Query()
	for _, p := range []string{"scope", "optional_scope"} {
		if len(q[p]) != 1 {
			t.Errorf("%s: consent_url has %d %s parameters, want 1", authFile, len(q[p]), p)
		}
	}
	return consentScopes{
		required: strings.Fields(q.Get("scope")),
		optional: strings.Fields(q.Get("optional_scope")),
		field:    strings.Fields(aa.Spec.Input.Scope),
	}
}

// scopeList is one file's list of scopes, named for the error message.
type scopeList struct {
	file   string
	scopes []string
}

// agree fails t unless every source lists the same scopes (order aside), naming the file that
// differs from the others.
func agree(t *testing.T, what string, sources ...scopeList) {
	t.Helper()
	key := func(s []string) string {
		c := slices.Clone(s)
		slices.Sort(c)
		return strings.Join(c, " ")
	}
	count := map[string]int{}
	for _, s := range sources {
		count[key(s.scopes)]++
	}
	if len(count) == 1 {
		return
	}
	var listing []string
	for _, s := range sources {
		listing = append(listing, fmt.Sprintf("  %s: %q", s.file, s.scopes))
	}
	if len(sources) > 2 && len(count) == 2 {
		for _, s := range sources {
			if count[key(s.scopes)] == 1 {
				t.Errorf("%s disagree: change %s to match the others (HubSpot fails an install whose required scopes are not exactly the consent URL's scope)\n%s",
					what, s.file, strings.Join(listing, "\n"))
				return
			}
		}
	}
	t.Errorf("%s disagree: make these equal\n%s", what, strings.Join(listing, "\n"))
}

// TestScopesAgree keeps the shipped HubSpot app, the spec's consent URL and the authorize
// command asking for the same scopes: HubSpot fails an install when a scope the app requires is
// missing from the consent URL's scope parameter or is sent in optional_scope.
func TestScopesAgree(t *testing.T) {
	app := readApp(t)
	consent := readConsent(t)
	agree(t, "required scopes",
		scopeList{appFile + " config.auth.requiredScopes", app.Config.Auth.RequiredScopes},
		scopeList{authFile + " consent_url scope=", consent.required},
		scopeList{scopesFile + " RequiredScopes", authorize.RequiredScopes})
	agree(t, "consent scopes",
		scopeList{authFile + " consent_url scope=", consent.required},
		scopeList{authFile + ` "scope" field`, consent.field})
	agree(t, "optional scopes",
		scopeList{authFile + " consent_url optional_scope=", consent.optional},
		scopeList{scopesFile + " OptionalScopes", authorize.OptionalScopes})
	for _, s := range consent.optional {
		if !slices.Contains(app.Config.Auth.OptionalScopes, s) {
			t.Errorf("%s consent_url sends the optional scope %s that %s config.auth.optionalScopes lacks: add it there", authFile, s, appFile)
		}
	}
	for _, s := range app.Config.Auth.RequiredScopes {
		if slices.Contains(consent.optional, s) || slices.Contains(app.Config.Auth.OptionalScopes, s) {
			t.Errorf("%s is required by %s and also optional: HubSpot fails an install that sends a required scope in optional_scope", s, appFile)
		}
	}
	for name, list := range map[string][]string{"required": authorize.RequiredScopes, "optional": authorize.OptionalScopes} {
		if len(slices.Compact(slices.Sorted(slices.Values(list)))) != len(list) {
			t.Errorf("%s %s scopes repeat a scope: %q", scopesFile, name, list)
		}
	}
}

// TestAppDefinition checks the shipped project: platform 2026.09, a private OAuth app, and the
// redirect URLs of Airbyte's Authenticate button and of the authorize command's default port.
func TestAppDefinition(t *testing.T) {
	var project struct {
		Name            string `json:"name"`
		SrcDir          string `json:"srcDir"`
		PlatformVersion string `json:"platformVersion"`
	}
	decodeFile(t, projectFile, &project)
	if project.Name == "" || project.SrcDir != "src" || project.PlatformVersion != "2026.09" {
		t.Errorf("%s = %+v, want a name, srcDir src and platformVersion 2026.09", projectFile, project)
	}
	app := readApp(t)
	if app.UID == "" || app.Type != "app" || app.Config.Name == "" {
		t.Errorf("%s: uid %q, type %q, name %q; want a uid, type app and a name", appFile, app.UID, app.Type, app.Config.Name)
	}
	if app.Config.Distribution != "private" || app.Config.Auth.Type != "oauth" {
		t.Errorf("%s: distribution %q, auth.type %q; want private and oauth", appFile, app.Config.Distribution, app.Config.Auth.Type)
	}
	loopback := authorize.RedirectURL(authorize.DefaultPort)
	if !slices.Contains(app.Config.Auth.RedirectURLs, loopback) {
		t.Errorf("%s redirectUrls %q lack the authorize command's default redirect %s", appFile, app.Config.Auth.RedirectURLs, loopback)
	}
	airbyte := false
	for _, u := range app.Config.Auth.RedirectURLs {
		airbyte = airbyte || strings.HasSuffix(u, "/auth_flow")
	}
	if !airbyte {
		t.Errorf("%s redirectUrls %q lack Airbyte's <scheme>://<host>/auth_flow", appFile, app.Config.Auth.RedirectURLs)
	}
}

func TestConsentURL(t *testing.T) {
	got := authorize.ConsentURL("https://app.hubspot.com/oauth/authorize", "client 1", "http://localhost:3000/oauth-callback", "s+t")
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if q.Get("client_id") != "client 1" || q.Get("redirect_uri") != "http://localhost:3000/oauth-callback" || q.Get("state") != "s+t" ||
		q.Get("scope") != strings.Join(authorize.RequiredScopes, " ") || q.Get("optional_scope") != strings.Join(authorize.OptionalScopes, " ") {
		t.Errorf("consent URL %s has query %v", got, q)
	}
	if want := "scope=" + strings.Join(authorize.RequiredScopes, "%20"); !strings.Contains(u.RawQuery, want) {
		t.Errorf("consent URL %s lacks %s: scopes are separated by %%20 as in HubSpot's examples", got, want)
	}
}
