package source

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/datagen"
	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/internal/httpx/httpxtest"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// backfillEnv is a shared fake holding n contacts and a first-run contacts catalog.
func backfillEnv(t *testing.T, opts fakehubspot.Options, n int) (*env, *fakehubspot.Server, map[string]bool, *protocol.ConfiguredCatalog) {
	t.Helper()
	e, srv := sharedEnv(t, opts)
	ids := srv.AddContacts(datagen.Contacts(datagen.Options{Seed: 5, Count: n,
		Start: t0.Add(-90 * 24 * time.Hour), End: t0.Add(-time.Hour)})...)
	return e, srv, idSet(ids), e.catalog(protocol.SyncModeIncremental, "contacts")
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
	backfills := 0
	for _, r := range resumeFromEachState(t, e, cat, full, want, nil) {
		if isBackfill(r.state) {
			backfills++
		}
		// At most the pages the other workers were reading come again.
		if limit := len(want) - r.before + 20*200; len(r.again) > limit && r.before > 0 {
			t.Errorf("resuming from %s re-reads %d records, want at most %d", r.state, len(r.again), limit)
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

// TestBackfillResumeOfEveryIDWhenListAfterIsOpaque: a saved backfill whose one unread range is
// the whole id space, resumed when the list's after token is not an id, is read by search alone,
// every contact once.
func TestBackfillResumeOfEveryIDWhenListAfterIsOpaque(t *testing.T) {
	t.Parallel()
	e, _, want, cat := backfillEnv(t, fakehubspot.Options{OpaqueListCursor: true}, 2500)
	state := json.RawMessage(`{"lastmodifieddate":"1970-01-01T00:00:00.000Z","resume":{"method":"backfill","end":"` +
		stream.FormatTime(t0.Add(-10*time.Minute)) + `","ranges":[{"after_id":"0"}]}}`)
	res := e.read(cat, state)
	if res.code != 0 {
		t.Fatalf("exit %d: %v", res.code, res.traceErrors())
	}
	checkExactlyOnce(t, idsOf(t, res.records("contacts")), want)
}

// TestBackfillLeavesTheDailyReserve: a private app whose daily limit runs low stops listing at
// the reserve and finishes by search, with every contact once and no DAILY 429.
func TestBackfillLeavesTheDailyReserve(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: backfills 10,000 contacts, which takes seconds")
	}
	t.Parallel()
	// The limit is tiny next to a real account's (250,000 or more), but its reserves must still
	// exceed the requests in flight (4 list and 3 search workers): at 40, the client's own 2 %
	// reserve (1 request) met the searches in flight once the list stopped, and a search was
	// refused now and then on a loaded machine. At 100 the list stops near 10 left, the searches
	// then in flight leave 7 or more above the client's reserve of 2, and the list still reads
	// most of the 10,000 contacts before it stops.
	const dailyMax = 100
	e, srv, want, cat := backfillEnv(t, fakehubspot.Options{DailyMax: dailyMax}, 10000)
	e.cfg["credentials"] = map[string]any{"credentials_title": "Private App Credentials", "access_token": srv.Options().PrivateAppToken}
	// The search workers wait until the list reaches the reserve, so the list, not the speed of
	// the two methods on a loaded machine, decides where they meet. List workers (4, the
	// unlimited budget's) stop once the count left minus one call each is under the reserve.
	gate := &reserveGate{next: httpxtest.Transport(t), open: make(chan struct{}),
		below: int(math.Ceil(dailyReserve*dailyMax)) + 4}
	e.http = &http.Client{Transport: gate}
	res := e.read(cat, nil)
	if res.code != 0 {
		t.Fatalf("exit %d: %v", res.code, res.traceErrors())
	}
	checkExactlyOnce(t, idsOf(t, res.records("contacts")), want)
	// Every call but search counts; list workers (4) stop once fewer than 4 remain.
	if n := srv.Count(fakehubspot.EndpointAny) - srv.Count(fakehubspot.EndpointSearch); n > dailyMax {
		t.Errorf("%d calls against a daily limit of %d; the backfill should stop listing at the 10%% reserve", n, dailyMax)
	}
	if n := srv.Count(fakehubspot.EndpointList); n < dailyMax/2 {
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

// reserveGate holds every contacts search after the first (the backfill's probe for the
// highest id) until a list answer reports fewer than below daily calls left.
type reserveGate struct {
	next     http.RoundTripper
	below    int
	searches atomic.Int32
	once     sync.Once
	open     chan struct{}
}

func (g *reserveGate) RoundTrip(req *http.Request) (*http.Response, error) {
	path := req.URL.Path
	if strings.HasSuffix(path, "/contacts/search") && g.searches.Add(1) > 1 {
		select {
		case <-g.open:
		case <-req.Context().Done():
			return nil, req.Context().Err()
		case <-time.After(time.Minute): // failsafe: the list never reached the reserve
		}
	}
	resp, err := g.next.RoundTrip(req)
	if err == nil && req.Method == http.MethodGet && strings.HasSuffix(path, "/contacts") {
		if left, perr := strconv.Atoi(resp.Header.Get("X-HubSpot-RateLimit-Daily-Remaining")); perr == nil && left < g.below {
			g.once.Do(func() { close(g.open) })
		}
	}
	return resp, err
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

// TestIncrementalWindowBackfills: an incremental window is read by search and list at once when
// the list pays (listPays), with every contact of the window exactly once and no list answer
// modified before the window delivered. A window holding most contacts pays; so does a window
// of the newest contacts, although it holds under half of all contacts, because it holds all of
// those above its first page; and a window of that size spread over the older ids, because the
// list still finds enough of it. A sparser window is searched alone.
func TestIncrementalWindowBackfills(t *testing.T) {
	t.Parallel()
	old, recent := t0.Add(-48*time.Hour), t0.Add(-30*time.Minute)
	for _, tc := range []struct {
		name  string
		add   func(f *hubFake) map[string]bool
		lists bool
	}{
		// Old contacts interleave with the window's ids, so list chunks meet both.
		{"dense", func(f *hubFake) map[string]bool {
			return f.addInterleaved(12, 150, 850, old, recent)
		}, true},
		{"newest ids", func(f *hubFake) map[string]bool {
			f.addContacts(1, 10000, old)
			f.addContacts(20001, 6000, recent)
			return wantIDs(20001, 6000)
		}, true},
		{"spread over the ids", func(f *hubFake) map[string]bool {
			return f.addInterleaved(16, 625, 375, old, recent)
		}, true},
		{"sparse over the ids", func(f *hubFake) map[string]bool {
			return f.addInterleaved(32, 850, 150, old, recent)
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			want := tc.add(e.fake)
			readWindow(t, e, want)
			if n := e.fake.callCount(pathList); (n >= 10) != tc.lists {
				t.Errorf("%d list calls for a window of %d contacts; want list calls %v", n, len(want), tc.lists)
			}
		})
	}
}
