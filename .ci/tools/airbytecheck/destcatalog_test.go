package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func parseLines(t *testing.T, lines ...string) []message {
	t.Helper()
	var out []message
	for _, l := range lines {
		var m message
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("bad fixture %s: %v", l, err)
		}
		m.Raw = []byte(l)
		out = append(out, m)
	}
	return out
}

const (
	unknownDiscover = `{"type":"TRACE","trace":{"type":"ERROR","emitted_at":1,"error":{"message":"unknown command \"discover\"; usage: spec | check --config FILE","failure_type":"config_error"}}}`
	logLine         = `{"type":"LOG","log":{"level":"INFO","message":"hello"}}`
	userOp          = `{"object_name":"user","sync_mode":"append_dedup","matching_keys":[["email"],["phone_number"],["uuid"]],"json_schema":{"type":"object","properties":{"email":{},"phone_number":{},"uuid":{},"name":{}}}}`
	eventOp         = `{"object_name":"event","sync_mode":"append","json_schema":{"type":"object","properties":{"email":{},"event_name":{},"timestamp":{}}}}`
)

func catalogLine(ops ...string) string {
	return `{"type":"DESTINATION_CATALOG","destination_catalog":{"operations":[` + strings.Join(ops, ",") + `]}}`
}

func TestDestCatalogResult(t *testing.T) {
	cases := []struct {
		name  string
		lines []string
		exit  int
		want  string // substring of the result line; empty means an error is expected
	}{
		{"no discover yet", []string{logLine, unknownDiscover}, 1, "does not answer discover yet"},
		{"contract catalog", []string{logLine, catalogLine(userOp, eventOp)}, 0, "user/append_dedup, event/append"},
		{"unknown command but exit 0", []string{unknownDiscover}, 0, ""},
		{"other error", []string{`{"type":"TRACE","trace":{"type":"ERROR","emitted_at":1,"error":{"message":"config invalid","failure_type":"config_error"}}}`}, 1, ""},
		{"nothing at all", nil, 0, ""},
		{"catalog but failed", []string{catalogLine(userOp, eventOp)}, 1, ""},
		{"two catalogs", []string{catalogLine(userOp, eventOp), catalogLine(userOp, eventOp)}, 0, ""},
		{"no event operation", []string{catalogLine(userOp)}, 0, ""},
		{"user without uuid key", []string{catalogLine(strings.Replace(userOp, `,["uuid"]`, "", 1), eventOp)}, 0, ""},
		{"event without timestamp", []string{catalogLine(userOp, strings.Replace(eventOp, `,"timestamp":{}`, "", 1))}, 0, ""},
		{"record besides catalog", []string{catalogLine(userOp, eventOp), `{"type":"RECORD","record":{"stream":"x","data":{},"emitted_at":1}}`}, 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := destCatalogResult(parseLines(t, c.lines...), c.exit)
			if c.want == "" {
				if err == nil {
					t.Fatalf("want an error, got %q", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if !strings.Contains(got, c.want) {
				t.Fatalf("got %q, want it to contain %q", got, c.want)
			}
		})
	}
}
