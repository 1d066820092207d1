package source

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/datagen"
	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/protocol"
)

// backfillEnv is a shared fake holding n contacts and a first-run contacts catalog.
func backfillEnv(t *testing.T, opts fakehubspot.Options, n int) (*env, *fakehubspot.Server, map[string]bool, *protocol.ConfiguredCatalog) {
	t.Helper()
	e, srv := sharedEnv(t, opts)
	ids := srv.AddContacts(datagen.Contacts(datagen.Options{Seed: 5, Count: n,
		Start: t0.Add(-90 * 24 * time.Hour), End: t0.Add(-time.Hour)})...)
	want := map[string]bool{}
	for _, id := range ids {
		want[strconv.FormatInt(id, 10)] = true
	}
	return e, srv, want, e.catalog(protocol.SyncModeIncremental, "contacts")
}

// TestBackfillReadsByBothMethodsExactlyOnce: a first run reads with search and list at once,
// each contact once, while the portal modifies contacts after every search page; the state is
// the run's window end with no resume point left.
func TestBackfillReadsByBothMethodsExactlyOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: backfills 6,000 contacts under churn, which takes seconds")
	}
	t.Parallel()
	e, srv, want, cat := backfillEnv(t, fakehubspot.Options{}, 6000)
	srv.SetChurn(fakehubspot.Churn{PerPage: 25})
	res := e.read(cat, nil)
	if res.code != 0 {
		t.Fatalf("exit %d: %v", res.code, res.traceErrors())
	}
	checkExactlyOnce(t, idsOf(t, res.records("contacts")), want)
	lists, searches := srv.Count(fakehubspot.EndpointList), srv.Count(fakehubspot.EndpointSearch)
	if lists < 10 || searches < 5 {
		t.Errorf("%d list and %d search calls: the backfill should read with both", lists, searches)
	}
	if mods, _ := srv.Churned(); mods == 0 {
		t.Error("no contact modified during the run")
	}
	st, err := ParseContactsState(res.lastState(t, "contacts"))
	if err != nil {
		t.Fatal(err)
	}
	if wantEnd := t0.Add(-2 * time.Minute).Truncate(time.Millisecond); !st.LastModified.Equal(wantEnd) || st.Resume != nil {
		t.Errorf("final state %+v, want the watermark %s (the run start minus the index lag) and no resume point", st, wantEnd)
	}
}

// TestBackfillResumesFromEveryState: at each STATE of a backfill, the records before it plus a
// run resumed from it cover every contact, and the resumed run does not start over.
func TestBackfillResumesFromEveryState(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: backfills 5,000 contacts and resumes from each of its states, which takes seconds")
	}
	t.Parallel()
	e, _, want, cat := backfillEnv(t, fakehubspot.Options{}, 5000)
	e.opts = append(e.opts, WithCheckpointEvery(700))
	full := e.read(cat, nil)
	if full.code != 0 {
		t.Fatalf("exit %d: %v", full.code, full.traceErrors())
	}
	var before []string
	backfills := 0
	for _, m := range full.msgs {
		switch m.Type {
		case "RECORD":
			before = append(before, ids(t, []json.RawMessage{m.Record.Data})[0])
		case "STATE":
			if strings.Contains(string(m.State.Stream.State), `"backfill"`) {
				backfills++
			}
			resumed := e.read(cat, m.State.Stream.State)
			if resumed.code != 0 {
				t.Fatalf("resume from %s: exit %d %v", m.State.Stream.State, resumed.code, resumed.traceErrors())
			}
			got := map[string]bool{}
			for _, id := range before {
				got[id] = true
			}
			again := ids(t, resumed.records("contacts"))
			for _, id := range again {
				got[id] = true
			}
			for id := range want {
				if !got[id] {
					t.Fatalf("resuming from %s loses contact %s", m.State.Stream.State, id)
				}
			}
			// At most the pages the other workers were reading come again.
			if limit := len(want) - len(before) + 20*200; len(again) > limit && len(before) > 0 {
				t.Errorf("resuming from %s re-reads %d records, want at most %d", m.State.Stream.State, len(again), limit)
			}
		}
	}
	if backfills < 4 {
		t.Errorf("only %d backfill checkpoints for %d contacts every 700", backfills, len(want))
	}
}

// TestBackfillFallsBackToSearchWhenListAfterIsOpaque: a list endpoint whose after token is not
// an id is probed, then never used as one; search alone reads every contact.
func TestBackfillFallsBackToSearchWhenListAfterIsOpaque(t *testing.T) {
	t.Parallel()
	e, srv, want, cat := backfillEnv(t, fakehubspot.Options{OpaqueListCursor: true}, 3000)
	res := e.read(cat, nil)
	if res.code != 0 {
		t.Fatalf("exit %d: %v", res.code, res.traceErrors())
	}
	checkExactlyOnce(t, idsOf(t, res.records("contacts")), want)
	n := 0
	for _, q := range srv.RequestsTo(fakehubspot.EndpointList) {
		if !strings.Contains(q.Query, "archived=true") { // the archived contacts pass lists as well
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d list calls for live contacts; want only the two probe calls", n)
	}
}

// TestBackfillLeavesTheDailyReserve: a private app whose daily limit runs low stops listing at
// the reserve and finishes by search, with every contact once and no DAILY 429.
func TestBackfillLeavesTheDailyReserve(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: backfills 10,000 contacts, which takes seconds")
	}
	t.Parallel()
	e, srv, want, cat := backfillEnv(t, fakehubspot.Options{DailyMax: 40}, 10000)
	// Search answers slower than list, so the list reaches the reserve before the two meet.
	srv.SetLatency(fakehubspot.EndpointSearch, 10*time.Millisecond)
	e.cfg["credentials"] = map[string]any{"credentials_title": "Private App Credentials", "access_token": srv.Options().PrivateAppToken}
	res := e.read(cat, nil)
	if res.code != 0 {
		t.Fatalf("exit %d: %v", res.code, res.traceErrors())
	}
	checkExactlyOnce(t, idsOf(t, res.records("contacts")), want)
	// Every call but search counts; list workers (4) stop once fewer than 4 remain.
	if n := srv.Count(fakehubspot.EndpointAny) - srv.Count(fakehubspot.EndpointSearch); n > 40 {
		t.Errorf("%d calls against a daily limit of 40; the backfill should stop listing at the 10%% reserve", n)
	}
	if n := srv.Count(fakehubspot.EndpointList); n < 20 {
		t.Errorf("only %d list calls: the test needs the list to reach the reserve", n)
	}
	warned := false
	for _, l := range res.logs("WARN") {
		warned = warned || strings.Contains(l, "daily limit is nearly used up")
	}
	if !warned {
		t.Errorf("no warning that the daily reserve was reached: %q %q", res.logs("WARN"), res.logs("INFO"))
	}
}

