package integrationtests

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/insider-hubspot/connectors/protocol"
)

// recordSchemas validates record data against the json_schema of each configured stream the
// way Airbyte's basic_read does: draft-07, format assertions on (date-time values must parse),
// booleans and numbers of the right JSON type, and integers without a fraction or exponent.
type recordSchemas struct {
	compiled map[string]*jsonschema.Schema
	raw      map[string]map[string]any
}

// newRecordSchemas compiles the json_schema of every stream of c.
func newRecordSchemas(t testing.TB, c protocol.ConfiguredCatalog) *recordSchemas {
	t.Helper()
	rs := &recordSchemas{compiled: map[string]*jsonschema.Schema{}, raw: map[string]map[string]any{}}
	for _, cs := range c.Streams {
		comp := jsonschema.NewCompiler()
		comp.Draft = jsonschema.Draft7
		comp.AssertFormat = true
		url := "stream/" + cs.Stream.Name + ".json"
		if err := comp.AddResource(url, bytes.NewReader(cs.Stream.JSONSchema)); err != nil {
			t.Fatalf("stream %s json_schema: %v", cs.Stream.Name, err)
		}
		sch, err := comp.Compile(url)
		if err != nil {
			t.Fatalf("stream %s json_schema does not compile: %v", cs.Stream.Name, err)
		}
		rs.compiled[cs.Stream.Name] = sch
		var raw map[string]any
		if err := json.Unmarshal(cs.Stream.JSONSchema, &raw); err != nil {
			t.Fatal(err)
		}
		rs.raw[cs.Stream.Name] = raw
	}
	return rs
}

// problems returns why r does not match its stream's schema (nil when it does).
func (rs *recordSchemas) problems(r *protocol.Record) []string {
	sch, ok := rs.compiled[r.Stream]
	if !ok {
		return []string{fmt.Sprintf("record of stream %q, which is not in the catalog", r.Stream)}
	}
	dec := json.NewDecoder(bytes.NewReader(r.Data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return []string{fmt.Sprintf("data is not JSON: %v", err)}
	}
	var out []string
	if err := sch.Validate(v); err != nil {
		out = append(out, fmt.Sprintf("%#v", err))
	}
	strictIntegers(rs.raw[r.Stream], v, "", &out)
	return out
}

// strictIntegers reports values declared integer (and not number) written with a fraction or
// an exponent, which Airbyte's validator rejects although JSON Schema accepts 1.0.
func strictIntegers(schema map[string]any, v any, path string, out *[]string) {
	types := schemaTypes(schema)
	if n, ok := v.(json.Number); ok && slices.Contains(types, "integer") && !slices.Contains(types, "number") {
		if strings.ContainsAny(n.String(), ".eE") {
			*out = append(*out, fmt.Sprintf("%s: integer written as %s", path, n))
		}
	}
	switch val := v.(type) {
	case map[string]any:
		props, _ := schema["properties"].(map[string]any)
		for k, child := range val {
			if ps, ok := props[k].(map[string]any); ok {
				strictIntegers(ps, child, path+"."+k, out)
			}
		}
	case []any:
		if items, ok := schema["items"].(map[string]any); ok {
			for i, child := range val {
				strictIntegers(items, child, fmt.Sprintf("%s[%d]", path, i), out)
			}
		}
	}
}

// primaryKeyProblems checks that every primary key value of r is present, not null and a
// scalar.
func primaryKeyProblems(r *protocol.Record, pk [][]string) []string {
	var data any
	if err := json.Unmarshal(r.Data, &data); err != nil {
		return []string{err.Error()}
	}
	var out []string
	for _, path := range pk {
		v := data
		for _, p := range path {
			obj, _ := v.(map[string]any)
			v = obj[p]
		}
		switch v.(type) {
		case nil:
			out = append(out, fmt.Sprintf("primary key %v is null or missing", path))
		case map[string]any, []any:
			out = append(out, fmt.Sprintf("primary key %v is not a scalar: %v", path, v))
		}
	}
	return out
}

// expectedRecord is one line of expected_records.jsonl.
type expectedRecord struct {
	Stream    string          `json:"stream"`
	Data      json.RawMessage `json:"data"`
	EmittedAt int64           `json:"emitted_at"`
}

// readExpectedRecords reads expected_records.jsonl.
func readExpectedRecords(t testing.TB) []expectedRecord {
	t.Helper()
	var out []expectedRecord
	sc := bufio.NewScanner(bytes.NewReader(fixture(t, "expected_records.jsonl")))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for n := 1; sc.Scan(); n++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var e expectedRecord
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("expected_records.jsonl line %d: %v", n, err)
		}
		out = append(out, e)
	}
	if len(out) == 0 {
		t.Fatal("expected_records.jsonl is empty")
	}
	return out
}

// missingExpected compares expected records with the read ones by stream and primary key and
// returns a description of each expected record that is absent or whose data differs.
func missingExpected(t testing.TB, c protocol.ConfiguredCatalog, expected []expectedRecord, got []*protocol.Record) []string {
	t.Helper()
	pks := map[string][][]string{}
	for _, cs := range c.Streams {
		pks[cs.Stream.Name] = cs.PrimaryKey
	}
	byKey := map[string]*protocol.Record{}
	for _, r := range got {
		byKey[r.Stream+"/"+primaryKey(t, r, pks[r.Stream])] = r
	}
	var out []string
	for _, e := range expected {
		key := e.Stream + "/" + primaryKey(t, &protocol.Record{Stream: e.Stream, Data: e.Data}, pks[e.Stream])
		r, ok := byKey[key]
		if !ok {
			out = append(out, "no record "+key)
			continue
		}
		if d := cmp.Diff(normJSON(t, e.Data), normJSON(t, r.Data)); d != "" {
			out = append(out, fmt.Sprintf("record %s differs (-expected +read):\n%s", key, d))
		}
	}
	return out
}

// writeExpectedRecords rewrites expected_records.jsonl with a spread of the records read: every
// 40th contact and every 10th event by primary key.
func writeExpectedRecords(t *testing.T, c protocol.ConfiguredCatalog, got []*protocol.Record) {
	t.Helper()
	var buf bytes.Buffer
	for _, cs := range c.Streams {
		var recs []*protocol.Record
		for _, r := range got {
			if r.Stream == cs.Stream.Name {
				recs = append(recs, r)
			}
		}
		sort.Slice(recs, func(i, j int) bool {
			return primaryKey(t, recs[i], cs.PrimaryKey) < primaryKey(t, recs[j], cs.PrimaryKey)
		})
		every := 10
		if cs.Stream.Name == "contacts" {
			every = 40
		}
		for i := 0; i < len(recs); i += every {
			line, err := json.Marshal(expectedRecord{Stream: recs[i].Stream, Data: recs[i].Data, EmittedAt: 1767268800000})
			if err != nil {
				t.Fatal(err)
			}
			buf.Write(line)
			buf.WriteByte('\n')
		}
	}
	if err := os.WriteFile("expected_records.jsonl", buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
