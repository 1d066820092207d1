package fakeinsider_test

import (
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

// TestAccountRules: values an account does not take are left out of accepted users and counted
// by reason: undeclared or mistyped custom attributes, a country that is not ISO 3166-1 alpha-2,
// identifiers sent as attributes, and events past retention.
func TestAccountRules(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name        string
		user        map[string]any
		wantAttrs   map[string]any
		wantEvents  int
		wantIgnored map[string]int
	}{
		{name: "typed custom attributes", user: map[string]any{
			"attributes": map[string]any{"custom": map[string]any{"score": 3.5, "vip": true, "since": "2020-01-02T00:00:00Z", "tags": []any{"a"}, "plan": "gold"}}},
			wantAttrs: map[string]any{"custom": map[string]any{"score": 3.5, "vip": true, "since": "2020-01-02T00:00:00Z", "tags": []any{"a"}, "plan": "gold"}}},
		{name: "mistyped and undeclared", user: map[string]any{
			"attributes": map[string]any{"name": "A", "custom": map[string]any{"score": "3.5", "vip": "true", "since": "2020-01-02", "tags": "a;b", "plan": 5, "other": "x"}}},
			wantAttrs:   map[string]any{"name": "A"},
			wantIgnored: map[string]int{fakeinsider.IgnoredMistyped: 5, fakeinsider.IgnoredUndeclared: 1}},
		{name: "country", user: map[string]any{"attributes": map[string]any{"country": "United States", "city": "X"}},
			wantAttrs: map[string]any{"city": "X"}, wantIgnored: map[string]int{fakeinsider.IgnoredCountry: 1}},
		{name: "country code", user: map[string]any{"attributes": map[string]any{"country": "US"}},
			wantAttrs: map[string]any{"country": "US"}},
		{name: "identifier as attribute", user: map[string]any{"attributes": map[string]any{"email": "a@b.co", "name": "A"}},
			wantAttrs: map[string]any{"name": "A"}, wantIgnored: map[string]int{fakeinsider.IgnoredIdentifier: 1}},
		{name: "event retention", user: map[string]any{"events": []any{
			map[string]any{"event_name": "signup", "timestamp": "2026-03-10T00:00:00Z"}, // 83 days: kept
			map[string]any{"event_name": "signup", "timestamp": "2026-02-28T00:00:00Z"}, // 93 days: not written
			map[string]any{"event_name": "purchase", "timestamp": "2025-01-01T00:00:00Z", // purchases: 730 days
				"event_params": map[string]any{"event_group_id": "g", "currency": "USD", "unit_sale_price": 1}},
		}}, wantAttrs: map[string]any{}, wantEvents: 2, wantIgnored: map[string]int{fakeinsider.IgnoredPastTTL: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := fakeinsider.New(fakeinsider.Options{Clock: func() time.Time { return now },
				CustomAttributes: map[string]string{"score": "number", "vip": "boolean", "since": "date", "tags": "array", "plan": "string"}})
			t.Cleanup(s.Close)
			u := maps.Clone(tc.user)
			u["identifiers"] = map[string]any{"uuid": "u1"}
			if r := upsert(t, s, users(u)); r.status != 200 || s.UsersAccepted() != 1 {
				t.Fatalf("got %d %s", r.status, r.raw)
			}
			p, _ := s.FindByUUID("u1")
			if diff := cmp.Diff(tc.wantAttrs, p.Attributes); diff != "" {
				t.Errorf("attributes (-want +got):\n%s", diff)
			}
			if len(p.Events) != tc.wantEvents {
				t.Errorf("%d events stored, want %d", len(p.Events), tc.wantEvents)
			}
			want := tc.wantIgnored
			if want == nil {
				want = map[string]int{}
			}
			if diff := cmp.Diff(want, s.Ignored()); diff != "" {
				t.Errorf("ignored (-want +got):\n%s", diff)
			}
		})
	}
}

// TestIdentityResolution: only identifier types in identity resolution unify profiles; others
// are kept as attributes.
func TestIdentityResolution(t *testing.T) {
	s := fakeinsider.New(fakeinsider.Options{IdentityIdentifiers: []string{"uuid"}})
	t.Cleanup(s.Close)
	for _, id := range []string{"u1", "u2"} {
		upsert(t, s, users(map[string]any{"identifiers": map[string]any{"uuid": id, "email": "shared@example.com"},
			"attributes": map[string]any{"name": id}}))
	}
	if n := s.ProfileCount(); n != 2 {
		t.Fatalf("%d profiles, want 2: email is not an identity identifier here", n)
	}
	p, _ := s.FindByUUID("u1")
	if p.Identifiers.Email != "" || p.Attributes["email"] != "shared@example.com" {
		t.Errorf("profile %+v", p)
	}
	if got := s.Ignored()[fakeinsider.IgnoredNotIdentity]; got != 2 {
		t.Errorf("not_an_identity = %d, want 2", got)
	}
}

// TestMetadataAndProfile: the metadata lists the declared custom attributes with their types; a
// host without it answers 404; the profile endpoint answers 404 "no such user" for unknown users.
func TestMetadataAndProfile(t *testing.T) {
	s := fakeinsider.New(fakeinsider.Options{CustomAttributes: map[string]string{"plan": "string", "score": "number"}})
	t.Cleanup(s.Close)
	r := post(t, s, "/api/user/v3/metadata/columns", "testpartner", "test-api-key", map[string]string{"table": "contacts"})
	if !strings.Contains(r.raw, `{"display_name":"plan","key":"c_plan","type":"string"}`) ||
		!strings.Contains(r.raw, `{"display_name":"score","key":"c_score","type":"number"}`) {
		t.Errorf("metadata %s", r.raw)
	}
	r = post(t, s, "/api/user/v1/profile", "testpartner", "test-api-key", map[string]any{"identifiers": map[string]any{"uuid": "nobody"}, "attributes": []string{"uuid"}})
	if r.status != 404 || !strings.Contains(r.raw, "no such user") {
		t.Errorf("profile: %d %s", r.status, r.raw)
	}
	n := fakeinsider.New(fakeinsider.Options{NoMetadata: true})
	t.Cleanup(n.Close)
	if r := post(t, n, "/api/user/v3/metadata/columns", "testpartner", "test-api-key", map[string]string{"table": "contacts"}); r.status != 404 {
		t.Errorf("metadata without the endpoint: %d", r.status)
	}
}
