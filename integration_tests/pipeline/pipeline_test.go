package pipeline

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestStatesRoundTripLatestPerStream(t *testing.T) {
	path := filepath.Join(t.TempDir(), StateFile)
	states := map[string]json.RawMessage{}
	for _, s := range []string{
		`{"type":"STREAM","stream":{"stream_descriptor":{"name":"contacts"},"stream_state":{"n":1}}}`,
		`{"type":"STREAM","stream":{"stream_descriptor":{"name":"event_x"},"stream_state":{"n":2}}}`,
		`{"type":"STREAM","stream":{"stream_descriptor":{"name":"contacts"},"stream_state":{"n":3,"big":12345678901234567890}}}`,
	} {
		key, err := stateKey(json.RawMessage(s))
		if err != nil {
			t.Fatal(err)
		}
		states[key] = json.RawMessage(s)
	}
	if err := SaveStates(path, states); err != nil {
		t.Fatal(err)
	}
	got, err := LoadStates(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || string(got["/contacts"]) != string(states["/contacts"]) {
		t.Fatalf("loaded %v", got)
	}
	if missing, err := LoadStates(filepath.Join(t.TempDir(), "none.json")); err != nil || len(missing) != 0 {
		t.Fatalf("a missing state file must be no state: %v %v", missing, err)
	}
}

func TestJSONFileRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.json")
	in := map[string]any{"api_key": "k", "batch": []any{1.0, "two"}}
	if err := WriteJSONFile(path, in); err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := ReadJSONFile(path, &out); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(in, out); d != "" {
		t.Errorf("read back (-wrote +read):\n%s", d)
	}
	if err := ReadJSONFile(filepath.Join(dir, "none.json"), &out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v, want os.ErrNotExist", err)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := ReadJSONFile(bad, &out); err == nil || !strings.Contains(err.Error(), "bad.json") {
		t.Errorf("bad JSON: %v, want an error naming the file", err)
	}
}

func TestLogFields(t *testing.T) {
	got, err := LogFields(`records_read=10 rejected_by_reason="invalid_identifier=2, no_identifier=1" dry_run=false`)
	if err != nil {
		t.Fatal(err)
	}
	if got["records_read"] != "10" || got["rejected_by_reason"] != "invalid_identifier=2, no_identifier=1" || got["dry_run"] != "false" {
		t.Fatalf("fields = %v", got)
	}
	if _, err := LogFields(`no equals sign here`); err == nil {
		t.Fatal("want an error for text that is not key=value")
	}
}
