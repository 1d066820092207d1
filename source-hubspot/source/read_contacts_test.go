package source

import (
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// wantIDs returns the ids from first to first+n-1 as strings.
func wantIDs(first int64, n int) map[string]bool {
	m := make(map[string]bool, n)
	for i := int64(0); i < int64(n); i++ {
		m[strconv.FormatInt(first+i, 10)] = true
	}
	return m
}

// idSet returns the ids as strings.
func idSet(ids []int64) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[strconv.FormatInt(id, 10)] = true
	}
	return m
}

// union returns every id of the sets.
func union(sets ...map[string]bool) map[string]bool {
	m := map[string]bool{}
	for _, s := range sets {
		maps.Copy(m, s)
	}
	return m
}

// checkExactlyOnce fails unless got holds every wanted id exactly once and nothing else.
func checkExactlyOnce(t *testing.T, got []string, want map[string]bool) {
	t.Helper()
	seen := map[string]int{}
	for _, id := range got {
		seen[id]++
		if !want[id] {
			t.Fatalf("unexpected contact %s", id)
		}
	}
	for id := range want {
		if seen[id] != 1 {
			t.Fatalf("contact %s delivered %d times (got %d records for %d contacts)", id, seen[id], len(got), len(want))
		}
	}
}

// readWindow reads contacts incrementally from a watermark an hour before t0, and fails the test
// unless the run succeeds and delivers every contact of want exactly once. It returns the run
// and its catalog.
func readWindow(t *testing.T, e *env, want map[string]bool) (*result, *protocol.ConfiguredCatalog) {
	t.Helper()
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	res := e.read(cat, watermarkState(t0.Add(-time.Hour)))
	if res.code != 0 {
		t.Fatalf("exit %d: %v", res.code, res.traceErrors())
	}
	checkExactlyOnce(t, ids(t, res.records("contacts")), want)
	return res, cat
}

func TestFirstRunReadsEveryContactAndSetsWatermark(t *testing.T) {
	e := newEnv(t)
	e.fake.addContacts(1000, 450, t0.Add(-48*time.Hour))
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	res := e.read(cat, nil)
	if res.code != 0 {
		t.Fatalf("exit %d: %v", res.code, res.traceErrors())
	}
	checkExactlyOnce(t, ids(t, res.records("contacts")), wantIDs(1000, 450))
	if n := e.fake.callCount(pathSearch); n > (450+199)/200+3 {
		t.Errorf("search calls = %d, want at most %d", n, (450+199)/200+3)
	}
	st, err := ParseContactsState(res.lastState(t, "contacts"))
	if err != nil {
		t.Fatal(err)
	}
	if want := t0.Add(-2 * time.Minute); !st.LastModified.Equal(want) || st.Resume != nil {
		t.Errorf("final state = %+v, want watermark %s and no resume", st, want)
	}
	if diff := cmp.Diff([]string{"STARTED", "RUNNING", "COMPLETE"}, res.statuses()); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	var est int64 = -1
	for _, m := range res.msgs {
		if m.Type == "TRACE" && m.Trace.Estimate != nil {
			est = m.Trace.Estimate.RowEstimate
		}
	}
	if est != 450 {
		t.Errorf("estimate = %d, want 450", est)
	}
}

func TestIncrementalSearchPagesTheWindow(t *testing.T) {
	e := newEnv(t)
	e.fake.addContacts(1, 100, t0.Add(-72*time.Hour))  // before the window
	e.fake.addContacts(500, 450, t0.Add(-time.Hour))   // in it
	e.fake.addContacts(2000, 10, t0.Add(-time.Minute)) // after the window end (index lag margin)
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	res := e.read(cat, watermarkState(t0.Add(-2*time.Hour)))
	if res.code != 0 {
		t.Fatalf("exit %d: %v", res.code, res.traceErrors())
	}
	checkExactlyOnce(t, ids(t, res.records("contacts")), wantIDs(500, 450))
	if n := e.fake.callCount(pathSearch); n != 3 {
		t.Errorf("search calls = %d, want 3", n)
	}
	// Types come out converted.
	var rec map[string]any
	if err := json.Unmarshal(res.records("contacts")[0], &rec); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"id": "500", "email": "c500@example.com", "is_vip": true, "num_employees": float64(0),
		"birthday": "1990-05-17", "hs_object_id": float64(500), "archived": false, "firstname": `Name "500"`}
	for k, v := range want {
		if rec[k] != v {
			t.Errorf("%s = %#v, want %#v", k, rec[k], v)
		}
	}
	if _, ok := rec["hs_internal_thing"]; ok {
		t.Error("hs_internal_thing should not be in the schema or the record")
	}
}

