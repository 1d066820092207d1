package protocol_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/protocol/protocoltest"
)

// stream is a configured stream entry for the catalog tables.
func stream(name, rest string) string {
	return `{"stream":{"name":"` + name + `","json_schema":{},"supported_sync_modes":["full_refresh","incremental"]}` + rest + `}`
}

func TestParseConfiguredCatalogAccepts(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{"airbyte-local-cli", `{"streams":[` + stream("contacts", `,"sync_mode":"incremental","destination_sync_mode":"append"`) + `]}`, []string{"contacts"}},
		{"Airbyte's full form", `{"streams":[` + stream("contacts", `,"sync_mode":"incremental","cursor_field":["lastmodifieddate"],`+
			`"destination_sync_mode":"append_dedup","primary_key":[["id"]],"generation_id":3,"minimum_generation_id":0,"sync_id":9`) + `]}`, []string{"contacts"}},
		{"no destination_sync_mode, no json_schema", `{"streams":[{"stream":{"name":"contacts"},"sync_mode":"full_refresh"}]}`, []string{"contacts"}},
		{"a destination sync mode newer than the schema", `{"streams":[` + stream("a", `,"sync_mode":"full_refresh","destination_sync_mode":"overwrite_dedup"`) + `]}`, []string{"a"}},
		{"one name in two namespaces", `{"streams":[{"stream":{"name":"a","namespace":"x"},"sync_mode":"full_refresh"},` +
			`{"stream":{"name":"a","namespace":"y"},"sync_mode":"full_refresh"}]}`, []string{"a", "a"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := protocol.ParseConfiguredCatalog([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range c.Streams {
				got = append(got, s.Stream.Name)
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("streams %v, want %v", got, tc.want)
			}
		})
	}
}

func TestParseConfiguredCatalogRefuses(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"empty file", ``, "empty"},
		{"not JSON", `{"streams":`, "not valid JSON"},
		{"empty object", `{}`, "has no streams"},
		{"array", `[]`, "not a JSON object"},
		{"null", `null`, "has no streams"},
		{"streams null", `{"streams":null}`, "has no streams"},
		{"streams not an array", `{"streams":{"contacts":{}}}`, "streams is not an array"},
		{"zero streams", `{"streams":[]}`, "selects no stream"},
		{"discover output", `{"type":"CATALOG","catalog":{"streams":[{"name":"contacts","json_schema":{},"supported_sync_modes":["incremental"]}]}}`,
			"discover's output message"},
		{"discover catalog", `{"streams":[{"name":"contacts","json_schema":{},"supported_sync_modes":["incremental"]}]}`,
			"streams[0]: this is a stream of discover's catalog"},
		{"entry without stream", `{"streams":[{"sync_mode":"incremental"}]}`, `streams[0]: it has no "stream"`},
		{"stream without name", `{"streams":[{"stream":{"json_schema":{}},"sync_mode":"incremental"}]}`, "streams[0]: stream has no name"},
		{"no sync_mode", `{"streams":[` + stream("contacts", `,"destination_sync_mode":"append"`) + `]}`, "stream contacts has no sync_mode"},
		{"bad sync_mode", `{"streams":[` + stream("contacts", `,"sync_mode":"incrementel"`) + `]}`, `sync_mode "incrementel" is not`},
		{"json_schema not an object", `{"streams":[{"stream":{"name":"c","json_schema":"x"},"sync_mode":"incremental"}]}`, "json_schema is not a JSON object"},
		{"twice", `{"streams":[` + stream("c", `,"sync_mode":"incremental"`) + `,` + stream("c", `,"sync_mode":"full_refresh"`) + `]}`,
			"streams[1]: stream c is selected twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := protocol.ParseConfiguredCatalog([]byte(tc.in))
			if err == nil || c != nil {
				t.Fatalf("catalog %+v, error %v; want an error", c, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not say %q", err, tc.want)
			}
		})
	}
}

