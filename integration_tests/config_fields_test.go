package integrationtests

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/protocol/protocoltest"
)

// TestMisspelledConfigKeysAreNamed: both connectors name a config key their spec does not
// declare, with the closest declared one, in a WARN of every command that reads the config
// (check: before its one CONNECTION_STATUS), and the run goes on. The values of the misspelled
// keys, secrets among them, are never printed.
func TestMisspelledConfigKeysAreNamed(t *testing.T) {
	hs := startAcceptanceHubSpot(t)
	in := startAcceptanceInsider(t)
	const secretValue = "misspelled-secret-value-1234"
	src := patchJSON(t, sourceConfigFor(t, hs), func(m map[string]any) {
		m["start_dat"] = "2024-01-01T00:00:00Z"
		m["credentials"].(map[string]any)["client_secrt"] = secretValue
	})
	dst := patchJSON(t, destinationConfigFor(t, in), func(m map[string]any) {
		m["identifier_mapping"] = []any{map[string]any{"identifier": "email", "source_field": "email"}}
		m["api_kye"] = secretValue
	})
	srcWant := []string{"unknown field start_dat: did you mean start_date?",
		"unknown field credentials.client_secrt: did you mean credentials.client_secret?"}
	dstWant := []string{"unknown field identifier_mapping: did you mean identifier_mappings?",
		"unknown field api_kye: did you mean api_key?"}
	catalog := withSyncMode(configuredCatalogFixture(t), protocol.SyncModeIncremental)
	catalog.Streams = catalog.Streams[:1] // contacts

	for _, tc := range []struct {
		name   string
		c      connector
		config json.RawMessage
		args   []string // after the command's --config
		want   []string
		stdin  string
	}{
		{name: "source check", c: sourceHubSpot, config: src, args: []string{"check"}, want: srcWant},
		{name: "source discover", c: sourceHubSpot, config: src, args: []string{"discover"}, want: srcWant},
		{name: "source read", c: sourceHubSpot, config: src, args: []string{"read", "--catalog", "CATALOG"}, want: srcWant},
		{name: "destination check", c: destinationInsider, config: dst, args: []string{"check"}, want: dstWant},
		{name: "destination discover", c: destinationInsider, config: dst, args: []string{"discover"}, want: dstWant},
		{name: "destination write", c: destinationInsider, config: dst, args: []string{"write", "--catalog", "CATALOG"}, want: dstWant},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			args := append([]string(nil), tc.args...)
			for i, a := range args {
				if a == "CATALOG" {
					args[i] = writeJSON(t, dir, "catalog.json", catalog)
				}
			}
			args = append(args, "--config", writeJSON(t, dir, "config.json", tc.config))
			res := tc.c.run(t, strings.NewReader(tc.stdin), args...)
			if res.Exit != 0 {
				t.Fatalf("exit %d:\n%s", res.Exit, res.Stdout)
			}
			if strings.Contains(string(res.Stdout)+string(res.Stderr), secretValue) {
				t.Fatalf("the value of a misspelled key was printed:\n%s", res.Stdout)
			}
			firstStatus := len(res.Msgs)
			for i, m := range res.Msgs {
				if m.Type == protocol.TypeConnectionStatus {
					firstStatus = i
					break
				}
			}
			for _, want := range tc.want {
				found := false
				for _, m := range res.Msgs[:firstStatus] {
					if m.Type == protocol.TypeLog && m.Log.Level == protocol.LogWarn && strings.Contains(m.Log.Message, want) {
						found = true
					}
				}
				if !found {
					t.Errorf("no WARN %q (before any CONNECTION_STATUS) in:\n%s", want, res.Stdout)
				}
			}
			if tc.args[0] == "check" {
				st := protocoltest.OfType(res.Msgs, protocol.TypeConnectionStatus)
				if len(st) != 1 || st[0].ConnectionStatus.Status != protocol.StatusSucceeded {
					t.Fatalf("want exactly one SUCCEEDED (unknown keys are not fatal):\n%s", res.Stdout)
				}
			}
		})
	}
}
