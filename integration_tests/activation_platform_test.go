package integrationtests

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/insider-hubspot/connectors/integration_tests/datagen"
	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
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

// contactsPick maps HubSpot contacts onto Insider's user object with mode, matched on uuid (the
// contact id), the source fields given renamed as the platform's mapper does.
func contactsPick(mode protocol.DestinationSyncMode, fields map[string]string) activationPick {
	return activationPick{Stream: "contacts", Object: "user", Mode: mode, MatchingKey: "uuid", Fields: fields}
}

// TestE2EDataActivationUpdateAndSoftDelete: a connection mapped in Airbyte's data-activation
// screens with the user object's update operation updates the profiles Insider has, creates
// none, and counts the others as not_in_insider; with soft_delete, a dry run sends nothing and
// says what it would delete; the real run deletes the matched profiles (deletion_mode left at
// ignore: the operation is the user's explicit choice), and under deletion_mode anonymize a
// contact Insider has no profile for is nothing to do. Every record is accounted for in the
// echoed states.
func TestE2EDataActivationUpdateAndSoftDelete(t *testing.T) {
	skipShort(t)
	e := newE2E(t, datagen.Options{})
	listContacts(e.hs, 7001, 7006, nil)
	seedInsider(t, e.ins, 7001, 7002, 7003)
	e.dest["identifier_mappings"] = []any{}
	delete(e.dest, "attribute_mappings")
	known := func() []string {
		var out []string
		for id := 7001; id <= 7006; id++ {
			if _, ok := e.ins.FindByUUID(strconv.Itoa(id)); ok {
				out = append(out, strconv.Itoa(id))
			}
		}
		return out
	}
	wantStats := func(step string, read, write connectorRun, accepted, rejected int64) {
		t.Helper()
		if write.Exit != 0 {
			t.Fatalf("%s: destination write exit %d:\n%s", step, write.Exit, write.Stdout)
		}
		records, acc, rej := echoedStats(read, write)
		if acc["contacts"] != accepted || rej["contacts"] != rejected || records["contacts"] != accepted+rejected {
			t.Errorf("%s: destinationStats %d accepted + %d rejected, want %d + %d of the source's %d records",
				step, acc["contacts"], rej["contacts"], accepted, rejected, records["contacts"])
		}
	}

	// update: the three contacts Insider has are updated; the other three are skipped.
	update := contactsPick(protocol.DestinationSyncModeUpdate, map[string]string{"hs_object_id": "uuid", "firstname": "name", "city": "city"})
	_, read, write := e.activationRun([]activationPick{update})
	wantStats("update", read, write, 3, 3)
	if got := known(); !slices.Equal(got, []string{"7001", "7002", "7003"}) || e.ins.ProfileCount() != 3 {
		t.Fatalf("after the update run Insider holds %v (%d profiles), want only the 3 it had", got, e.ins.ProfileCount())
	}
	for id := 7001; id <= 7003; id++ {
		if p, _ := e.ins.FindByUUID(strconv.Itoa(id)); p.Attributes["name"] != fmt.Sprintf("C%d", id) {
			t.Errorf("known contact %d not updated: %+v", id, p.Attributes)
		}
	}
	if !bytes.Contains(write.Stdout, []byte("not_in_insider=3")) {
		t.Errorf("the write summary does not count 3 records not_in_insider:\n%s", write.Stdout)
	}

	// soft_delete, dry run: nothing is sent (discover alone reads Insider's metadata), and the
	// run says what it would delete.
	softDelete := contactsPick(protocol.DestinationSyncModeSoftDelete, map[string]string{"hs_object_id": "uuid"})
	e.dest["dry_run"] = true
	e.ins.ResetStats()
	_, _, write = e.activationRun([]activationPick{softDelete})
	sent := len(e.ins.Requests()) - e.ins.RequestCount(fakeinsider.EndpointColumns)
	if write.Exit != 0 || sent != 0 || e.ins.ProfileCount() != 3 {
		t.Fatalf("dry run: exit %d, %d requests to Insider besides discover's, %d profiles left", write.Exit, sent, e.ins.ProfileCount())
	}
	if !bytes.Contains(write.Stdout, []byte("would delete (POST /api/user/v1/delete")) {
		t.Errorf("the dry run does not say what it would delete:\n%s", write.Stdout)
	}

	// soft_delete: the matched profiles go; every record is committed.
	delete(e.dest, "dry_run")
	_, read, write = e.activationRun([]activationPick{softDelete})
	wantStats("soft_delete", read, write, 6, 0)
	if got := known(); len(got) != 0 || e.ins.ProfileCount() != 0 {
		t.Errorf("after the soft_delete run Insider holds %v (%d profiles), want none", got, e.ins.ProfileCount())
	}
	if n := e.ins.RequestCount(fakeinsider.EndpointUpsert); n != 0 {
		t.Errorf("the soft_delete run made %d upserts", n)
	}

	// soft_delete under deletion_mode anonymize: the profile Insider has is anonymized, the five
	// others are nothing to do (Insider answers no such user), committed and counted.
	seedInsider(t, e.ins, 7001)
	e.dest["deletion_mode"] = "anonymize"
	_, read, write = e.activationRun([]activationPick{softDelete})
	wantStats("soft_delete anonymize", read, write, 6, 0)
	if p, ok := e.ins.FindByUUID("7001"); !ok || !p.Anonymized || e.ins.ProfileCount() != 1 {
		t.Errorf("profile 7001 = %+v (%d profiles), want it anonymized", p, e.ins.ProfileCount())
	}
	if !bytes.Contains(write.Stdout, []byte("soft_deletes_without_profile=5")) {
		t.Errorf("the write summary does not count 5 soft deletes without a profile:\n%s", write.Stdout)
	}
}
