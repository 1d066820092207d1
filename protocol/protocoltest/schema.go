// Package protocoltest holds test helpers for Airbyte protocol output: validation of every line
// against the official protocol schema, and splitting output into messages.
package protocoltest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// SchemaEnv names the environment variable that points at airbyte_protocol.json. CI sets it to
// ../shared/airbyte-protocol/airbyte_protocol.json; the schema is reference data and is never
// copied into the repository.
const SchemaEnv = "AIRBYTE_PROTOCOL_SCHEMA"

var (
	loadOnce sync.Once
	message  *jsonschema.Schema
	loadErr  error
)

// Schema returns the compiled AirbyteMessage schema. It skips t, saying why, when SchemaEnv is
// unset or its file is missing, and fails t when the file cannot be compiled.
func Schema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	path := os.Getenv(SchemaEnv)
	if path == "" {
		t.Skipf("%s is not set: schema-conformance checks need the official Airbyte protocol schema (CI sets it)", SchemaEnv)
	}
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s=%s is not readable (%v): schema-conformance checks skipped", SchemaEnv, path, err)
	}
	loadOnce.Do(func() { message, loadErr = compile(path) })
	if loadErr != nil {
		t.Fatalf("compile %s: %v", path, loadErr)
	}
	return message
}

func compile(path string) (*jsonschema.Schema, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var head struct {
		ID string `json:"$id"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, err
	}
	if head.ID == "" {
		head.ID = "airbyte_protocol.json"
	}
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft7
	if err := c.AddResource(head.ID, bytes.NewReader(data)); err != nil {
		return nil, err
	}
	return c.Compile(head.ID + "#/definitions/AirbyteMessage")
}

// ValidateLine checks that line is one AirbyteMessage valid against the schema and that its
// payload is the one its type names.
func ValidateLine(sch *jsonschema.Schema, line []byte) error {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	if dec.More() {
		return fmt.Errorf("more than one JSON value on the line")
	}
	if err := sch.Validate(v); err != nil {
		return fmt.Errorf("%w\n%s", err, fmt.Sprintf("%#v", err))
	}
	obj, _ := v.(map[string]any)
	payload := map[string]string{"RECORD": "record", "STATE": "state", "LOG": "log", "SPEC": "spec",
		"CONNECTION_STATUS": "connectionStatus", "CATALOG": "catalog", "TRACE": "trace", "CONTROL": "control",
		"DESTINATION_CATALOG": "destination_catalog"}
	typ, _ := obj["type"].(string)
	want, ok := payload[typ]
	if !ok {
		return fmt.Errorf("unexpected message type %q", typ)
	}
	for _, key := range payload {
		if _, has := obj[key]; has != (key == want) {
			return fmt.Errorf("%s message: payload field %q present=%v", typ, key, has)
		}
	}
	return nil
}

// ValidateOutput validates every line of out (stdout of a connector), failing t for each bad
// line with its number.
func ValidateOutput(t testing.TB, out []byte) {
	t.Helper()
	sch := Schema(t)
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	n := 0
	for sc.Scan() {
		n++
		if err := ValidateLine(sch, sc.Bytes()); err != nil {
			t.Errorf("stdout line %d: %v\n%s", n, err, truncate(sc.Bytes()))
		}
	}
	if err := sc.Err(); err != nil {
		t.Errorf("read output: %v", err)
	}
}

func truncate(b []byte) string {
	if len(b) > 400 {
		return string(b[:400]) + "..."
	}
	return string(b)
}
