package source

import (
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

// A history read answered 429 or 5xx is waited out; one HubSpot keeps failing fails the run
// before any record of the window goes out without its previous_values, and without moving the
// watermark, so the next run delivers the change with them.
func TestPreviousValuesWhenTheHistoryReadFails(t *testing.T) {
	e, cat, state := identityWorld(t)
	e.fake.must(e.fake.ChangeEmail(1, t0.Add(10*time.Minute), "new1@example.com"))
	e.clk.Set(t0.Add(time.Hour))
	wantPrev := func(t *testing.T, res *result) {
		t.Helper()
		if p := previousValues(t, res)["1"]; p["email"] != "c1@example.com" {
			t.Errorf("contact 1: previous_values %v, want email c1@example.com", p)
		}
	}

	t.Run("transient", func(t *testing.T) {
		e.fake.RateLimitNext(fakehubspot.EndpointBatchRead, 1)
		e.fake.FailNext(fakehubspot.EndpointBatchRead, 1, 503)
		res := e.read(cat, state)
		if res.code != 0 {
			t.Fatalf("exit %d: %v", res.code, res.traceErrors())
		}
		wantPrev(t, res)
	})

	t.Run("persistent", func(t *testing.T) {
		e.fake.FailNext(fakehubspot.EndpointBatchRead, 1000, 500)
		res := e.read(cat, state)
		e.fake.ClearFaults()
		if res.code == 0 || len(res.traceErrors()) == 0 {
			t.Fatalf("exit %d with TRACE errors %v; want a failed run", res.code, res.traceErrors())
		}
		if got := previousValues(t, res); len(got) != 0 {
			t.Errorf("delivered %v while the history could not be read", got)
		}
		before, err := ParseContactsState(state)
		if err != nil {
			t.Fatal(err)
		}
		last := state
		for _, raw := range res.states("contacts") {
			st, err := ParseContactsState(raw)
			if err != nil {
				t.Fatal(err)
			}
			if !st.LastModified.Equal(before.LastModified) {
				t.Fatalf("STATE %s moved the watermark past a change not delivered", raw)
			}
			last = raw
		}
		wantPrev(t, mustRead(t, e, cat, last))
	})
}
