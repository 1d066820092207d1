package source

import (
	"testing"
	"time"

	"golang.org/x/time/rate"

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
	want := e.fake.addInterleaved(20, 500, 300, t0.Add(-48*time.Hour), t0.Add(-30*time.Minute))
	full, cat := readWindow(t, e, want)
	if n := e.fake.callCount(pathList); n < 10 {
		t.Fatalf("%d list calls: the spread window should be read by list too", n)
	}
	if backfills := len(resumeFromEachState(t, e, cat, full, want, isBackfill)); backfills < 3 {
		t.Errorf("only %d backfill checkpoints for %d contacts every 700", backfills, len(want))
	}
}
