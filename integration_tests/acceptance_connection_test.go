package integrationtests

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/protocol/protocoltest"
)

// TestConnection is Airbyte's connection suite: check with a good config answers exactly one
// SUCCEEDED, with a bad one exactly one FAILED, and exits 0 either way.
func TestConnection(t *testing.T) {
	hs := startAcceptanceHubSpot(t)
	in := startAcceptanceInsider(t)
	good := sourceConfigFor(t, hs)
	pointAtFake := func(m map[string]any) { m["api_base_url"] = hs.URL }
	cases := []struct {
		name    string
		c       connector
		config  json.RawMessage
		want    protocol.Status
		mention string   // the FAILED message must name this
		secrets []string // must never be printed
	}{
		{name: "source oauth", c: sourceHubSpot, config: good, want: protocol.StatusSucceeded},
		{name: "source private app", c: sourceHubSpot, want: protocol.StatusSucceeded,
			config: patchJSON(t, good, func(m map[string]any) {
				m["credentials"] = map[string]any{"credentials_title": "Private App Credentials", "access_token": hs.Options().PrivateAppToken}
			})},
		{name: "source invalid_config.json", c: sourceHubSpot, want: protocol.StatusFailed,
			config:  patchJSON(t, fixture(t, "invalid_config.json"), pointAtFake),
			secrets: []string{"revoked-or-mistyped-refresh-token", "test-client-secret"}},
		{name: "source wrong access token", c: sourceHubSpot, want: protocol.StatusFailed,
			config: patchJSON(t, good, func(m map[string]any) {
				m["credentials"] = map[string]any{"credentials_title": "Private App Credentials", "access_token": "pat-na1-not-a-real-token"}
			}),
			secrets: []string{"pat-na1-not-a-real-token"}},
		{name: "source plain http to a remote host", c: sourceHubSpot, want: protocol.StatusFailed, mention: "api_base_url",
			config: patchJSON(t, good, func(m map[string]any) { m["api_base_url"] = "http://api.hubapi.com" })},
		{name: "source config against the spec", c: sourceHubSpot, want: protocol.StatusFailed, mention: "page_size",
			config: patchJSON(t, good, func(m map[string]any) { m["page_size"] = 500 })},
		{name: "destination", c: destinationInsider, config: destinationConfigFor(t, in), want: protocol.StatusSucceeded},
		{name: "destination wrong api key", c: destinationInsider, want: protocol.StatusFailed,
			config:  patchJSON(t, destinationConfigFor(t, in), func(m map[string]any) { m["api_key"] = "wrong-key-123456" }),
			secrets: []string{"wrong-key-123456"}},
		{name: "destination plain http to a remote host", c: destinationInsider, want: protocol.StatusFailed, mention: "api_base_url",
			config: patchJSON(t, destinationConfigFor(t, in), func(m map[string]any) { m["api_base_url"] = "http://unification.useinsider.com" })},
		{name: "destination without mappings (for streams data activation maps)", c: destinationInsider, want: protocol.StatusSucceeded,
			config: patchJSON(t, destinationConfigFor(t, in), func(m map[string]any) {
				m["identifier_mappings"], m["attribute_mappings"], m["event_mappings"] = []any{}, []any{}, []any{}
			})},
		{name: "destination attribute mappings without identifiers", c: destinationInsider, want: protocol.StatusFailed, mention: "identifier_mappings is empty",
			config: patchJSON(t, destinationConfigFor(t, in), func(m map[string]any) { m["identifier_mappings"] = []any{} })},
		{name: "destination custom identifier without a name", c: destinationInsider, want: protocol.StatusFailed, mention: "custom_name",
			config: patchJSON(t, destinationConfigFor(t, in), func(m map[string]any) {
				m["identifier_mappings"] = []any{map[string]any{"identifier": "custom", "source_field": "id"}}
			})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := writeJSON(t, t.TempDir(), "config.json", tc.config)
			res := tc.c.run(t, nil, "check", "--config", path)
			if res.Exit != 0 {
				t.Errorf("check exit %d, want 0\nstdout: %s\nstderr: %s", res.Exit, res.Stdout, res.Stderr)
			}
			statuses := protocoltest.OfType(res.Msgs, protocol.TypeConnectionStatus)
			if len(statuses) != 1 {
				t.Fatalf("%d CONNECTION_STATUS messages, want exactly 1\nstdout: %s", len(statuses), res.Stdout)
			}
			st := statuses[0].ConnectionStatus
			if st.Status != tc.want {
				t.Fatalf("status %s (%q), want %s", st.Status, st.Message, tc.want)
			}
			if tc.want == protocol.StatusFailed && strings.TrimSpace(st.Message) == "" {
				t.Error("FAILED without a message a person can act on")
			}
			if tc.mention != "" && !strings.Contains(st.Message, tc.mention) {
				t.Errorf("FAILED message %q does not name %s", st.Message, tc.mention)
			}
			for _, s := range tc.secrets {
				if bytes.Contains(res.Stdout, []byte(s)) || bytes.Contains(res.Stderr, []byte(s)) {
					t.Errorf("the secret %q was printed", s)
				}
			}
		})
	}
}
