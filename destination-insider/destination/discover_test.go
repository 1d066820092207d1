package destination

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/insider-hubspot/connectors/protocol/protocoltest"
)

// metadataColumns is an answer of Insider's metadata endpoint for the contacts table, in the
// shape Insider's own n8n node reads: default columns, and custom ones prefixed c_.
const metadataColumns = `[
 {"key":"email","display_name":"Email","type":"string"},
 {"key":"c_lifecycle_stage","display_name":"Lifecycle Stage","type":"string"},
 {"key":"c_score","display_name":"Score","type":"number"},
 {"key":"c_vip","display_name":"vip","type":"boolean"},
 {"key":"c_signed_up_at","display_name":"Signed up","type":"date"},
 {"key":"c_interests","display_name":"Interests","type":"array"},
 {"key":"c_geo","display_name":"Geo","type":"geopoint"},
 {"key":"c_name","display_name":"Name (custom)","type":"string"}]`

// metadataFake serves Insider's metadata endpoint with status and body.
func metadataFake(t *testing.T, status int, body string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.URL.Path != "/api/user/v3/metadata/columns" || string(b) != `{"table":"contacts"}` {
			t.Errorf("unexpected request %s %s", r.URL.Path, b)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func discoverConfig(url string) map[string]any {
	return baseConfig(url, func(c map[string]any) {
		c["identifier_mappings"] = []any{
			map[string]any{"identifier": "email", "source_field": "email"},
			map[string]any{"identifier": "custom", "custom_name": "crm_id", "source_field": "id"},
			map[string]any{"identifier": "custom", "custom_name": "crm_id", "source_field": "hs_object_id"},
		}
	})
}

// destinationCatalogOf returns the only DESTINATION_CATALOG of r's output, indented.
func destinationCatalogOf(t *testing.T, r cmdResult) []byte {
	t.Helper()
	protocoltest.ValidateOutput(t, r.raw)
	var found []json.RawMessage
	for _, line := range bytes.Split(bytes.TrimSpace(r.raw), []byte("\n")) {
		var m struct {
			Type string          `json:"type"`
			Cat  json.RawMessage `json:"destination_catalog"`
		}
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("stdout line %q: %v", line, err)
		}
		if m.Type == "DESTINATION_CATALOG" {
			found = append(found, m.Cat)
		}
	}
	if r.code != 0 || len(found) != 1 {
		t.Fatalf("discover: exit %d, %d DESTINATION_CATALOG messages, want exit 0 and 1:\n%s", r.code, len(found), r.raw)
	}
	var b bytes.Buffer
	if err := json.Indent(&b, found[0], "", "  "); err != nil {
		t.Fatal(err)
	}
	return append(b.Bytes(), '\n')
}

// TestDiscoverGolden compares the catalog for a config with a custom identifier and Insider
// metadata declaring custom attributes with testdata/destination_catalog.golden.json.
func TestDiscoverGolden(t *testing.T) {
	t.Parallel()
	r := runCmd(t, "discover", discoverConfig(metadataFake(t, http.StatusOK, metadataColumns)), nil)
	got := destinationCatalogOf(t, r)
	protocoltest.Golden(t, filepath.Join("..", "testdata", "destination_catalog.golden.json"), got, *update)
	if !logged(r, "custom attribute with the name of a default attribute") {
		t.Errorf("no WARN for the custom attribute named like a default one; logs: %v", r.logs)
	}
}

// catalogShape is the part of a destination catalog the assertions read.
type catalogShape struct {
	Operations []struct {
		ObjectName   string     `json:"object_name"`
		SyncMode     string     `json:"sync_mode"`
		MatchingKeys [][]string `json:"matching_keys"`
		JSONSchema   struct {
			Required             []string                  `json:"required"`
			AdditionalProperties bool                      `json:"additionalProperties"`
			Properties           map[string]map[string]any `json:"properties"`
		} `json:"json_schema"`
	} `json:"operations"`
}

func TestDiscoverOperations(t *testing.T) {
	t.Parallel()
	r := runCmd(t, "discover", discoverConfig(metadataFake(t, http.StatusOK, metadataColumns)), nil)
	var cat catalogShape
	if err := json.Unmarshal(destinationCatalogOf(t, r), &cat); err != nil {
		t.Fatal(err)
	}
	if len(cat.Operations) != 4 {
		t.Fatalf("%d operations, want user append_dedup, event append, user update and user soft_delete", len(cat.Operations))
	}
	user, event, upd, del := cat.Operations[0], cat.Operations[1], cat.Operations[2], cat.Operations[3]
	wantKeys := [][]string{{"email"}, {"phone_number"}, {"uuid"}, {"crm_id"}}
	if user.ObjectName != "user" || user.SyncMode != "append_dedup" || !cmp.Equal(user.MatchingKeys, wantKeys) {
		t.Errorf("user operation: %s %s %v", user.ObjectName, user.SyncMode, user.MatchingKeys)
	}
	if event.ObjectName != "event" || event.SyncMode != "append" || !cmp.Equal(event.MatchingKeys, wantKeys) {
		t.Errorf("event operation: %s %s %v", event.ObjectName, event.SyncMode, event.MatchingKeys)
	}
	if upd.ObjectName != "user" || upd.SyncMode != "update" || !cmp.Equal(upd.MatchingKeys, wantKeys) || !cmp.Equal(upd.JSONSchema, user.JSONSchema) {
		t.Errorf("user update operation: %s %s %v, schema equal to append_dedup's: %v", upd.ObjectName, upd.SyncMode, upd.MatchingKeys,
			cmp.Equal(upd.JSONSchema, user.JSONSchema))
	}
	var delProps []string
	for name := range del.JSONSchema.Properties {
		delProps = append(delProps, name)
	}
	slices.Sort(delProps)
	if del.ObjectName != "user" || del.SyncMode != "soft_delete" || !cmp.Equal(del.MatchingKeys, wantKeys) ||
		!cmp.Equal(delProps, []string{"crm_id", "email", "phone_number", "uuid"}) || del.JSONSchema.AdditionalProperties {
		t.Errorf("user soft_delete operation: %s %s %v, properties %v (want the identifiers only), additionalProperties %v",
			del.ObjectName, del.SyncMode, del.MatchingKeys, delProps, del.JSONSchema.AdditionalProperties)
	}
	types := map[string]any{"email": "string", "email_optin": "boolean", "age": "number", "birthday": "string",
		"static_segment_id": "array", "crm_id": "string", "lifecycle_stage": "string", "score": "number", "vip": "boolean",
		"signed_up_at": "string", "interests": "array", "name": "string"}
	for name, want := range types {
		if got := user.JSONSchema.Properties[name]["type"]; got != want {
			t.Errorf("user.%s type = %v, want %v", name, got, want)
		}
	}
	if _, ok := user.JSONSchema.Properties["geo"]; !ok {
		t.Error("the custom attribute of an unknown Insider type is not listed")
	}
	if d, _ := user.JSONSchema.Properties["name"]["description"].(string); strings.Contains(d, "Custom") {
		t.Errorf("name is described as custom (%q): the default attribute must win", d)
	}
	for _, name := range []string{"event_name", "timestamp", "email", "uuid", "crm_id", "quantity", "unit_price", "taxonomy"} {
		if _, ok := event.JSONSchema.Properties[name]; !ok {
			t.Errorf("event schema lacks %s", name)
		}
	}
	if _, ok := event.JSONSchema.Properties["score"]; ok {
		t.Error("the event schema lists a custom user attribute")
	}
	if !cmp.Equal(event.JSONSchema.Required, []string{"event_name", "timestamp"}) || len(user.JSONSchema.Required) != 0 {
		t.Errorf("required: user %v, event %v", user.JSONSchema.Required, event.JSONSchema.Required)
	}
	if !user.JSONSchema.AdditionalProperties || !event.JSONSchema.AdditionalProperties {
		t.Error("custom fields are not allowed")
	}
}

func TestDiscoverWithoutMetadataStillAnswers(t *testing.T) {
	t.Parallel()
	for name, url := range map[string]string{
		"refused":     metadataFake(t, http.StatusForbidden, `{"success":false,"message":"Access Denied."}`),
		"not json":    metadataFake(t, http.StatusOK, `<html>maintenance</html>`),
		"unreachable": "http://127.0.0.1:1",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cfg := discoverConfig(url)
			cfg["identifier_mappings"] = []any{}
			r := runCmd(t, "discover", cfg, nil)
			var cat catalogShape
			if err := json.Unmarshal(destinationCatalogOf(t, r), &cat); err != nil {
				t.Fatal(err)
			}
			user := cat.Operations[0]
			if _, ok := user.JSONSchema.Properties["name"]; !ok || len(user.MatchingKeys) != 3 {
				t.Errorf("user operation without metadata: keys %v, properties %v", user.MatchingKeys, user.JSONSchema.Properties)
			}
			if !logged(r, "could not read Insider's attribute metadata") {
				t.Errorf("no WARN about the metadata; logs: %v", r.logs)
			}
		})
	}
}

func TestDiscoverBadConfigIsConfigError(t *testing.T) {
	t.Parallel()
	cfg := discoverConfig("http://127.0.0.1:1")
	cfg["batch_size"] = 5000
	r := runCmd(t, "discover", cfg, nil)
	if r.code == 0 || len(r.traces) != 1 || r.traces[0]["error"].(map[string]any)["failure_type"] != "config_error" {
		t.Fatalf("exit %d, traces %v", r.code, r.traces)
	}
}

func logged(r cmdResult, part string) bool {
	for _, l := range r.logs {
		if strings.Contains(l, part) {
			return true
		}
	}
	return false
}

// TestMetadataDeclaresDataActivation: the connector's Airbyte metadata marks it as a
// data-activation destination, the flag Airbyte's registry copies into the definition.
func TestMetadataDeclaresDataActivation(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("..", "metadata.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\n  supportsDataActivation: true\n", "\n  connectorType: destination\n", "\nmetadataSpecVersion: \"1.0\"\n"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("metadata.yaml lacks %q", strings.TrimSpace(want))
		}
	}
}