// TestFullRefreshBackfillsLargePortals: a full refresh of a large portal reads by both methods.
func TestFullRefreshBackfillsLargePortals(t *testing.T) {
	t.Parallel()
	e, srv, want, _ := backfillEnv(t, fakehubspot.Options{}, 4000)
	res := e.read(e.catalog(protocol.SyncModeFullRefresh, "contacts"), nil)
	if res.code != 0 {
		t.Fatalf("exit %d: %v", res.code, res.traceErrors())
	}
	checkExactlyOnce(t, idsOf(t, res.records("contacts")), want)
	if srv.Count(fakehubspot.EndpointSearch) < 5 || srv.Count(fakehubspot.EndpointList) < 5 {
		t.Errorf("search %d, list %d calls; want both", srv.Count(fakehubspot.EndpointSearch), srv.Count(fakehubspot.EndpointList))
	}
}

// TestDenseIncrementalWindowBackfills: an incremental window holding most contacts is read by
// search and list at once; list answers modified before the window are not delivered, and every
// contact of the window comes exactly once.
func TestDenseIncrementalWindowBackfills(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	old, recent := t0.Add(-48*time.Hour), t0.Add(-30*time.Minute)
	// Old contacts interleave with the window's ids, so list chunks meet both.
	for i := int64(0); i < 12; i++ {
		e.fake.addContacts(1+i*1000, 150, old)
		e.fake.addContacts(151+i*1000, 850, recent)
	}
	want := map[string]bool{}
	for i := int64(0); i < 12; i++ {
		for id := range wantIDs(151+i*1000, 850) {
			want[id] = true
		}
	}
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	res := e.read(cat, json.RawMessage(`{"lastmodifieddate":"`+formatTime(t0.Add(-time.Hour))+`"}`))
	if res.code != 0 {
		t.Fatalf("exit %d: %v", res.code, res.traceErrors())
	}
	checkExactlyOnce(t, idsOf(t, res.records("contacts")), want)
	if n := e.fake.callCount(pathList); n < 10 {
		t.Errorf("%d list calls: a window of %d of %d contacts should be read by list too", n, len(want), 12*1000)
	}
}

// TestNewestContactsWindowBackfills: a window of the newest contacts is read by search and list
// at once although it holds under half of all contacts, because it holds all of those above its
// first page; a window of the same size spread over the older ids too, because the list still
// finds enough of it (listPays); a sparser window is searched alone.
func TestNewestContactsWindowBackfills(t *testing.T) {
	t.Parallel()
	old, recent := t0.Add(-48*time.Hour), t0.Add(-30*time.Minute)
	for _, tc := range []struct {
		name  string
		add   func(f *hubFake) map[string]bool
		lists bool
	}{
		{"newest ids", func(f *hubFake) map[string]bool {
			f.addContacts(1, 10000, old)
			f.addContacts(20001, 6000, recent)
			return wantIDs(20001, 6000)
		}, true},
		{"spread over the ids", func(f *hubFake) map[string]bool {
			want := map[string]bool{}
			for i := int64(0); i < 16; i++ {
				f.addContacts(1+i*1000, 625, old)
				f.addContacts(626+i*1000, 375, recent)
				for id := range wantIDs(626+i*1000, 375) {
					want[id] = true
				}
			}
			return want
		}, true},
		{"sparse over the ids", func(f *hubFake) map[string]bool {
			want := map[string]bool{}
			for i := int64(0); i < 32; i++ {
				f.addContacts(1+i*1000, 850, old)
				f.addContacts(851+i*1000, 150, recent)
				for id := range wantIDs(851+i*1000, 150) {
					want[id] = true
				}
			}
			return want
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			want := tc.add(e.fake)
			cat := e.catalog(protocol.SyncModeIncremental, "contacts")
			res := e.read(cat, json.RawMessage(`{"lastmodifieddate":"`+formatTime(t0.Add(-time.Hour))+`"}`))
			if res.code != 0 {
				t.Fatalf("exit %d: %v", res.code, res.traceErrors())
			}
			checkExactlyOnce(t, idsOf(t, res.records("contacts")), want)
			if n := e.fake.callCount(pathList); (n >= 10) != tc.lists {
				t.Errorf("%d list calls for a window of %d contacts; want list calls %v", n, len(want), tc.lists)
			}
		})
	}
}
