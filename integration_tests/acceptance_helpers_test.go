package integrationtests

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/datagen"
	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/protocol/protocoltest"
)

// update regenerates the fixtures derived from the fakes (configured_catalog.json and
// expected_records.jsonl): go test ./integration_tests -run 'TestDiscovery|TestBasicRead' -update
var update = flag.Bool("update", false, "rewrite configured_catalog.json and expected_records.jsonl from the fakes")

// The acceptance data set: the same seed and size always give the same contacts and events.
const (
	acceptanceSeed     = 7
	acceptanceContacts = 300
	acceptanceEvents   = 150
)

// acceptanceClock is the fixed clock of the acceptance fakes (token expiry, defaults).
var acceptanceClock = func() time.Time { return time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC) }

// startAcceptanceHubSpot starts a fake HubSpot holding the acceptance data set (fixed seed,
// fixed clock, default properties and event definitions), closed when t ends.
func startAcceptanceHubSpot(t testing.TB) *fakehubspot.Server {
	t.Helper()
	hs := fakehubspot.New(fakehubspot.Options{Clock: acceptanceClock})
	t.Cleanup(hs.Close)
	t.Cleanup(func() { noLegacyCalls(t, hs) })
	hs.AddContacts(datagen.Contacts(datagen.Options{Seed: acceptanceSeed, Count: acceptanceContacts})...)
	hs.AddEvents(datagen.Events(datagen.EventOptions{Seed: acceptanceSeed, ContactIDs: hs.ContactIDs(),
		Count: acceptanceEvents, Definitions: hs.EventDefinitions()})...)
	return hs
}

// startAcceptanceInsider starts a fake Insider One with its default partner and key.
func startAcceptanceInsider(t testing.TB) *fakeinsider.Server {
	t.Helper()
	in := fakeinsider.New(fakeinsider.Options{})
	t.Cleanup(in.Close)
	return in
}

// connectorRun is one finished connector run, in this process or as a process of a built binary.
type connectorRun struct {
	Stdout, Stderr []byte
	Exit           int
	Msgs           []protocol.Message
}

var schemaNote sync.Once

// validateProtocol checks every stdout line against the official protocol schema. Without
// AIRBYTE_PROTOCOL_SCHEMA it says so once and lets the other assertions run.
func validateProtocol(t testing.TB, out []byte) {
	t.Helper()
	if os.Getenv(protocoltest.SchemaEnv) == "" {
		schemaNote.Do(func() {
			t.Logf("%s is not set: protocol schema validation of connector output skipped", protocoltest.SchemaEnv)
		})
		return
	}
	protocoltest.ValidateOutput(t, out)
}

// fixture reads a file of integration_tests/.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return b
}

// writeJSON writes v (raw JSON bytes are written as they are) to dir/name and returns the path.
func writeJSON(t testing.TB, dir, name string, v any) string {
	t.Helper()
	b, ok := v.([]byte)
	if !ok {
		if raw, isRaw := v.(json.RawMessage); isRaw {
			b, ok = raw, true
		}
	}
	if !ok {
		var err error
		if b, err = json.MarshalIndent(v, "", "  "); err != nil {
			t.Fatalf("encode %s: %v", name, err)
		}
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// patchJSON decodes a JSON object, lets edit change it, and encodes it again.
func patchJSON(t testing.TB, raw []byte, edit func(m map[string]any)) json.RawMessage {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("decode JSON object: %v", err)
	}
	edit(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sourceConfigFor is sample_config.json pointed at the fake HubSpot with its OAuth app.
func sourceConfigFor(t testing.TB, hs *fakehubspot.Server) json.RawMessage {
	t.Helper()
	o := hs.Options()
	return patchJSON(t, fixture(t, "sample_config.json"), func(m map[string]any) {
		m["api_base_url"] = hs.URL
		m["credentials"] = map[string]any{"credentials_title": "OAuth Credentials", "client_id": o.ClientID,
			"client_secret": o.ClientSecret, "refresh_token": o.RefreshToken}
	})
}

// destinationConfigFor is destination_sample_config.json pointed at the fake Insider.
func destinationConfigFor(t testing.TB, in *fakeinsider.Server) json.RawMessage {
	t.Helper()
	o := in.Options()
	return patchJSON(t, fixture(t, "destination_sample_config.json"), func(m map[string]any) {
		m["api_base_url"] = in.URL
		m["partner_name"] = o.PartnerName
		m["api_key"] = o.APIKey
	})
}

// configuredCatalogFixture decodes configured_catalog.json.
func configuredCatalogFixture(t testing.TB) protocol.ConfiguredCatalog {
	t.Helper()
	var c protocol.ConfiguredCatalog
	if err := json.Unmarshal(fixture(t, "configured_catalog.json"), &c); err != nil {
		t.Fatalf("configured_catalog.json: %v", err)
	}
	if len(c.Streams) == 0 {
		t.Fatal("configured_catalog.json has no streams")
	}
	return c
}

// withSyncMode returns a copy of c with every stream read in mode.
func withSyncMode(c protocol.ConfiguredCatalog, mode protocol.SyncMode) protocol.ConfiguredCatalog {
	out := protocol.ConfiguredCatalog{Streams: append([]protocol.ConfiguredStream(nil), c.Streams...)}
	for i := range out.Streams {
		out.Streams[i].SyncMode = mode
		if mode == protocol.SyncModeFullRefresh {
			out.Streams[i].DestinationSyncMode = protocol.DestinationSyncModeOverwrite
		}
	}
	return out
}

// sourceRead runs the source's read with config, catalog and (when not nil) state files
// written into a fresh directory.
func sourceRead(t testing.TB, config json.RawMessage, catalog protocol.ConfiguredCatalog, state any) connectorRun {
	t.Helper()
	dir := t.TempDir()
	args := []string{"read", "--config", writeJSON(t, dir, "config.json", config),
		"--catalog", writeJSON(t, dir, "catalog.json", catalog)}
	if state != nil {
		args = append(args, "--state", writeJSON(t, dir, "state.json", state))
	}
	return sourceHubSpot.run(t, nil, args...)
}
