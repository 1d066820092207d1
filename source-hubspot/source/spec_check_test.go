package source

import (
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/protocol/protocoltest"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// walkOneOf calls fn for every oneOf list in a schema.
func walkOneOf(v any, fn func(path string, options []any)) {
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if o, ok := x["oneOf"].([]any); ok {
				fn(path, o)
			}
			for k, c := range x {
				walk(path+"."+k, c)
			}
		case []any:
			for _, c := range x {
				walk(path, c)
			}
		}
	}
	walk("", v)
}

func TestSpecFollowsAirbyteRules(t *testing.T) {
	sp, err := New().Spec(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(sp.ConnectionSpecification, &schema); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(sp.ConnectionSpecification), "$ref") {
		t.Error("spec uses $ref")
	}
	walkOneOf(schema, func(path string, options []any) {
		seen := map[string]bool{}
		for _, o := range options {
			props := o.(map[string]any)["properties"].(map[string]any)
			consts := 0
			for _, p := range props {
				if c, ok := p.(map[string]any)["const"]; ok {
					consts++
					if seen[c.(string)] {
						t.Errorf("%s: duplicate const %v", path, c)
					}
					seen[c.(string)] = true
				}
			}
			if consts != 1 {
				t.Errorf("%s: option has %d const properties, want 1", path, consts)
			}
		}
	})
	secrets := protocol.SecretNames(schema)
	for _, s := range []string{"client_secret", "refresh_token", "access_token", "alert_webhook_url"} {
		if !secrets[s] {
			t.Errorf("%s is not marked airbyte_secret", s)
		}
	}
	var aa map[string]any
	if err := json.Unmarshal(sp.AdvancedAuth, &aa); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"https://app.hubspot.com/oauth/authorize", "https://api.hubapi.com/oauth/2026-03/token", "crm.objects.contacts.read"} {
		if !strings.Contains(string(sp.AdvancedAuth), want) {
			t.Errorf("advanced_auth lacks %s", want)
		}
	}
	for _, cfg := range []string{
		`{"credentials":{"credentials_title":"OAuth Credentials","client_id":"a","client_secret":"b","refresh_token":"c"},"start_date":"2024-01-01T00:00:00Z","sync_target":{"mode":"list_contacts"},"page_size":200,"lookback_minutes":5,"api_base_url":"https://api.hubapi.com"}`,
		`{"credentials":{"credentials_title":"Private App Credentials","access_token":"pat"},"sync_target":{"mode":"get_contact","contact_id":"a@b.com","id_property":"email"},"event_contact_properties":["email"],"alert_webhook_url":"https://hooks.example.com/x"}`,
	} {
		if err := protocol.ValidateConfig(sp.ConnectionSpecification, json.RawMessage(cfg)); err != nil {
			t.Errorf("valid config rejected: %v\n%s", err, cfg)
		}
		if _, err := ParseConfig(json.RawMessage(cfg)); err != nil {
			t.Errorf("ParseConfig: %v", err)
		}
	}
	for _, cfg := range []string{
		`{"credentials":{"credentials_title":"OAuth Credentials","client_id":"a","client_secret":"b","refresh_token":"c"},"start_date":"2024-01-01"}`,
		`{"credentials":{"credentials_title":"Private App Credentials","access_token":"pat"},"page_size":500}`,
	} {
		if err := protocol.ValidateConfig(sp.ConnectionSpecification, json.RawMessage(cfg)); err == nil {
			t.Errorf("invalid config accepted: %s", cfg)
		}
	}
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name     string
		creds    map[string]any
		baseURL  string
		version  string
		setup    func(*hubFake)
		status   string
		contains string
	}{
		{name: "oauth ok", status: "SUCCEEDED"},
		{name: "private app ok", creds: map[string]any{"credentials_title": "Private App Credentials", "access_token": "pat-static"}, status: "SUCCEEDED"},
		{name: "bad refresh token", creds: map[string]any{"credentials_title": "OAuth Credentials", "client_id": "client", "client_secret": "secret", "refresh_token": "refresh-old"},
			status: "FAILED", contains: "refused the refresh token (HTTP 400 invalid_grant BAD_REFRESH_TOKEN: missing or invalid refresh token): it was revoked"},
		{name: "bad client secret", creds: map[string]any{"credentials_title": "OAuth Credentials", "client_id": "client", "client_secret": "wrong", "refresh_token": "refresh-good"},
			status: "FAILED", contains: "refused the OAuth client (HTTP 400 invalid_client BAD_CLIENT_SECRET: missing or invalid client secret): check credentials.client_id and credentials.client_secret"},
		{name: "bad client id", creds: map[string]any{"credentials_title": "OAuth Credentials", "client_id": "other", "client_secret": "secret", "refresh_token": "refresh-good"},
			status: "FAILED", contains: "refused the OAuth client (HTTP 400 invalid_client BAD_CLIENT_ID"},
		{name: "rfc 6749 fields only", setup: func(f *hubFake) {
			f.failFirst(pathToken, 100, 400, http.Header{"Content-Type": {"application/json"}},
				`{"error":"invalid_grant","error_description":"refresh token was revoked"}`)
		}, status: "FAILED", contains: "refused the refresh token (HTTP 400 invalid_grant: refresh token was revoked)"},
		{name: "custom token url", creds: map[string]any{"credentials_title": "OAuth Credentials", "client_id": "client",
			"client_secret": "secret", "refresh_token": "refresh-good", "token_url": "{base}" + hubspot.TokenPath}, status: "SUCCEEDED"},
		{name: "wrong custom token url", creds: map[string]any{"credentials_title": "OAuth Credentials", "client_id": "client",
			"client_secret": "secret", "refresh_token": "refresh-good", "token_url": "{base}/oauth/token"},
			status: "FAILED", contains: "(HTTP 404: Unable to find a resource for POST /oauth/token): check credentials.token_url"},
		{name: "token url over http", creds: map[string]any{"credentials_title": "OAuth Credentials", "client_id": "client",
			"client_secret": "secret", "refresh_token": "refresh-good", "token_url": "http://idp.example.com/token"},
			status: "FAILED", contains: "credentials.token_url must use https"},
		{name: "version not served", version: "2031-03", status: "FAILED",
			contains: `HubSpot does not serve api_version "2031-03" (HTTP 404 for GET /crm/objects/2031-03/contacts): set api_version`},
		{name: "version malformed", version: "v3", status: "FAILED", contains: "api_version"},
		{name: "beta version", version: "2027-03-beta", status: "SUCCEEDED"},
		{name: "bad static token", creds: map[string]any{"credentials_title": "Private App Credentials", "access_token": "pat-old"}, status: "FAILED", contains: "access token"},
		{name: "missing scope", setup: func(f *hubFake) {
			f.failFirst(pathList, 100, 403, http.Header{"Content-Type": {"application/json"}},
				`{"status":"error","message":"This app hasn't been granted all required scopes to make this call.","category":"MISSING_SCOPES","correlationId":"corr-123"}`)
		}, status: "FAILED", contains: "crm.objects.contacts.read"},
		{name: "plain http", baseURL: "http://api.example.com", status: "FAILED", contains: "api_base_url"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			if tc.creds != nil {
				if u, ok := tc.creds["token_url"].(string); ok {
					tc.creds["token_url"] = strings.Replace(u, "{base}", e.fake.URL, 1)
				}
				e.cfg["credentials"] = tc.creds
			}
			if tc.version != "" {
				e.cfg["api_version"] = tc.version
			}
			if tc.baseURL != "" {
				e.cfg["api_base_url"] = tc.baseURL
			}
			if tc.setup != nil {
				tc.setup(e.fake)
			}
			res := e.run("check", "--config", e.writeFile("config.json", e.cfg))
			var st []string
			for _, m := range res.msgs {
				if m.ConnectionStatus != nil {
					st = append(st, m.ConnectionStatus.Status)
					if !strings.Contains(m.ConnectionStatus.Message, tc.contains) {
						t.Errorf("message %q does not contain %q", m.ConnectionStatus.Message, tc.contains)
					}
					if strings.Contains(m.ConnectionStatus.Message, "secret\"") || strings.Contains(m.ConnectionStatus.Message, accessTokenMark) {
						t.Errorf("message leaks a secret: %q", m.ConnectionStatus.Message)
					}
				}
			}
			if diff := cmp.Diff([]string{tc.status}, st); diff != "" || res.code != 0 {
				t.Errorf("exit %d, statuses (-want +got):\n%s", res.code, diff)
			}
		})
	}
}

