package pipeline

import (
	"encoding/json"
	"path/filepath"
	"testing"
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