func TestSearchCapRewindowsByID(t *testing.T) {
	for _, conc := range []int{1, 3} {
		t.Run(fmt.Sprintf("concurrency %d", conc), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.opts = append(e.opts, WithSearchConcurrency(conc), WithBackfill(false)) // the search path under test
			e.cfg["alert_webhook_url"] = e.webhook().URL
			// 12,345 contacts modified in the same millisecond, plus some around it.
			same := t0.Add(-30 * time.Minute)
			e.fake.addContacts(1_000_000, 12_345, same)
			e.fake.addContacts(2_000_000, 300, same.Add(time.Second))
			res, _ := readWindow(t, e, union(wantIDs(1_000_000, 12_345), wantIDs(2_000_000, 300)))
			n := 12_345 + 300
			if calls, max := e.fake.callCount(pathSearch), (n+199)/200+3; calls > max {
				t.Errorf("search calls = %d, want at most %d", calls, max)
			}
			if wantSplit := conc > 1; (e.fake.descSearches() == 1) != wantSplit {
				t.Errorf("range splits = %d with concurrency %d", e.fake.descSearches(), conc)
			}
			warned := false
			for _, l := range res.logs("WARN") {
				if strings.Contains(l, "12645") && strings.Contains(l, "re-windowing") {
					warned = true
				}
			}
			if !warned {
				t.Errorf("no search-cap WARN with the count; WARN logs: %q", res.logs("WARN"))
			}
			if got := e.hook.Texts(); len(got) != 1 || !strings.HasPrefix(got[0], "source-hubspot: ") || !strings.Contains(got[0], "12645") {
				t.Errorf("cap alerts = %q, want one with the total", got)
			}
			st, _ := ParseContactsState(res.lastState(t, "contacts"))
			if st.Resume != nil || !st.LastModified.Equal(t0.Add(-2*time.Minute)) {
				t.Errorf("final state %+v", st)
			}
		})
	}
}

func TestFullRefreshReadsEveryContactOnce(t *testing.T) {
	e := newEnv(t)
	e.fake.addContacts(10, 250, t0.Add(-time.Hour))
	e.fake.addContacts(900, 30, t0.Add(-time.Second))
	res := e.read(e.catalog(protocol.SyncModeFullRefresh, "contacts"), nil)
	if res.code != 0 {
		t.Fatalf("exit %d: %v", res.code, res.traceErrors())
	}
	want := union(wantIDs(10, 250), wantIDs(900, 30))
	checkExactlyOnce(t, ids(t, res.records("contacts")), want)
	if n := e.fake.callCount(pathList); n != 3 {
		t.Errorf("list calls = %d, want 3 (100 per page)", n)
	}
}

// TestStateNeverMovesBackwards: a watermark after this run's window end but not after the clock
// (the previous run had a smaller index lag) is kept, not moved back to the window end.
func TestStateNeverMovesBackwards(t *testing.T) {
	e := newEnv(t)
	e.fake.addContacts(1, 10, t0.Add(-time.Hour))
	recent := t0.Add(-30 * time.Second) // the window ends at t0 - 2 min
	res := e.read(e.catalog(protocol.SyncModeIncremental, "contacts"), json.RawMessage(`{"updatedAt":"`+stream.FormatTime(recent)+`"}`))
	if res.code != 0 {
		t.Fatalf("exit %d: %v", res.code, res.traceErrors())
	}
	if n := len(res.records("contacts")); n != 0 {
		t.Errorf("got %d records modified before the lookback", n)
	}
	st, _ := ParseContactsState(res.lastState(t, "contacts"))
	if !st.LastModified.Equal(recent) {
		t.Errorf("state = %s, want the watermark %s kept", stream.FormatTime(st.LastModified), stream.FormatTime(recent))
	}
}

