package fakeinsider_test

import "testing"

// TestEventTimestampsKeepFractionalSeconds: Insider takes timestamps as RFC 3339, which allows
// fractional seconds, and uses the timestamp as an event's identifier. Events of one user in one
// second are distinct when their fractions differ, and one instant written two ways is one event.
func TestEventTimestampsKeepFractionalSeconds(t *testing.T) {
	s := newServer(t)
	ev := func(ts string) map[string]any {
		return map[string]any{"event_name": "newsletter_signup", "timestamp": ts, "event_params": map[string]any{"url": "https://x"}}
	}
	r := upsert(t, s, users(map[string]any{"identifiers": map[string]any{"email": "a@example.com"}, "events": []any{
		ev("2025-12-01T10:00:00.100Z"), ev("2025-12-01T10:00:00.250Z"), ev("2025-12-01T10:00:00.5Z"), ev("2025-12-01T10:00:00Z"),
		ev("2025-12-01T10:00:00.500Z"), ev("2025-12-01T11:00:00.100+01:00"),
	}}))
	if s.UsersRejected() != 0 {
		t.Fatalf("fractional seconds refused: %s", r.raw)
	}
	p, ok := s.FindByEmail("a@example.com")
	if !ok {
		t.Fatal("no profile")
	}
	var got []string
	for _, e := range p.Events {
		got = append(got, e.Timestamp)
	}
	// .5Z and .500Z are one instant, as are .100Z and 11:00:00.100+01:00.
	if len(got) != 4 {
		t.Errorf("stored events at %q, want 4: .100, .250, .5 and the whole second", got)
	}
}
