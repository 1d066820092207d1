package integrationtests

import (
	"bufio"
	"bytes"
	"encoding/json"
	"slices"
	"testing"

	"github.com/insider-hubspot/connectors/protocol"
)

// This file models what Airbyte's platform does for a data-activation connection (its
// createSyncCatalogFromFormValues, DestinationCatalogGenerator and field-renaming mappers in
// airbytehq/airbyte-platform): the source reads the
// selected fields under their own names, each record is renamed in flight, and the
// destination's catalog is the renamed one, with destination_object_name and the chosen
// matching key as primary_key.

// activationPick is what a user chooses in the data-activation form for one source stream.
type activationPick struct {
	Stream      string                       // source stream
	Object      string                       // destination object_name
	Mode        protocol.DestinationSyncMode // one of the object's operations
	MatchingKey string                       // destination field name; "" for none
	Fields      map[string]string            // source field -> destination field
}

// checkPicks fails t unless every pick is one the platform's form offers (and its server-side
// validation accepts): the object and sync mode are an operation of the destination catalog,
// the matching key is one of its matching keys, and every required field is mapped.
func checkPicks(t *testing.T, cat *protocol.DestinationCatalog, picks []activationPick) {
	t.Helper()
	for _, p := range picks {
		var op *protocol.DestinationOperation
		for i := range cat.Operations {
			if cat.Operations[i].ObjectName == p.Object && cat.Operations[i].SyncMode == p.Mode {
				op = &cat.Operations[i]
			}
		}
		if op == nil {
			t.Fatalf("the destination catalog has no %s operation on %s", p.Mode, p.Object)
		}
		if p.MatchingKey != "" && !slices.ContainsFunc(op.MatchingKeys, func(k []string) bool { return slices.Equal(k, []string{p.MatchingKey}) }) {
			t.Fatalf("%s is not a matching key of %s/%s: %v", p.MatchingKey, p.Object, p.Mode, op.MatchingKeys)
		}
		var schema struct {
			Required []string `json:"required"`
		}
		if err := json.Unmarshal(op.JSONSchema, &schema); err != nil {
			t.Fatal(err)
		}
		for _, r := range schema.Required {
			mapped := false
			for _, dst := range p.Fields {
				mapped = mapped || dst == r
			}
			if !mapped {
				t.Fatalf("pick for %s does not map the required field %s", p.Stream, r)
			}
		}
	}
}

// platformCatalogs returns the configured catalogs the platform writes for the source and for
// the destination of a data-activation connection with these picks.
func platformCatalogs(t *testing.T, discovered protocol.Catalog, picks []activationPick) (src, dst protocol.ConfiguredCatalog) {
	t.Helper()
	zero, syncID := int64(0), int64(123)
	for _, p := range picks {
		var s *protocol.Stream
		for i := range discovered.Streams {
			if discovered.Streams[i].Name == p.Stream {
				s = &discovered.Streams[i]
			}
		}
		if s == nil {
			t.Fatalf("the source did not discover stream %s", p.Stream)
		}
		var schema struct {
			Properties map[string]json.RawMessage `json:"properties"`
		}
		if err := json.Unmarshal(s.JSONSchema, &schema); err != nil {
			t.Fatal(err)
		}
		selected := map[string]json.RawMessage{}
		renamed := map[string]json.RawMessage{}
		var srcKey string
		for from, to := range p.Fields {
			prop, ok := schema.Properties[from]
			if !ok {
				t.Fatalf("stream %s has no field %s", p.Stream, from)
			}
			selected[from], renamed[to] = prop, prop
			if to == p.MatchingKey {
				srcKey = from
			}
		}
		// The cursor is selected too; unmapped, a field-filtering mapper keeps it from the destination.
		for _, c := range s.DefaultCursorField {
			selected[c] = schema.Properties[c]
		}
		srcStream := *s
		srcStream.JSONSchema = mustJSON(t, map[string]any{"type": "object", "properties": selected})
		cs := protocol.ConfiguredStream{Stream: srcStream, SyncMode: protocol.SyncModeIncremental, CursorField: s.DefaultCursorField,
			DestinationSyncMode: p.Mode, DestinationObjectName: p.Object, GenerationID: &zero, MinimumGenerationID: &zero, SyncID: &syncID}
		if srcKey != "" {
			cs.PrimaryKey = [][]string{{srcKey}}
		}
		src.Streams = append(src.Streams, cs)

		dstStream := *s
		dstStream.JSONSchema = mustJSON(t, map[string]any{"type": "object", "$schema": "http://json-schema.org/schema#",
			"properties": renamed, "additionalProperties": true})
		dstStream.DefaultCursorField, dstStream.SourceDefinedPrimaryKey = nil, nil
		ds := cs
		ds.Stream = dstStream
		ds.CursorField = nil
		if cur := s.DefaultCursorField; len(cur) == 1 && p.Fields[cur[0]] != "" {
			ds.CursorField = []string{p.Fields[cur[0]]}
		}
		if p.MatchingKey != "" {
			ds.PrimaryKey = [][]string{{p.MatchingKey}}
		}
		dst.Streams = append(dst.Streams, ds)
	}
	return src, dst
}

// platformMap renames the fields of every RECORD of a picked stream as the platform's mappers
// do, drops the fields not mapped, and passes every other line unchanged.
func platformMap(t *testing.T, sourceOut []byte, picks []activationPick) []byte {
	t.Helper()
	byStream := map[string]activationPick{}
	for _, p := range picks {
		byStream[p.Stream] = p
	}
	var out bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(sourceOut))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var m struct {
			Type   string `json:"type"`
			Record *struct {
				Stream    string                     `json:"stream"`
				Data      map[string]json.RawMessage `json:"data"`
				EmittedAt int64                      `json:"emitted_at"`
			} `json:"record"`
		}
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("source line %q: %v", line, err)
		}
		p, picked := byStream[recordStream(m.Record)]
		if m.Type != "RECORD" || !picked {
			out.Write(line)
			out.WriteByte('\n')
			continue
		}
		data := map[string]json.RawMessage{}
		for from, to := range p.Fields {
			if v, ok := m.Record.Data[from]; ok {
				data[to] = v
			}
		}
		out.Write(mustJSON(t, map[string]any{"type": "RECORD", "record": map[string]any{
			"stream": m.Record.Stream, "data": data, "emitted_at": m.Record.EmittedAt}}))
		out.WriteByte('\n')
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func recordStream(r *struct {
	Stream    string                     `json:"stream"`
	Data      map[string]json.RawMessage `json:"data"`
	EmittedAt int64                      `json:"emitted_at"`
}) string {
	if r == nil {
		return ""
	}
	return r.Stream
}

func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
