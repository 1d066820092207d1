package destination

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
	"github.com/insider-hubspot/connectors/protocol"
)

func connectionStatus(t *testing.T, r cmdResult) (string, string) {
	t.Helper()
	var found []map[string]any
	for _, m := range r.stdout {
		if m["type"] == "CONNECTION_STATUS" {
			found = append(found, m["connectionStatus"].(map[string]any))
		}
	}
	if len(found) != 1 {
		t.Fatalf("want exactly one CONNECTION_STATUS, got %d: %v", len(found), r.stdout)
	}
	msg, _ := found[0]["message"].(string)
	return found[0]["status"].(string), msg
}

func TestCheck(t *testing.T) {
	t.Parallel()
	url := newInsider(t, fakeinsider.Options{}).URL
	tests := []struct {
		name       string
		edit       func(c map[string]any)
		wantStatus string
		wantMsg    []string
	}{
		{name: "ok", wantStatus: "SUCCEEDED"},
		{
			name: "bad key", edit: func(c map[string]any) { c["api_key"] = "nope" }, wantStatus: "FAILED",
			wantMsg: []string{"Insider rejected the API key (HTTP 401)", "api_key", "X-REQUEST-TOKEN", "Unified Customer Database"},
		},
		{
			name: "bad partner name", edit: func(c map[string]any) { c["partner_name"] = "otherbrand" }, wantStatus: "FAILED",
			wantMsg: []string{`Partner is invalid.`, "partner_name", "X-PARTNER-NAME", "lowercase"},
		},
		{
			name: "mapping mistakes are all reported",
			edit: func(c map[string]any) {
				c["identifier_mappings"] = []any{map[string]any{"identifier": "custom", "source_field": "id"}}
				c["attribute_mappings"] = []any{
					map[string]any{"source_field": "a", "attribute": "name"},
					map[string]any{"source_field": "b", "attribute": "name"},
				}
				c["event_mappings"] = []any{map[string]any{"stream": "event_x", "event_name": "!!!"}}
				c["phone"] = map[string]any{"default_region": "XX"}
			},
			wantStatus: "FAILED",
			wantMsg:    []string{"custom_name", `attribute "name" is already set`, `event_name "!!!"`, `default_region "XX"`},
		},
		{
			name: "custom attributes Insider does not declare", edit: func(c map[string]any) {
				c["attribute_mappings"] = []any{map[string]any{"source_field": "plan", "attribute": "plan_tier"},
					map[string]any{"source_field": "lifecyclestage", "attribute": "lifecycle_stage"}}
				c["fixed_attributes"] = []any{map[string]any{"attribute": "origin", "value": "hubspot"}}
			},
			wantStatus: "FAILED", wantMsg: []string{"Insider does not know the custom attributes origin, plan_tier", "Attributes & Events"},
		},
		{
			name: "plain http to a remote host", edit: func(c map[string]any) { c["api_base_url"] = "http://unification.useinsider.com" },
			wantStatus: "FAILED", wantMsg: []string{"api_base_url", "https"},
		},
		{
			// Streams mapped by Airbyte's data activation need no identifier mappings; write
			// refuses the config for a stream that does.
			name: "no mappings at all", edit: func(c map[string]any) {
				c["identifier_mappings"], c["attribute_mappings"], c["event_mappings"] = []any{}, []any{}, []any{}
			},
			wantStatus: "SUCCEEDED",
		},
		{
			// Attribute or event mappings need an identifier to say whose values they are.
			name: "attribute and event mappings without an identifier mapping", edit: func(c map[string]any) { c["identifier_mappings"] = []any{} },
			wantStatus: "FAILED", wantMsg: []string{"attribute_mappings and event_mappings", "identifier_mappings is empty",
				`{"identifier": "email", "source_field": "email"}`, "data activation"},
		},
		{
			name: "event mappings without an identifier mapping", edit: func(c map[string]any) {
				c["identifier_mappings"], c["attribute_mappings"] = []any{}, []any{}
			},
			wantStatus: "FAILED", wantMsg: []string{"event_mappings is configured", "identifier_mappings is empty"},
		},
		{
			name: "gdpr_optin fixed", edit: func(c map[string]any) {
				c["fixed_attributes"] = []any{map[string]any{"attribute": "gdpr_optin", "value": "false"}}
			},
			wantStatus: "FAILED", wantMsg: []string{"gdpr_optin cannot be a fixed value"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runCmd(t, "check", baseConfig(url, tc.edit), nil)
			if r.code != 0 {
				t.Fatalf("exit %d: %v", r.code, r.traces)
			}
			status, msg := connectionStatus(t, r)
			if status != tc.wantStatus {
				t.Fatalf("status %s (%s), want %s", status, msg, tc.wantStatus)
			}
			for _, w := range tc.wantMsg {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
		})
	}
}

func TestCheckUnreachable(t *testing.T) {
	t.Parallel()
	r := runCmd(t, "check", baseConfig("http://127.0.0.1:1", nil), nil)
	status, msg := connectionStatus(t, r)
	if status != "FAILED" || !strings.Contains(msg, "could not reach Insider") {
		t.Errorf("status %s: %s", status, msg)
	}
}

func TestSpec(t *testing.T) {
	t.Parallel()
	sp, err := New().Spec(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Properties map[string]map[string]any `json:"properties"`
	}
	if err := json.Unmarshal(sp.ConnectionSpecification, &schema); err != nil {
		t.Fatalf("spec is not JSON: %v", err)
	}
	for _, secret := range []string{"api_key", "alert_webhook_url"} {
		if schema.Properties[secret]["airbyte_secret"] != true {
			t.Errorf("%s is not marked airbyte_secret", secret)
		}
	}
	for _, name := range []string{"dry_run", "alert_reject_ratio", "invalid_identifier_policy", "boolean_format", "batch_size"} {
		if _, ok := schema.Properties[name]; !ok {
			t.Errorf("spec lacks %s", name)
		}
	}
	// The contract's example config validates against the spec.
	example := `{"partner_name":"mybrand","api_key":"x","api_base_url":"https://unification.useinsider.com",
	"identifier_mappings":[{"identifier":"email","source_field":"email"},{"identifier":"custom","custom_name":"crm_id","source_field":"id"}],
	"attribute_mappings":[{"source_field":"firstname","attribute":"name"}],"fixed_attributes":[{"attribute":"crm_source","value":"hubspot"}],
	"event_mappings":[{"stream":"event_pe1_x","event_name":"x","parameters":[{"source_field":"properties.a","parameter":"url"}]}],
	"fixed_event_parameters":[{"parameter":"source","value":"hubspot"}],"skip_hook":false,"invalid_identifier_policy":"skip_identifier",
	"phone":{"normalize":true,"default_region":"US"},"boolean_format":"boolean","batch_size":1000}`
	if err := protocol.ValidateConfig(sp.ConnectionSpecification, json.RawMessage(example)); err != nil {
		t.Errorf("contract example fails the spec: %v", err)
	}
	if _, err := ParseConfig(json.RawMessage(example)); err != nil {
		t.Errorf("contract example fails ParseConfig: %v", err)
	}
}

// TestCheckAnswersThatAreNotInsiders: a check answered by a web page or a redirect fails and
// says to look at api_base_url, instead of passing on any 200.
func TestCheckAnswersThatAreNotInsiders(t *testing.T) {
	t.Parallel()
	for name, h := range map[string]http.HandlerFunc{
		"HTML page": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html><body>Welcome</body></html>"))
		},
		"redirect": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://www.example.com"+r.URL.Path, http.StatusMovedPermanently)
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)
			r := runCmd(t, "check", baseConfig(srv.URL, nil), nil)
			status, msg := connectionStatus(t, r)
			if status != "FAILED" || !strings.Contains(msg, "api_base_url") {
				t.Errorf("status %s: %s", status, msg)
			}
		})
	}
}
