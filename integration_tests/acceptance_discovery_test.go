package integrationtests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/protocol/protocoltest"
)

// acceptanceEventStream is the event stream configured_catalog.json reads besides contacts.
var acceptanceEventStream = "event_" + fakehubspot.FQN(fakehubspot.DefaultPortalID, "newsletter_signup")

// TestDiscovery is Airbyte's discovery suite: exactly one CATALOG, whose streams declare sync
// modes, whose cursor and primary key paths exist in their schemas, and whose schemas use no
// $ref, allOf or not. It also keeps configured_catalog.json in step with discover (-update
// rewrites it).
func TestDiscovery(t *testing.T) {
	hs := startAcceptanceHubSpot(t)
	path := writeJSON(t, t.TempDir(), "config.json", sourceConfigFor(t, hs))
	res := sourceHubSpot.run(t, nil, "discover", "--config", path)
	if res.Exit != 0 {
		t.Fatalf("discover exit %d\nstdout: %s\nstderr: %s", res.Exit, res.Stdout, res.Stderr)
	}
	catalogs := protocoltest.OfType(res.Msgs, protocol.TypeCatalog)
	if len(catalogs) != 1 {
		t.Fatalf("%d CATALOG messages, want exactly 1", len(catalogs))
	}
	streams := map[string]protocol.Stream{}
	for _, s := range catalogs[0].Catalog.Streams {
		streams[s.Name] = s
		t.Run(s.Name, func(t *testing.T) {
			for _, p := range streamProblems(s) {
				t.Error(p)
			}
		})
	}
	want := []string{"contacts"}
	for _, d := range hs.EventDefinitions() {
		want = append(want, "event_"+d.FullyQualifiedName)
	}
	for _, name := range want {
		if _, ok := streams[name]; !ok {
			t.Errorf("discover has no stream %q", name)
		}
	}
	if *update {
		writeConfiguredCatalog(t, streams["contacts"], streams[acceptanceEventStream])
	}
	for _, cs := range configuredCatalogFixture(t).Streams {
		got, ok := streams[cs.Stream.Name]
		if !ok {
			t.Errorf("configured_catalog.json stream %q is not discovered", cs.Stream.Name)
			continue
		}
		if d := cmp.Diff(normJSON(t, got.JSONSchema), normJSON(t, cs.Stream.JSONSchema)); d != "" {
			t.Errorf("configured_catalog.json %s json_schema differs from discover (-discover +fixture; rerun with -update):\n%s", cs.Stream.Name, d)
		}
	}
}

// streamProblems checks one discovered stream against Airbyte's discovery rules.
func streamProblems(s protocol.Stream) []string {
	var problems []string
	if len(s.SupportedSyncModes) == 0 {
		problems = append(problems, "no supported_sync_modes")
	}
	var schema map[string]any
	if err := json.Unmarshal(s.JSONSchema, &schema); err != nil {
		return append(problems, fmt.Sprintf("json_schema is not an object: %v", err))
	}
	if schema["type"] != "object" {
		problems = append(problems, fmt.Sprintf("json_schema type %v, want object", schema["type"]))
	}
	walkSchema(schema, "", func(path string, node map[string]any) {
		for _, kw := range []string{"$ref", "allOf", "not"} {
			if _, ok := node[kw]; ok {
				problems = append(problems, fmt.Sprintf("json_schema%s uses %s", path, kw))
			}
		}
		if ap, ok := node["additionalProperties"]; ok && ap != true {
			problems = append(problems, fmt.Sprintf("json_schema%s: additionalProperties is %v, want true", path, ap))
		}
	})
	if s.SourceDefinedCursor && len(s.DefaultCursorField) == 0 {
		problems = append(problems, "source_defined_cursor without default_cursor_field")
	}
	paths := [][]string{s.DefaultCursorField}
	paths = append(paths, s.SourceDefinedPrimaryKey...)
	for _, p := range paths {
		if len(p) > 0 && !schemaHasPath(schema, p) {
			problems = append(problems, fmt.Sprintf("path %v is not in json_schema properties", p))
		}
	}
	return problems
}

// schemaHasPath reports whether the property path exists in schema.
func schemaHasPath(schema map[string]any, path []string) bool {
	node := schema
	for _, p := range path {
		props, _ := node["properties"].(map[string]any)
		next, ok := props[p].(map[string]any)
		if !ok {
			return false
		}
		node = next
	}
	return true
}

// writeConfiguredCatalog rewrites configured_catalog.json: contacts and one event stream,
// incremental on their default cursors, deduplicated on their primary keys.
func writeConfiguredCatalog(t *testing.T, streams ...protocol.Stream) {
	t.Helper()
	var c protocol.ConfiguredCatalog
	for _, s := range streams {
		if s.Name == "" {
			t.Fatal("a stream for configured_catalog.json was not discovered")
		}
		c.Streams = append(c.Streams, protocol.ConfiguredStream{Stream: s, SyncMode: protocol.SyncModeIncremental,
			CursorField: s.DefaultCursorField, DestinationSyncMode: protocol.DestinationSyncModeAppendDedup,
			PrimaryKey: s.SourceDefinedPrimaryKey})
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("configured_catalog.json", append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

// normJSON decodes JSON into a generic value for comparison.
func normJSON(t testing.TB, raw []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return v
}