func FuzzParseConfiguredCatalog(f *testing.F) {
	f.Add(`{"streams":[` + stream("contacts", `,"sync_mode":"incremental"`) + `]}`)
	f.Add(`{"streams":[{"name":"x"}]}`)
	f.Add(`{"type":"CATALOG","catalog":{}}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, in string) {
		c, err := protocol.ParseConfiguredCatalog([]byte(in))
		if err != nil {
			return
		}
		if len(c.Streams) == 0 {
			t.Fatal("a catalog without streams was accepted")
		}
		for _, s := range c.Streams {
			if s.Stream.Name == "" || (s.SyncMode != protocol.SyncModeIncremental && s.SyncMode != protocol.SyncModeFullRefresh) {
				t.Fatalf("accepted stream %+v", s)
			}
		}
	})
}

// TestRunRefusesANonCatalog: read and write given something that is not a configured catalog end
// with a config_error naming --catalog and the problem, before the connector is called.
func TestRunRefusesANonCatalog(t *testing.T) {
	for _, in := range []string{`{}`, `[]`, `{"streams":[]}`, `{"streams":[{"name":"contacts","json_schema":{}}]}`} {
		t.Run("read "+in, func(t *testing.T) {
			called := false
			src := &fakeSource{read: func(context.Context, *protocol.InputState, *protocol.SourceOutput) error { called = true; return nil }}
			path := writeFile(t, "catalog.json", in)
			code, msgs, raw := runSource(t, src, "read", "--config", goodConfig(t), "--catalog", path)
			wantCatalogError(t, code, msgs, raw, path)
			if called {
				t.Fatal("Read was called")
			}
		})
		t.Run("write "+in, func(t *testing.T) {
			path := writeFile(t, "catalog.json", in)
			cfg := writeFile(t, "c.json", `{"api_key":"k"}`)
			var out bytes.Buffer
			code := protocol.RunDestination(context.Background(), protocol.Env{Args: []string{"write", "--config", cfg, "--catalog", path},
				Stdin: strings.NewReader(""), Stdout: &out, Now: func() time.Time { return t0 }}, &fakeDestination{})
			wantCatalogError(t, code, protocoltest.Messages(t, out.Bytes()), out.String(), path)
		})
	}
}

func wantCatalogError(t *testing.T, code int, msgs []protocol.Message, raw, path string) {
	t.Helper()
	var errs []*protocol.ErrorTrace
	for _, m := range protocoltest.OfType(msgs, protocol.TypeTrace) {
		if m.Trace.Error != nil {
			errs = append(errs, m.Trace.Error)
		}
	}
	if code == 0 || len(errs) != 1 || errs[0].FailureType != protocol.FailureConfig ||
		!strings.Contains(errs[0].Message, "--catalog "+path+" is not a configured catalog: ") {
		t.Fatalf("exit %d, want one config_error naming --catalog:\n%s%+v", code, raw, errs)
	}
}

// legacySource is a fakeSource that accepts only legacy states with a "cursor" key.
type legacySource struct{ fakeSource }

func (legacySource) CheckLegacyState(legacy json.RawMessage) error {
	if !strings.Contains(string(legacy), `"cursor"`) {
		return protocol.NewError(protocol.FailureConfig, "no cursor", nil)
	}
	return nil
}

// TestRunRefusesALegacyStateTheSourceDoesNotKnow: JSON that parses as a legacy state but that
// the source does not recognise is a config_error naming --state, not a silent full resync.
func TestRunRefusesALegacyStateTheSourceDoesNotKnow(t *testing.T) {
	for _, tc := range []struct {
		state string
		ok    bool
	}{
		{`{"foo": 1}`, false},
		{`[{"type":"LEGACY","data":{"foo":1}}]`, false},
		{`{"cursor": "2026-01-01T00:00:00Z"}`, true},
		{`[{"type":"LEGACY","data":{"cursor":1}}]`, true},
		{`{}`, true},
		{`[]`, true},
		{`null`, true},
		{`[{"type":"STREAM","stream":{"stream_descriptor":{"name":"contacts"},"stream_state":{"x":1}}}]`, true},
	} {
		t.Run(tc.state, func(t *testing.T) {
			called := false
			src := &legacySource{fakeSource{read: func(context.Context, *protocol.InputState, *protocol.SourceOutput) error { called = true; return nil }}}
			path := writeFile(t, "state.json", tc.state)
			code, msgs, raw := runSource(t, src, "read", "--config", goodConfig(t), "--catalog", catalogFile(t), "--state", path)
			if tc.ok {
				if code != 0 || !called {
					t.Fatalf("exit %d, Read called %v; want the state accepted:\n%s", code, called, raw)
				}
				return
			}
			errs := protocoltest.OfType(msgs, protocol.TypeTrace)
			if code == 0 || called || len(errs) != 1 || errs[0].Trace.Error == nil ||
				errs[0].Trace.Error.FailureType != protocol.FailureConfig ||
				!strings.Contains(errs[0].Trace.Error.Message, "--state "+path+" is not an Airbyte state") {
				t.Fatalf("exit %d, Read called %v; want one config_error naming --state:\n%s", code, called, raw)
			}
		})
	}
}
