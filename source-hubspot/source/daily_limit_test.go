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
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// dailyEnv is a shared fake with a daily limit of dailyMax, read with its private-app token (the
// daily count is only sent to private apps).
func dailyEnv(t *testing.T, dailyMax int) (*env, *fakehubspot.Server) {
	t.Helper()
	e, srv := sharedEnv(t, fakehubspot.Options{DailyMax: dailyMax})
	e.cfg["credentials"] = map[string]any{"credentials_title": "Private App Credentials", "access_token": srv.Options().PrivateAppToken}
	return e, srv
}

// checkDailyStop checks a run the daily reserve stopped: one transient TRACE that says so and
// when the limit resets, and no more calls counted against the daily limit than it allows
// minus the reserve (so HubSpot never had to refuse one).
func checkDailyStop(t *testing.T, res *result, srv *fakehubspot.Server, dailyMax int) {
	t.Helper()
	errs := res.traceErrors()
	if res.code == 0 || len(errs) != 1 || errs[0].Trace.Error.FailureType != "transient_error" ||
		!strings.Contains(errs[0].Trace.Error.Message, "daily API limit is nearly used up") ||
		!strings.Contains(errs[0].Trace.Error.Message, "resets at midnight") {
		t.Fatalf("exit %d, errors %+v; want one transient error saying the daily limit is nearly used up", res.code, errs)
	}
	if n, limit := srv.Count(fakehubspot.EndpointAny)-srv.Count(fakehubspot.EndpointSearch), dailyMax-1; n > int64(limit) {
		t.Errorf("%d calls counted against a daily limit of %d; the reserve allows %d", n, dailyMax, limit)
	}
}

// TestDailyReserveStopsContactsWithACheckpoint: a list read that reaches the daily reserve stops
// before HubSpot would refuse a call, after a STATE whose resume point covers every record it
// delivered; after each daily reset, a run from the last STATE goes on, and every contact comes
// exactly once.
func TestDailyReserveStopsContactsWithACheckpoint(t *testing.T) {
	t.Parallel()
	const dailyMax = 8 // a reserve of 1
	e, srv := dailyEnv(t, dailyMax)
	all := srv.AddContacts(datagen.Contacts(datagen.Options{Seed: 3, Count: 1500,
		Start: t0.Add(-90 * 24 * time.Hour), End: t0.Add(-24 * time.Hour)})...)
	res := e.read(e.catalog(protocol.SyncModeFullRefresh, "contacts"), nil)
	checkDailyStop(t, res, srv, dailyMax)
	before := ids(t, res.records("contacts"))
	if len(before) == 0 || len(before) >= len(all) || len(before)%hubspot.MaxListLimit != 0 {
		t.Fatalf("%d of %d contacts before the stop; want whole list pages, and the stop before the end", len(before), len(all))
	}
	st, err := ParseContactsState(res.lastState(t, "contacts"))
	if err != nil {
		t.Fatal(err)
	}
	after, _ := strconv.ParseInt(st.Resume.ListAfter, 10, 64)
	if st.Resume == nil || st.Resume.Method != methodList || after == 0 {
		t.Fatalf("state at the stop %+v, want a list resume point", st)
	}
	for _, id := range before {
		if n, _ := strconv.ParseInt(id, 10, 64); n >= after {
			t.Fatalf("contact %s was delivered but the stop's resume point %d reads it again", id, after)
		}
	}
	// One run a day, each from the STATE the last one saved.
	got := before
	for day := 2; res.code != 0; day++ {
		if day > 20 {
			t.Fatalf("contacts not done after %d days of %d calls", day, dailyMax)
		}
		srv.ResetDaily()
		srv.ResetStats()
		if res = e.read(e.catalog(protocol.SyncModeIncremental, "contacts"), res.lastState(t, "contacts")); res.code != 0 {
			checkDailyStop(t, res, srv, dailyMax)
		}
		got = append(got, ids(t, res.records("contacts"))...)
	}
	checkExactlyOnce(t, got, idSet(all))
}

// TestDailyReserveStopsEvents: the event streams' occurrence and batch-read calls stop at the
// daily reserve too, after the contacts were read by search; the events delivered are
// checkpointed, and after the daily reset a run from the saved states delivers the rest.
func TestDailyReserveStopsEvents(t *testing.T) {
	t.Parallel()
	const dailyMax = 6
	e, srv := dailyEnv(t, dailyMax)
	end := t0.Add(-24 * time.Hour)
	ids200 := srv.AddContacts(datagen.Contacts(datagen.Options{Seed: 7, Count: 300, End: end})...)[:200]
	srv.AddEvents(datagen.Events(datagen.EventOptions{Seed: 7, ContactIDs: ids200, Count: 1500,
		Start: end.Add(-48 * time.Hour), End: end})...)
	fqn := srv.EventDefinitions()[0].FullyQualifiedName
	stream := "event_" + fqn
	want := map[string]bool{}
	for _, ev := range srv.Events() {
		if ev.EventType == fqn {
			want[ev.ID] = true
		}
	}
	cat := e.catalog(protocol.SyncModeIncremental, "contacts", stream)
	srv.ResetDaily() // the catalog was discovered the day before: the read has the whole limit
	srv.ResetStats()
	res := e.read(cat, nil)
	checkDailyStop(t, res, srv, dailyMax)
	if n := len(res.records("contacts")); n != 300 {
		t.Errorf("%d contacts, want all 300 (read by search before the events)", n)
	}
	got := ids(t, res.records(stream))
	if len(got) == 0 || len(got) >= len(want) {
		t.Fatalf("%d of %d events before the stop; the test needs the reserve reached mid-stream", len(got), len(want))
	}
	if len(res.states(stream)) == 0 {
		t.Fatal("no STATE of the event stream before the stop")
	}
	// One run a day until the stream is done, each from the states the last one saved.
	states := func(r *result) []byte {
		b, err := json.Marshal([]any{
			map[string]any{"type": "STREAM", "stream": map[string]any{"stream_descriptor": map[string]string{"name": "contacts"},
				"stream_state": r.lastState(t, "contacts")}},
			map[string]any{"type": "STREAM", "stream": map[string]any{"stream_descriptor": map[string]string{"name": stream},
				"stream_state": r.lastState(t, stream)}},
		})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for day := 2; res.code != 0; day++ {
		if day > 20 {
			t.Fatalf("the event stream is not done after %d days of %d calls", day, dailyMax)
		}
		srv.ResetDaily()
		srv.ResetStats()
		if res = e.read(cat, states(res)); res.code != 0 {
			checkDailyStop(t, res, srv, dailyMax)
		}
		got = append(got, ids(t, res.records(stream))...)
	}
	seen := map[string]bool{}
	for _, id := range got {
		seen[id] = true
	}
	for id := range want {
		if !seen[id] {
			t.Fatalf("event %s lost across the stops", id)
		}
	}
}