func TestLegacyAndAirbyteStatesAreWatermarks(t *testing.T) {
	for _, tc := range []struct{ name, state string }{
		{"bare lastmodifieddate", `{"lastmodifieddate":"2026-03-01T10:00:00Z"}`},
		{"airbyte updatedAt", `[{"type":"STREAM","stream":{"stream_descriptor":{"name":"contacts"},"stream_state":{"updatedAt":"2026-03-01T10:00:00.000000+00:00"}}}]`},
		{"epoch ms", `[{"type":"STREAM","stream":{"stream_descriptor":{"name":"contacts"},"stream_state":{"lastmodifieddate":"1772359200000"}}}]`},
		{"legacy keyed by stream", `{"contacts":{"lastmodifieddate":"2026-03-01T10:00:00Z"}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.fake.addContacts(1, 5, t0.Add(-5*time.Hour))
			e.fake.addContacts(100, 7, t0.Add(-time.Hour))
			res := e.read(e.catalog(protocol.SyncModeIncremental, "contacts"), []byte(tc.state))
			if res.code != 0 {
				t.Fatalf("exit %d: %v", res.code, res.traceErrors())
			}
			checkExactlyOnce(t, ids(t, res.records("contacts")), wantIDs(100, 7))
		})
	}
}

func TestInvalidStateIsConfigError(t *testing.T) {
	for _, state := range []string{
		`not json`,
		`[{"type":"STREAM","stream":{"stream_descriptor":{"name":"contacts"},"stream_state":{"lastmodifieddate":"yesterday"}}}]`,
		`[{"type":"STREAM","stream":{"stream_descriptor":{"name":"contacts"},"stream_state":{"cursor":1}}}]`,
		`[{"type":"STREAM","stream":{"stream_descriptor":{"name":"contacts"},"stream_state":"2026-01-01"}}]`,
	} {
		t.Run(state, func(t *testing.T) {
			e := newEnv(t)
			e.fake.addContacts(1, 5, t0.Add(-5*time.Hour))
			res := e.read(e.catalog(protocol.SyncModeIncremental, "contacts"), []byte(state))
			errs := res.traceErrors()
			if res.code == 0 || len(errs) == 0 || errs[0].Trace.Error.FailureType != "config_error" {
				t.Fatalf("exit %d, errors %+v; want a config_error", res.code, errs)
			}
			if n := len(res.records("contacts")); n != 0 {
				t.Errorf("%d records read despite a bad state", n)
			}
		})
	}
}

func TestIndexLagIsCoveredByLookback(t *testing.T) {
	e := newEnv(t)
	e.opts = append(e.opts, WithIndexLag(0))
	e.fake.SetIndexLag(time.Minute)
	e.fake.addContacts(1, 3, t0.Add(-time.Hour))
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	first := e.read(cat, watermarkState(t0.Add(-2*time.Hour)))
	checkExactlyOnce(t, ids(t, first.records("contacts")), wantIDs(1, 3))
	// Contact 2 changes 30 s before the next run: the search index does not show it yet.
	e.fake.touch(2, t0.Add(10*time.Minute-30*time.Second))
	e.clk.Set(t0.Add(10 * time.Minute))
	second := e.read(cat, first.lastState(t, "contacts"))
	if n := len(second.records("contacts")); n != 0 {
		t.Fatalf("second run got %d records; the index should still hide the change", n)
	}
	// The next run re-reads lookback_minutes before the watermark and finds it.
	e.clk.Set(t0.Add(20 * time.Minute))
	third := e.read(cat, second.lastState(t, "contacts"))
	checkExactlyOnce(t, ids(t, third.records("contacts")), map[string]bool{"2": true})
}

func TestUnknownStreamFailsAloneOthersGoOn(t *testing.T) {
	e := newEnv(t)
	e.fake.addContacts(1, 3, t0.Add(-time.Hour))
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	bogus := cat.Streams[0]
	bogus.Stream.Name = "deals"
	cat.Streams = append([]protocol.ConfiguredStream{bogus}, cat.Streams...)
	res := e.read(cat, nil)
	if res.code == 0 {
		t.Error("exit 0 with a failed stream")
	}
	if n := len(res.records("contacts")); n != 3 {
		t.Errorf("contacts records = %d, want 3", n)
	}
	if errs := res.traceErrors(); len(errs) != 1 || !strings.Contains(errs[0].Trace.Error.Message, `"deals"`) {
		t.Errorf("errors = %+v", errs)
	}
}
