package fakeinsider_test

import (
	"encoding/json"
	"testing"
)

func TestDeclaredCustomAttributesAreListed(t *testing.T) {
	s := newServer(t)
	s.DeclareCustomAttribute("score", "number")
	s.DeclareCustomAttribute("tier", "string")
	// A stored value of another JSON type does not change the declared type, and an undeclared
	// attribute ("seen") is left out of the profile, so it is not listed either.
	post(t, s, "/api/user/v1/upsert", "testpartner", "test-api-key", users(map[string]any{
		"identifiers": map[string]any{"email": "a@b.co"}, "attributes": map[string]any{"custom": map[string]any{"score": "7", "seen": true}}}))
	r := post(t, s, "/api/user/v3/metadata/columns", "testpartner", "test-api-key", map[string]string{"table": "contacts"})
	var cols []struct{ Key, Type string }
	if err := json.Unmarshal([]byte(r.raw), &cols); err != nil {
		t.Fatalf("columns: %d %s", r.status, r.raw)
	}
	got := map[string]string{}
	for _, c := range cols {
		got[c.Key] = c.Type
	}
	for key, want := range map[string]string{"c_score": "number", "c_tier": "string", "email": "string"} {
		if got[key] != want {
			t.Errorf("%s type = %q, want %q (all: %v)", key, got[key], want, got)
		}
	}
	if typ, ok := got["c_seen"]; ok {
		t.Errorf("undeclared c_seen listed as %q", typ)
	}
}
