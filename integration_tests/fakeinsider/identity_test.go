package fakeinsider_test

import (
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

// person is a user object with the given identifiers (see ids) and attributes.
func person(attrs map[string]any, kv ...string) map[string]any {
	return map[string]any{"identifiers": ids(kv...), "attributes": attrs}
}

func mustUpsert(t *testing.T, s *fakeinsider.Server, us ...map[string]any) {
	t.Helper()
	if r := upsert(t, s, users(us...)); r.status != 200 || r.body["data"].(map[string]any)["fail"].(map[string]any)["count"] != nil {
		t.Fatalf("upsert: %d %s", r.status, r.raw)
	}
	if err := s.CheckIndex(); err != nil {
		t.Fatal(err)
	}
}

// TestUpsertKeepsExistingIdentifiers: an upsert whose uuid finds a profile holding another
// email keeps the old email on the profile and drops the new one; the new email finds nothing.
func TestUpsertKeepsExistingIdentifiers(t *testing.T) {
	s := newServer(t)
	mustUpsert(t, s, person(map[string]any{"name": "A"}, "uuid", "1", "email", "a@x.com", "phone_number", "+14155550100"))
	mustUpsert(t, s, person(map[string]any{"name": "B"}, "uuid", "1", "email", "b@x.com", "phone_number", "+14155550199"))
	p, ok := s.FindByUUID("1")
	if !ok || p.Identifiers.Email != "a@x.com" || p.Identifiers.PhoneNumber != "+14155550100" || p.Attributes["name"] != "B" {
		t.Fatalf("profile %+v: want the old email and phone and the new name", p)
	}
	for _, typ := range []string{"email", "phone_number"} {
		v := map[string]string{"email": "b@x.com", "phone_number": "+14155550199"}[typ]
		if q, found := s.Find(typ, v); found {
			t.Errorf("the new %s %s finds profile %+v; upsert must not add it", typ, v, q.Identifiers)
		}
	}
	if s.ProfileCount() != 1 || s.Ignored()[fakeinsider.IgnoredOverLimit] != 2 {
		t.Errorf("%d profiles, ignored %v: want 1 profile and the two new identifiers dropped", s.ProfileCount(), s.Ignored())
	}
}

// TestUpsertNewUUIDWithTakenEmail: a new uuid arriving with an email that another uuid's profile
// holds gets a profile of its own, without the email; the other profile keeps it.
func TestUpsertNewUUIDWithTakenEmail(t *testing.T) {
	s := newServer(t)
	mustUpsert(t, s, person(map[string]any{"name": "Old"}, "uuid", "1", "email", "a@x.com"))
	mustUpsert(t, s, person(map[string]any{"name": "New"}, "uuid", "2", "email", "a@x.com"))
	if s.ProfileCount() != 2 {
		t.Fatalf("%d profiles, want 2: uuid 1 and 2 cannot share a profile", s.ProfileCount())
	}
	if p, _ := s.FindByEmail("a@x.com"); p.Identifiers.UUID != "1" || p.Attributes["name"] != "Old" {
		t.Errorf("email a@x.com is on %+v, want it left on uuid 1's unchanged profile", p)
	}
	if p, _ := s.FindByUUID("2"); p.Identifiers.Email != "" || p.Attributes["name"] != "New" {
		t.Errorf("uuid 2's profile %+v: want it without email, named New", p)
	}
	// Once uuid 1's profile is gone, the email is free and the next upsert adds it.
	if r := call(t, s, "POST", "/api/user/v1/delete", map[string]any{"identifiers": ids("uuid", "1")}); r.status != 200 {
		t.Fatalf("delete: %d %s", r.status, r.raw)
	}
	mustUpsert(t, s, person(map[string]any{"name": "New"}, "uuid", "2", "email", "a@x.com"))
	if p, _ := s.FindByEmail("a@x.com"); p.Identifiers.UUID != "2" {
		t.Errorf("after the delete email a@x.com is on %+v, want uuid 2", p.Identifiers)
	}
}

// TestIdentifierPriority: with email ranked first the same upsert lands on the email's profile
// and its uuid is dropped.
func TestIdentifierPriority(t *testing.T) {
	s := fakeinsider.New(fakeinsider.Options{IdentifierPriority: []string{"email", "uuid"}})
	t.Cleanup(s.Close)
	mustUpsert(t, s, person(map[string]any{"name": "Old"}, "uuid", "1", "email", "a@x.com"))
	mustUpsert(t, s, person(map[string]any{"name": "New"}, "uuid", "2", "email", "a@x.com"))
	if p, _ := s.FindByEmail("a@x.com"); s.ProfileCount() != 1 || p.Identifiers.UUID != "1" || p.Attributes["name"] != "New" {
		t.Errorf("%d profiles, %+v: want one, uuid 1, named New", s.ProfileCount(), p)
	}
	if _, found := s.FindByUUID("2"); found {
		t.Error("uuid 2 was dropped, yet it finds a profile")
	}
}

// TestUnifyProfiles: a user carrying identifiers of two profiles that fit together unifies them:
// identifiers joined, the most recently updated profile's values win, arrays and events joined.
func TestUnifyProfiles(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := fakeinsider.New(fakeinsider.Options{Clock: func() time.Time { return now }})
	t.Cleanup(s.Close)
	ev := func(name string) []any {
		return []any{map[string]any{"event_name": name, "timestamp": "2025-12-20T00:00:00Z"}}
	}
	mustUpsert(t, s, map[string]any{"identifiers": ids("email", "a@x.com"), "events": ev("first"),
		"attributes": map[string]any{"city": "Izmir", "name": "A", "static_segment_id": []any{1}}})
	now = now.Add(time.Hour)
	mustUpsert(t, s, map[string]any{"identifiers": ids("uuid", "1"), "events": ev("second"),
		"attributes": map[string]any{"city": "Ankara", "static_segment_id": []any{2}}})
	now = now.Add(time.Hour)
	mustUpsert(t, s, person(map[string]any{"age": 3}, "email", "a@x.com", "uuid", "1"))
	p, _ := s.FindByUUID("1")
	if s.ProfileCount() != 1 || p.Identifiers.Email != "a@x.com" || len(p.Events) != 2 {
		t.Fatalf("%d profiles, %+v: want one with both identifiers and events", s.ProfileCount(), p)
	}
	if p.Attributes["city"] != "Ankara" || p.Attributes["name"] != "A" || p.Attributes["age"] != float64(3) {
		t.Errorf("attributes %v: want the later city, the earlier name and the new age", p.Attributes)
	}
	if segs, _ := p.Attributes["static_segment_id"].([]any); len(segs) != 2 {
		t.Errorf("static_segment_id %v, want both profiles' values", segs)
	}
}
