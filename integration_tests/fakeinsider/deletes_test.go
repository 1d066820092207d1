package fakeinsider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

// call sends method path with the test credentials.
func call(t *testing.T, s *fakeinsider.Server, method, path string, body any) result {
	t.Helper()
	return send(t, s, method, path, "testpartner", "test-api-key", body)
}

func ids(kv ...string) map[string]any {
	m := map[string]any{}
	for i := 0; i < len(kv); i += 2 {
		if strings.HasPrefix(kv[i], "custom.") {
			m["custom"] = map[string]any{strings.TrimPrefix(kv[i], "custom."): kv[i+1]}
			continue
		}
		m[kv[i]] = kv[i+1]
	}
	return m
}

func seed(t *testing.T, s *fakeinsider.Server) {
	t.Helper()
	r := upsert(t, s, users(
		map[string]any{"identifiers": ids("email", "a@x.com", "uuid", "1"), "attributes": map[string]any{"name": "A"}},
		map[string]any{"identifiers": ids("email", "b@x.com", "uuid", "2"), "attributes": map[string]any{"name": "B"}},
	))
	if r.status != 200 || s.ProfileCount() != 2 {
		t.Fatalf("seed: %d %s, %d profiles", r.status, r.raw, s.ProfileCount())
	}
}

func TestDeleteUser(t *testing.T) {
	s := newServer(t)
	seed(t, s)
	if r := call(t, s, "POST", "/api/user/v1/delete", map[string]any{"identifiers": ids("uuid", "1")}); r.status != 200 || r.raw != "{}" {
		t.Fatalf("delete: %d %s", r.status, r.raw)
	}
	if _, ok := s.FindByEmail("a@x.com"); ok || s.ProfileCount() != 1 {
		t.Fatal("the deleted profile is still found by its other identifier")
	}
	// Deleting a user that does not exist is answered like a deletion (documented: 200 {}).
	if r := call(t, s, "POST", "/api/user/v1/delete", map[string]any{"identifiers": ids("uuid", "1")}); r.status != 200 {
		t.Fatalf("second delete: %d %s", r.status, r.raw)
	}
	if r := call(t, s, "POST", "/api/user/v1/delete", map[string]any{"identifiers": map[string]any{}}); r.status != 400 {
		t.Fatalf("delete without identifiers: %d %s", r.status, r.raw)
	}
	if n := s.RequestCount(fakeinsider.EndpointDelete); n != 3 {
		t.Errorf("%d delete requests counted, want 3", n)
	}
}

// TestDeleteReachesEveryHolder: identifiers of two profiles delete both (the fake's worst-case
// reading of a one-user API), so a client must send only what belongs to the deleted user.
func TestDeleteReachesEveryHolder(t *testing.T) {
	s := newServer(t)
	seed(t, s)
	if r := call(t, s, "POST", "/api/user/v1/delete", map[string]any{"identifiers": ids("uuid", "1", "email", "b@x.com")}); r.status != 200 {
		t.Fatalf("delete: %d %s", r.status, r.raw)
	}
	if n := s.ProfileCount(); n != 0 {
		t.Errorf("%d profiles left, want both holders deleted", n)
	}
	seed(t, s)
	p, _ := s.FindByUUID("2")
	if r := call(t, s, "POST", "/api/user/v1/delete", map[string]any{"insider_id": p.InsiderID}); r.status != 200 {
		t.Fatalf("delete by insider_id: %d %s", r.status, r.raw)
	}
	if _, ok := s.FindByUUID("2"); ok || s.ProfileCount() != 1 {
		t.Errorf("delete by insider_id left %d profiles", s.ProfileCount())
	}
}

func TestAnonymize(t *testing.T) {
	s := newServer(t)
	seed(t, s)
	if r := call(t, s, "POST", "/api/user/v1/anonymize", map[string]any{"identifiers": ids("email", "b@x.com")}); r.status != 200 {
		t.Fatalf("anonymize: %d %s", r.status, r.raw)
	}
	p, ok := s.FindByUUID("2")
	if !ok || !p.Anonymized || p.Identifiers.Email != "" || len(p.Attributes) != 0 {
		t.Fatalf("anonymized profile %+v", p)
	}
	r := call(t, s, "POST", "/api/user/v1/anonymize", map[string]any{"identifiers": ids("email", "nobody@x.com")})
	if r.status != 404 || r.body["error"] != "no such user for these identifiers: no data" {
		t.Fatalf("anonymize unknown: %d %s", r.status, r.raw)
	}
}

// TestAnonymizeKeepsWhatIsNotPII: the default PII attributes and the custom ones the account
// marks PII go; other attributes and the sole identifier stay.
func TestAnonymizeKeepsWhatIsNotPII(t *testing.T) {
	s := fakeinsider.New(fakeinsider.Options{PIIAttributes: []string{"company"}})
	t.Cleanup(s.Close)
	upsert(t, s, users(map[string]any{"identifiers": ids("email", "c@x.com"), "attributes": map[string]any{
		"name": "C", "city": "X", "email_optin": true, "custom": map[string]any{"lifecycle_stage": "lead", "company": "Acme"}}}))
	if r := call(t, s, "POST", "/api/user/v1/anonymize", map[string]any{"identifiers": ids("email", "c@x.com")}); r.status != 200 {
		t.Fatalf("anonymize: %d %s", r.status, r.raw)
	}
	p, ok := s.FindByEmail("c@x.com")
	want := map[string]any{"email_optin": true, "custom": map[string]any{"lifecycle_stage": "lead"}}
	if !ok || !p.Anonymized || fmt.Sprint(p.Attributes) != fmt.Sprint(want) {
		t.Errorf("anonymized profile %+v: want its sole email kept and attributes %v", p, want)
	}
}

