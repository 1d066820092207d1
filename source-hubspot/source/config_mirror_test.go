package source

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestIdentityAndPermanentDeletionsConfig(t *testing.T) {
	oauth := `"credentials": {"credentials_title": "OAuth Credentials", "client_id": "cid", "client_secret": "cs", "refresh_token": "rt"}`
	pat := `"credentials": {"credentials_title": "Private App Credentials", "access_token": "pat-x"}`
	for _, tc := range []struct {
		name, raw string
		identity  []string
		app       string // permanent_deletions client id and secret after parsing
		version   string
		err       string
	}{
		{name: "defaults", raw: oauth, identity: []string{"email", "phone", "mobilephone"}, app: " ", version: "2026-03"},
		{name: "off", raw: oauth + `, "identity_properties": []`, identity: []string{}, app: " ", version: "2026-03"},
		{name: "trimmed and deduplicated", raw: oauth + `, "identity_properties": [" email", "email", "hs_whatsapp_phone_number"]`,
			identity: []string{"email", "hs_whatsapp_phone_number"}, app: " ", version: "2026-03"},
		{name: "an empty name", raw: oauth + `, "identity_properties": ["email", " "]`, err: "identity_properties"},
		{name: "OAuth credentials by default", raw: oauth + `, "permanent_deletions": {"enabled": true}`,
			identity: []string{"email", "phone", "mobilephone"}, app: "cid cs", version: "2026-03"},
		{name: "an app of its own, beta", raw: oauth + `, "permanent_deletions": {"enabled": true, "client_id": "app", "client_secret": "as", "api_version": "2027-03-beta"}`,
			identity: []string{"email", "phone", "mobilephone"}, app: "app as", version: "2027-03-beta"},
		{name: "a private app needs the app's credentials", raw: pat + `, "permanent_deletions": {"enabled": true}`,
			err: "permanent_deletions.client_id and permanent_deletions.client_secret"},
		{name: "a private app with them", raw: pat + `, "permanent_deletions": {"enabled": true, "client_id": "app", "client_secret": "as"}`,
			identity: []string{"email", "phone", "mobilephone"}, app: "app as", version: "2026-03"},
		{name: "off needs nothing", raw: pat + `, "permanent_deletions": {"enabled": false}`,
			identity: []string{"email", "phone", "mobilephone"}, app: " ", version: "2026-03"},
		{name: "a bad version", raw: oauth + `, "permanent_deletions": {"enabled": true, "api_version": "v4"}`, err: "permanent_deletions.api_version"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseConfig(json.RawMessage("{" + tc.raw + "}"))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one naming %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			pd := c.PermanentDeletions
			if fmt.Sprint(c.Identity()) != fmt.Sprint(tc.identity) || pd.ClientID+" "+pd.ClientSecret != tc.app || pd.APIVersion != tc.version {
				t.Errorf("identity %q, app %q, version %q; want %q, %q, %q", c.Identity(), pd.ClientID+" "+pd.ClientSecret,
					pd.APIVersion, tc.identity, tc.app, tc.version)
			}
		})
	}
}
