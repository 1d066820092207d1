package destination

import (
	"fmt"
	"testing"

	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

// TestSharedFakeReplayIsIdempotent writes the same input twice to the
// project's full Insider fake: Insider validates every user the mapper
// builds, and a replay (the next run after a failure) changes no profile
// count and duplicates no event.
func TestSharedFakeReplayIsIdempotent(t *testing.T) {
	t.Parallel()
	srv := fakeinsider.New(fakeinsider.Options{PartnerName: "mybrand", APIKey: "secret-key"})
	t.Cleanup(srv.Close)
	var in []string
	for i := range 50 {
		in = append(in, contact(i+1))
		in = append(in, recordLine("event_signup", fmt.Sprintf(
			`{"id":"e%d","occurredAt":"2026-01-02T03:04:05Z","properties":{"page":"https://x.test/%d"},"contact":{"email":"user%d@example.com"}}`, i, i, i+1)))
	}
	in = append(in, stateLine("contacts", 1), stateLine("event_signup", 1))
	cfg := baseConfig(srv.URL, func(c map[string]any) { c["batch_size"] = 7 })
	for run := range 2 {
		r := runCmd(t, "write", cfg, in)
		if r.code != 0 || len(r.states) != 2 {
			t.Fatalf("run %d: exit %d, %d states, traces %v", run, r.code, len(r.states), r.traces)
		}
	}
	if srv.UsersRejected() != 0 {
		t.Errorf("Insider rejected %d users", srv.UsersRejected())
	}
	if n := srv.ProfileCount(); n != 50 {
		t.Errorf("%d profiles after two runs, want 50", n)
	}
	p, ok := srv.FindByEmail("user7@example.com")
	if !ok || len(p.Events) != 1 || p.Attributes["name"] != "Ann" {
		t.Errorf("profile of user7 = %+v", p)
	}
}