func TestIdentityChange(t *testing.T) {
	s := newServer(t)
	seed(t, s)
	patch := func(old, nw map[string]any) result {
		return call(t, s, "PATCH", "/api/user/v1/identity", map[string]any{"old_identifier": old, "new_identifier": nw})
	}
	if r := patch(ids("uuid", "1"), ids("uuid", "9")); r.status != 200 {
		t.Fatalf("re-key: %d %s", r.status, r.raw)
	}
	if p, ok := s.FindByUUID("9"); !ok || p.Identifiers.Email != "a@x.com" {
		t.Fatalf("re-keyed profile %+v", p)
	}
	if _, ok := s.FindByUUID("1"); ok {
		t.Fatal("the old uuid still finds a profile")
	}
	for _, tc := range []struct {
		old, nw map[string]any
		status  int
		msg     string
	}{
		{ids("uuid", "1"), ids("uuid", "8"), 404, "no such user for these identifiers: no data"},
		{ids("uuid", "9"), ids("uuid", "2"), 400, "new identifier already has a user assigned to it: bad request"},
		{ids("uuid", "9"), ids("uuid", "9"), 400, "identifier values are the same: bad request"},
		{ids("uuid", "9", "email", "a@x.com"), ids("uuid", "7"), 400, "there must be exactly 1 entry for both new and old identifiers: bad request"},
		{ids("uuid", "9"), ids("email", "z@x.com"), 400, "there must be exactly 1 entry for both new and old identifiers: bad request"},
	} {
		if r := patch(tc.old, tc.nw); r.status != tc.status || r.body["error"] != tc.msg {
			t.Errorf("%v -> %v: %d %s, want %d %q", tc.old, tc.nw, r.status, r.raw, tc.status, tc.msg)
		}
	}
	// Custom identifiers are re-keyed the same way.
	upsert(t, s, users(map[string]any{"identifiers": ids("custom.crm_id", "5"), "attributes": map[string]any{"name": "C"}}))
	if r := patch(ids("custom.crm_id", "5"), ids("custom.crm_id", "6")); r.status != 200 {
		t.Fatalf("custom re-key: %d %s", r.status, r.raw)
	}
	if _, ok := s.FindByCustom("crm_id", "6"); !ok {
		t.Error("custom identifier not re-keyed")
	}
	if err := s.CheckIndex(); err != nil {
		t.Error(err)
	}
}

// TestIdentityChangeOutsideIdentityResolution: a type not enabled in identity resolution is
// refused with 400 "no valid identifier"; an enabled one is re-keyed.
func TestIdentityChangeOutsideIdentityResolution(t *testing.T) {
	s := fakeinsider.New(fakeinsider.Options{IdentityIdentifiers: []string{"uuid", "custom.crm_id"}})
	t.Cleanup(s.Close)
	upsert(t, s, users(map[string]any{"identifiers": ids("uuid", "1", "email", "a@x.com"), "attributes": map[string]any{"name": "A"}}))
	patch := func(old, nw map[string]any) result {
		return call(t, s, "PATCH", "/api/user/v1/identity", map[string]any{"old_identifier": old, "new_identifier": nw})
	}
	for _, old := range []map[string]any{ids("email", "a@x.com"), ids("custom.other", "5")} {
		if r := patch(old, ids(keyOf(old), "x@y.com")); r.status != 400 || r.body["error"] != "no valid identifier: bad request" {
			t.Errorf("%v: %d %s, want 400 no valid identifier", old, r.status, r.raw)
		}
	}
	if r := patch(ids("uuid", "1"), ids("uuid", "2")); r.status != 200 || r.raw != "{}" {
		t.Errorf("uuid re-key: %d %s", r.status, r.raw)
	}
}

// keyOf is the identifier type of a one-entry identifiers object built by ids.
func keyOf(m map[string]any) string {
	for k, v := range m {
		if c, ok := v.(map[string]any); ok {
			for n := range c {
				return "custom." + n
			}
		}
		return k
	}
	return ""
}

// TestDeleteIdentifier: DELETE /api/user/v1/identity removes one identifier from its profile,
// refuses the profile's sole identifier and more than one entry.
func TestDeleteIdentifier(t *testing.T) {
	s := newServer(t)
	seed(t, s)
	del := func(body map[string]any) result {
		return call(t, s, "DELETE", "/api/user/v1/identity", map[string]any{"identifiers": body})
	}
	if r := del(ids("email", "a@x.com")); r.status != 200 {
		t.Fatalf("delete email: %d %s", r.status, r.raw)
	}
	if p, ok := s.FindByUUID("1"); !ok || p.Identifiers.Email != "" {
		t.Errorf("profile %+v still has its email", p.Identifiers)
	}
	if _, ok := s.FindByEmail("a@x.com"); ok {
		t.Error("the deleted email still finds a profile")
	}
	for _, tc := range []struct {
		body   map[string]any
		status int
		msg    string
	}{
		{ids("uuid", "1"), 400, "you cannot delete the sole identifier specified for a user: bad request"},
		{ids("email", "a@x.com"), 404, "no such user for these identifiers: no data"},
		{ids("uuid", "2", "email", "b@x.com"), 400, "there must be exactly 1 entry in identifiers: bad request"},
	} {
		if r := del(tc.body); r.status != tc.status || r.body["error"] != tc.msg {
			t.Errorf("%v: %d %s, want %d %q", tc.body, r.status, r.raw, tc.status, tc.msg)
		}
	}
	if err := s.CheckIndex(); err != nil {
		t.Error(err)
	}
}
