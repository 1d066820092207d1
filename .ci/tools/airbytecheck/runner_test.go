package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// anyMessage is a validator that takes every JSON line: these tests are about the checks, not
// the protocol schema.
func anyMessage(t *testing.T) *validator {
	t.Helper()
	path := filepath.Join(t.TempDir(), "schema.json")
	if err := os.WriteFile(path, []byte(`{"definitions":{"AirbyteMessage":{}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	v, err := newValidator(path)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// writeLines writes lines into a file in dir and returns its path.
func writeLines(t *testing.T, dir, name string, lines ...string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRunnerCatalog(t *testing.T) {
	dir := t.TempDir()
	discover := writeLines(t, dir, "discover.jsonl", logLine,
		`{"type":"CATALOG","catalog":{"streams":[`+
			`{"name":"contacts","json_schema":{"type":"object","properties":{"email":{}}},"supported_sync_modes":["full_refresh","incremental"],"default_cursor_field":["lastmodifieddate"],"source_defined_primary_key":[["id"]]},`+
			`{"name":"event_pe1_signup","json_schema":{"type":"object"},"supported_sync_modes":["full_refresh","incremental"]},`+
			`{"name":"snapshot","json_schema":{"type":"object"},"supported_sync_modes":["full_refresh"]}]}}`)
	out := filepath.Join(dir, "catalog.json")
	others, err := runnerCatalog(anyMessage(t), discover, out)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(others, []string{"event_pe1_signup", "snapshot"}) {
		t.Errorf("other streams %v", others)
	}
	var cat struct {
		Streams []map[string]json.RawMessage `json:"streams"`
	}
	if err := readJSON(out, &cat); err != nil || len(cat.Streams) != 3 {
		t.Fatalf("catalog %+v: %v", cat, err)
	}
	for i, want := range []string{"incremental", "incremental", "full_refresh"} {
		s := cat.Streams[i]
		var stream struct {
			Schema map[string]any `json:"json_schema"`
		}
		_ = json.Unmarshal(s["stream"], &stream)
		if string(s["sync_mode"]) != `"`+want+`"` || string(s["destination_sync_mode"]) != `"append"` || stream.Schema == nil || len(stream.Schema) != 0 {
			t.Errorf("stream %d: %v, want %s, append and json_schema {}", i, s, want)
		}
		if _, ok := s["cursor_field"]; ok {
			t.Errorf("stream %d has a cursor_field: the runner sends none", i)
		}
		if _, ok := s["primary_key"]; ok {
			t.Errorf("stream %d has a primary_key: the runner sends none", i)
		}
	}
	noContacts := writeLines(t, dir, "other.jsonl", `{"type":"CATALOG","catalog":{"streams":[{"name":"x","json_schema":{},"supported_sync_modes":["full_refresh"]}]}}`)
	if _, err := runnerCatalog(anyMessage(t), noContacts, out); err == nil {
		t.Error("a catalog without contacts: no error")
	}
}

func TestSaveStates(t *testing.T) {
	dir := t.TempDir()
	state := func(name, cursor string) string {
		return `{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"` + name + `"},"stream_state":{"c":"` + cursor + `"}}}}`
	}
	write := writeLines(t, dir, "write.jsonl", state("contacts", "1"), logLine, state("event_a", "2"), state("contacts", "3"))
	out := filepath.Join(dir, "state.json")
	if err := saveStates(anyMessage(t), write, out); err != nil {
		t.Fatal(err)
	}
	var states []struct {
		Stream struct {
			Descriptor struct{ Name string } `json:"stream_descriptor"`
			State      struct{ C string }    `json:"stream_state"`
		} `json:"stream"`
	}
	if err := readJSON(out, &states); err != nil {
		t.Fatal(err)
	}
	if len(states) != 2 || states[0].Stream.Descriptor.Name != "contacts" || states[0].Stream.State.C != "3" ||
		states[1].Stream.Descriptor.Name != "event_a" || states[1].Stream.State.C != "2" {
		t.Errorf("states %+v, want the last of contacts (3) and of event_a (2)", states)
	}
	if err := saveStates(anyMessage(t), writeLines(t, dir, "none.jsonl", logLine), out); err == nil {
		t.Error("no state echoed: no error")
	}
}

func TestCheckDelivered(t *testing.T) {
	dir := t.TempDir()
	contacts := writeLines(t, dir, "contacts.json",
		`[{"id":"1","email":" Ann@Example.com "},{"id":"2","email":"not-an-email"},{"id":"3"}]`)
	dump := func(profiles string) string { return writeLines(t, dir, "profiles.json", profiles) }
	good := `[{"identifiers":{"email":"ann@example.com","uuid":"1"}},{"identifiers":{"uuid":"2"}},{"identifiers":{"uuid":"3"}}]`
	if err := checkDelivered(contacts, dump(good)); err != nil {
		t.Errorf("every contact delivered: %v", err)
	}
	for name, profiles := range map[string]string{
		"a contact without its email": `[{"identifiers":{"uuid":"1"}},{"identifiers":{"uuid":"2"}},{"identifiers":{"uuid":"3"}}]`,
		"a contact missing":           `[{"identifiers":{"email":"ann@example.com","uuid":"1"}},{"identifiers":{"uuid":"3"}}]`,
	} {
		if err := checkDelivered(contacts, dump(profiles)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
