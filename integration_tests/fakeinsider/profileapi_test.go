package fakeinsider_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

func getProfile(t *testing.T, s *fakeinsider.Server, body map[string]any) result {
	t.Helper()
	return call(t, s, "POST", "/api/user/v1/profile", body)
}

// TestGetProfile: the documented read of one profile: the attributes asked for that it has,
// the events of the types asked for in the range, the quota; 404 for an unknown user.
func TestGetProfile(t *testing.T) {
	s := listServer(t, fakeinsider.Options{Clock: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }})
	mustUpsert(t, s, map[string]any{"identifiers": ids("uuid", "1"), "events": []any{
		map[string]any{"event_name": "signup", "timestamp": "2025-12-01T00:00:00Z", "event_params": map[string]any{"url": "u1", "custom": map[string]any{"plan": "p"}}},
		map[string]any{"event_name": "signup", "timestamp": "2025-10-01T00:00:00Z"}, // out of range
		map[string]any{"event_name": "view", "timestamp": "2025-12-02T00:00:00Z"},
	}})
	p, _ := s.FindByUUID("1")
	start, end := time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC).Unix(), time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC).Unix()
	r := getProfile(t, s, map[string]any{"identifiers": ids("email", "a@x.com"),
		"attributes": []any{"email", "name", "c_plan", "c_absent", "age", "iid"},
		"events": map[string]any{"start_date": start, "end_date": end, "wanted": []any{
			map[string]any{"event_name": "signup", "params": []any{"url", "plan", "timestamp"}},
			map[string]any{"event_name": "purchase", "params": []any{"currency"}}}},
		"quota": true})
	want := map[string]any{
		"attributes": map[string]any{"email": "a@x.com", "name": "A", "c_plan": "gold", "iid": p.InsiderID},
		"events":     map[string]any{"signup": []any{map[string]any{"url": "u1", "plan": "p", "created_date": "2025-12-01T00:00:00Z"}}},
		"quota":      map[string]any{"cost": 2.0, "used": 2.0, "total": float64(1000)},
	}
	if diff := cmp.Diff(want, r.body); r.status != 200 || diff != "" {
		t.Errorf("answer %d (-want +got):\n%s", r.status, diff)
	}
	for _, tc := range []struct {
		body   map[string]any
		status int
		msg    string
	}{
		{map[string]any{"identifiers": ids("uuid", "2"), "attributes": []any{"name"}}, 404, "no such user for these identifiers: no data"},
		{map[string]any{"identifiers": ids("uuid", "1")}, 400, "attributes or events must be defined: bad request"},
		{map[string]any{"identifiers": ids("uuid", "1"), "events": map[string]any{"wanted": []any{}}}, 400, "events must have start_date, end_date and wanted: bad request"},
		{map[string]any{"attributes": []any{"name"}}, 400, "identifiers must be defined: bad request"},
	} {
		if r := getProfile(t, s, tc.body); r.status != tc.status || r.body["error"] != tc.msg {
			t.Errorf("%v: %d %s, want %d %q", tc.body, r.status, r.raw, tc.status, tc.msg)
		}
	}
	if r := getProfile(t, s, map[string]any{"insider_id": p.InsiderID, "attributes": []any{"custom"}}); r.status != 200 ||
		r.raw != `{"attributes":{"custom":{"hubspot_lists":["Newsletter","Leads","VIP"],"plan":"gold","score":7}}}` {
		t.Errorf("by insider_id: %d %s", r.status, r.raw)
	}
}

// TestRateLimits: with budgets set, a request past its minute's budget is answered 429 with
// Retry-After and does nothing; upsert and attribute delete share one budget; the next minute
// has a fresh one.
func TestRateLimits(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 15, 0, time.UTC)
	s := fakeinsider.New(fakeinsider.Options{Clock: func() time.Time { return now },
		RateLimits: map[fakeinsider.Endpoint]int{fakeinsider.EndpointUpsert: 2, fakeinsider.EndpointIdentity: 1, fakeinsider.EndpointProfile: 2}})
	t.Cleanup(s.Close)
	mustUpsert(t, s, person(map[string]any{"name": "A"}, "uuid", "1"))
	if r := attrDelete(t, s, map[string]any{"identifiers": ids("uuid", "1"), "whole": []any{"name"}}); r.status != 200 {
		t.Fatalf("attribute delete within the budget: %d %s", r.status, r.raw)
	}
	r := upsert(t, s, users(person(map[string]any{"name": "B"}, "uuid", "2")))
	if r.status != 429 || r.body["error"] != "rejected: too many requests" || r.header.Get("Retry-After") != "45" {
		t.Errorf("third upsert-budget request: %d %v %s", r.status, r.header, r.raw)
	}
	patch := map[string]any{"old_identifier": ids("uuid", "1"), "new_identifier": ids("uuid", "3")}
	if r := call(t, s, "PATCH", "/api/user/v1/identity", patch); r.status != 200 {
		t.Errorf("identity change: %d %s", r.status, r.raw)
	}
	if r := call(t, s, "PATCH", "/api/user/v1/identity", patch); r.status != 429 {
		t.Errorf("second identity change: %d %s", r.status, r.raw)
	}
	ask := map[string]any{"identifiers": ids("uuid", "3"), "attributes": []any{"name"},
		"events": map[string]any{"start_date": 0, "end_date": 1, "wanted": []any{map[string]any{"event_name": "x", "params": []any{}}}}}
	if r := getProfile(t, s, ask); r.status != 200 {
		t.Errorf("profile costing 1.5 of 2 units: %d %s", r.status, r.raw)
	}
	if r := getProfile(t, s, ask); r.status != 429 {
		t.Errorf("profile past the quota: %d %s", r.status, r.raw)
	}
	if s.ProfileCount() != 1 {
		t.Errorf("%d profiles: the refused upsert stored something", s.ProfileCount())
	}
	now = now.Add(time.Minute)
	mustUpsert(t, s, person(map[string]any{"name": "B"}, "uuid", "2"))
}
