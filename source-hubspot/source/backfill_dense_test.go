package source

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// TestListPaysByTier: the cost model reads a window by both methods when the list's share of
// window contacts per second (general budget x 100 x density) is at least a quarter of the
// search's (search budget x 200), so a spread window of 2 in 5 contacts pays on every tier and
// one of 1 in 5 only with Pro/Enterprise budgets.
func TestListPaysByTier(t *testing.T) {
	for _, tc := range []struct {
		tier    string
		other   rate.Limit
		density float64
		want    bool
	}{
		{"starter", accountTiers["starter"], 0.4, true},
		{"starter", accountTiers["starter"], 0.2, false},
		{"public_app", accountTiers["public_app"], 0.26, true},
		{"professional", accountTiers["professional"], 0.2, true},
		{"professional", accountTiers["professional"], 0.13, false},
		{"limit_increase", accountTiers["limit_increase"], 0.11, true},
		{"a lowered budget", 3, 0.6, false},
	} {
		c, err := hubspot.New(hubspot.Config{BaseURL: "https://api.hubapi.com", Credentials: hubspot.Credentials{AccessToken: "pat"},
			Limits: hubspot.Limits{Other: tc.other}})
		if err != nil {
			t.Fatal(err)
		}
		cr := &contactsReader{readRun: &readRun{src: &Source{}, client: c}}
		const above = 100000
		if got := cr.listPays(int(tc.density*above), above); got != tc.want {
			t.Errorf("%s (%g/s), window density %g: listPays = %v, want %v", tc.tier, float64(tc.other), tc.density, got, tc.want)
		}
	}
}

// TestListPaysWithinTheDailyLimit: a window whose list would spend more than 1% of the daily
// requests left (of 250,000 when the answers do not tell) is searched alone, however dense.
func TestListPaysWithinTheDailyLimit(t *testing.T) {
	c, err := hubspot.New(hubspot.Config{BaseURL: "https://api.hubapi.com", Credentials: hubspot.Credentials{AccessToken: "pat"}})
	if err != nil {
		t.Fatal(err)
	}
	cr := &contactsReader{readRun: &readRun{src: &Source{}, client: c}}
	if !cr.listPays(250000, 250000) || cr.listPays(250100, 250100) {
		t.Errorf("listPays at 2,500 and 2,501 list calls of an unknown daily limit: %v, %v; want true, false",
			cr.listPays(250000, 250000), cr.listPays(250100, 250100))
	}
}

// TestSpreadWindowResumesFromEveryState: a window spread over the ids (3 in 8 of them), read by
// search and list because the list pays, resumes from each of its STATEs without losing a
// contact, and a run that is not stopped delivers each contact once.
func TestSpreadWindowResumesFromEveryState(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.opts = append(e.opts, WithCheckpointEvery(700))
	old, recent := t0.Add(-48*time.Hour), t0.Add(-30*time.Minute)
	want := map[string]bool{}
	for i := int64(0); i < 20; i++ {
		e.fake.addContacts(1+i*800, 500, old)
		e.fake.addContacts(501+i*800, 300, recent)
		for id := range wantIDs(501+i*800, 300) {
			want[id] = true
		}
	}
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	in := json.RawMessage(`{"lastmodifieddate":"` + formatTime(t0.Add(-time.Hour)) + `"}`)
	full := e.read(cat, in)
	if full.code != 0 {
		t.Fatalf("exit %d: %v", full.code, full.traceErrors())
	}
	checkExactlyOnce(t, idsOf(t, full.records("contacts")), want)
	if n := e.fake.callCount(pathList); n < 10 {
		t.Fatalf("%d list calls: the spread window should be read by list too", n)
	}
	var before []string
	backfills := 0
	for _, m := range full.msgs {
		switch m.Type {
		case "RECORD":
			before = append(before, ids(t, []json.RawMessage{m.Record.Data})[0])
		case "STATE":
			if !strings.Contains(string(m.State.Stream.State), `"backfill"`) {
				continue
			}
			backfills++
			resumed := e.read(cat, m.State.Stream.State)
			if resumed.code != 0 {
				t.Fatalf("resume from %s: exit %d %v", m.State.Stream.State, resumed.code, resumed.traceErrors())
			}
			got := map[string]bool{}
			for _, id := range append(slices.Clone(before), ids(t, resumed.records("contacts"))...) {
				got[id] = true
			}
			for id := range want {
				if !got[id] {
					t.Fatalf("resuming from %s loses contact %s", m.State.Stream.State, id)
				}
			}
		}
	}
	if backfills < 3 {
		t.Errorf("only %d backfill checkpoints for %d contacts every 700", backfills, len(want))
	}
}
