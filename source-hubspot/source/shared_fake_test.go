package source

import (
	"encoding/json"
	"maps"
	"strconv"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/datagen"
	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/internal/httpx/httpxtest"
	"github.com/insider-hubspot/connectors/protocol"
)

// sharedEnv is an env whose HubSpot is the project's shared fake, with its app credentials in the
// config. A call to a legacy (v1-v4) path fails the test.
func sharedEnv(t *testing.T, opts fakehubspot.Options) (*env, *fakehubspot.Server) {
	t.Helper()
	e := newEnv(t)
	opts.Clock = e.clk.Now
	srv := fakehubspot.New(opts)
	t.Cleanup(srv.Close)
	t.Cleanup(func() {
		if n := srv.LegacyCalls(); n > 0 {
			t.Errorf("%d calls to legacy (v1-v4) HubSpot paths", n)
		}
	})
	e.http = httpxtest.Client(t) // not http.DefaultTransport, which every httptest.Server.Close closes
	o := srv.Options()
	e.cfg = map[string]any{
		"credentials": map[string]any{"credentials_title": "OAuth Credentials", "client_id": o.ClientID,
			"client_secret": o.ClientSecret, "refresh_token": o.RefreshToken},
		"api_base_url": srv.URL,
	}
	return e, srv
}

// TestAgainstSharedFake runs the source against the project's shared HubSpot fake: OAuth, a
// first run by list, an incremental run where 10,500 contacts share one timestamp, faults on
// the way, and an event stream with contact enrichment.
func TestAgainstSharedFake(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: two reads of 3,000 contacts and 450 events against the shared fake take seconds")
	}
	t.Parallel()
	e, srv := sharedEnv(t, fakehubspot.Options{IndexLag: 30 * time.Second})
	end := t0.Add(-24 * time.Hour)
	ids := srv.AddContacts(datagen.Contacts(datagen.Options{Seed: 7, Count: 3000, End: end})...)
	evs := datagen.Events(datagen.EventOptions{Seed: 7, ContactIDs: ids[:200], Count: 450,
		Start: end.Add(-48 * time.Hour), End: end})
	srv.AddEvents(evs...)
	if err := srv.DeleteContact(ids[0], end); err != nil {
		t.Fatal(err)
	}
	defs := srv.EventDefinitions()
	eventStream := "event_" + defs[0].FullyQualifiedName
	wantEvents := 0
	for _, ev := range srv.Events() {
		if ev.EventType == defs[0].FullyQualifiedName {
			wantEvents++
		}
	}
	cat := e.catalog(protocol.SyncModeIncremental, "contacts", eventStream)

	srv.DropNext(fakehubspot.EndpointList, 2)
	srv.FailNext(fakehubspot.EndpointBatchRead, 1, 503)
	first := e.read(cat, nil)
	if first.code != 0 {
		t.Fatalf("first run exit %d: %+v", first.code, first.traceErrors())
	}
	want := idSet(ids[1:])
	// The deleted contact comes once, as an archived record, after the live ones.
	firstIDs := idsOf(t, first.records("contacts"))
	deleted := strconv.FormatInt(ids[0], 10)
	if n := len(firstIDs); n == 0 || firstIDs[n-1] != deleted {
		t.Fatalf("last contacts record of the first run is not the deleted contact %s", deleted)
	}
	checkExactlyOnce(t, firstIDs[:len(firstIDs)-1], want)
	if got := len(first.records(eventStream)); got != wantEvents {
		t.Errorf("events = %d, want %d", got, wantEvents)
	}
	nullContacts := 0
	for _, r := range first.records(eventStream) {
		var v struct {
			ObjectID string          `json:"objectId"`
			Contact  json.RawMessage `json:"contact"`
		}
		_ = json.Unmarshal(r, &v)
		if string(v.Contact) == "null" {
			nullContacts++
			if v.ObjectID != strconv.FormatInt(ids[0], 10) {
				t.Errorf("event of contact %s has no contact", v.ObjectID)
			}
		}
	}
	if srv.Count(fakehubspot.EndpointBatchRead) > int64(wantEvents/100+3) {
		t.Errorf("%d batch reads for %d events", srv.Count(fakehubspot.EndpointBatchRead), wantEvents)
	}

	// 10,500 contacts change in the same millisecond; the next run gets all of them.
	at := t0.Add(10 * time.Minute)
	if err := srv.TouchContacts(at, ids[1:]...); err != nil {
		t.Fatal(err)
	}
	more := srv.AddContacts(datagen.Contacts(datagen.Options{Seed: 8, Count: 7600, FirstID: 90000000001,
		SharedTimestampCount: 7600, SharedTimestamp: at, Start: at.Add(-time.Hour), End: at.Add(time.Second)})...)
	maps.Copy(want, idSet(more))
	e.clk.Set(t0.Add(time.Hour))
	srv.RateLimitNext(fakehubspot.EndpointSearch, 2)
	srv.FailNext(fakehubspot.EndpointSearch, 1, 502)
	srv.ExpireAccessTokens()
	searchesBefore := srv.Count(fakehubspot.EndpointSearch)
	second := e.read(cat, []byte(statesOf(first)))
	if second.code != 0 {
		t.Fatalf("second run exit %d: %+v", second.code, second.traceErrors())
	}
	checkExactlyOnce(t, idsOf(t, second.records("contacts")), want)
	n := len(want)
	if calls := srv.Count(fakehubspot.EndpointSearch) - searchesBefore; calls > int64((n+199)/200+3+3) { // +3 faults
		t.Errorf("%d search calls for %d contacts", calls, n)
	}
}

// idsOf is ids for any records.
func idsOf(t *testing.T, recs []json.RawMessage) []string { return ids(t, recs) }

// statesOf returns the last STATE of every stream of a run as a state file.
func statesOf(r *result) string {
	last := map[string]string{}
	var order []string
	for _, m := range r.msgs {
		if m.Type == "STATE" {
			name := m.State.Stream.Descriptor.Name
			if _, ok := last[name]; !ok {
				order = append(order, name)
			}
			var full struct {
				State json.RawMessage `json:"state"`
			}
			_ = json.Unmarshal([]byte(m.raw), &full)
			last[name] = string(full.State)
		}
	}
	out := "["
	for i, n := range order {
		if i > 0 {
			out += ","
		}
		out += last[n]
	}
	return out + "]"
}