func TestDiscoverGoldenCatalog(t *testing.T) {
	e := newEnv(t)
	e.fake.AddEventDefinitions(fakehubspot.EventDefinition{
		ID: "1", Name: "newsletter_signup", FullyQualifiedName: "pe123456_newsletter_signup",
		Properties: []fakehubspot.Property{{Name: "source_page", Label: "Source page", Type: "string"},
			{Name: "amount", Label: "Amount", Type: "number"}, {Name: "confirmed", Type: "bool"}},
	})
	res := e.run("discover", "--config", e.writeFile("config.json", e.cfg))
	var got json.RawMessage
	for _, m := range res.msgs {
		if m.Catalog != nil {
			got, _ = json.MarshalIndent(m.Catalog, "", "  ")
		}
	}
	if got == nil {
		t.Fatalf("no catalog: %+v", res.msgs)
	}
	protocoltest.Golden(t, filepath.Join("..", "testdata", "catalog.json"), append(got, '\n'), *update)
}

func TestDiscoverWithoutEventAccessWarns(t *testing.T) {
	e := newEnv(t)
	e.fake.DenyEvents(true)
	res := e.run("discover", "--config", e.writeFile("config.json", e.cfg))
	if res.code != 0 {
		t.Fatalf("exit %d", res.code)
	}
	var names []string
	for _, m := range res.msgs {
		if m.Catalog != nil {
			for _, s := range m.Catalog.Streams {
				names = append(names, s.Name)
			}
		}
	}
	if diff := cmp.Diff([]string{"contacts", "list_memberships"}, names); diff != "" {
		t.Errorf("streams (-want +got):\n%s", diff)
	}
	warn := res.logs("WARN")
	if len(warn) != 1 || !strings.Contains(warn[0], "events") || !strings.Contains(warn[0], "MISSING_SCOPES") {
		t.Errorf("WARN logs = %q", warn)
	}
}

func TestTestdataConfigs(t *testing.T) {
	sp, _ := New().Spec(t.Context())
	sample, err := os.ReadFile(filepath.Join("..", "testdata", "sample_config.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := protocol.ValidateConfig(sp.ConnectionSpecification, sample); err != nil {
		t.Errorf("sample_config.json: %v", err)
	}
	e := newEnv(t)
	res := e.run("check", "--config", filepath.Join("..", "testdata", "invalid_config.json"))
	if len(res.msgs) != 1 || res.msgs[0].ConnectionStatus == nil || res.msgs[0].ConnectionStatus.Status != "FAILED" || res.code != 0 {
		t.Errorf("invalid_config.json: exit %d, %+v", res.code, res.msgs)
	}
}
