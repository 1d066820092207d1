package source

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/datagen"
	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/internal/httpx/httpxtest"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
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
	searchesBefore := len(srv.RequestsTo(fakehubspot.EndpointSearch))
	second := e.read(cat, []byte(statesOf(first)))
	if second.code != 0 {
		t.Fatalf("second run exit %d: %+v", second.code, second.traceErrors())
	}
	checkExactlyOnce(t, idsOf(t, second.records("contacts")), want)
	// The calls that failed are the three faults and the expired token, which each search
	// range in flight may meet before the token is renewed (none to three, as timing falls).
	statuses := map[int]int{}
	var answered []fakehubspot.LoggedRequest
	for _, r := range srv.RequestsTo(fakehubspot.EndpointSearch)[searchesBefore:] {
		if r.Status == http.StatusOK {
			answered = append(answered, r)
		} else {
			statuses[r.Status]++
		}
	}
	if statuses[http.StatusTooManyRequests] != 2 || statuses[http.StatusBadGateway] != 1 ||
		statuses[http.StatusUnauthorized] > 3 || len(statuses) > 3 {
		t.Errorf("failed search calls by status %v, want the 2 429s and 1 502 injected and at most 3 401s of the expired token", statuses)
	}
	checkSearchCost(t, answered, want)
}

// checkSearchCost fails t with searchWaste's findings.
func checkSearchCost(t *testing.T, reqs []fakehubspot.LoggedRequest, window map[string]bool) {
	t.Helper()
	for _, p := range searchWaste(t, reqs, window) {
		t.Error(p)
	}
}

// searchWaste checks the window searches of a read, which page by id (each page asks for ids
// above the last one read, up to its range's upper bound): no contact is searched twice (the
// full pages hold at most the window's contacts), and each id range stops at its first short
// page. How many ranges a backfill searches depends on where its search and list workers meet,
// so the number of calls itself is not fixed: a range of an id gap costs one empty page.
func searchWaste(t *testing.T, reqs []fakehubspot.LoggedRequest, window map[string]bool) []string {
	t.Helper()
	ids := make([]uint64, 0, len(window))
	for id := range window {
		n, err := strconv.ParseUint(id, 10, 64)
		if err != nil {
			t.Fatalf("window id %q: %v", id, err)
		}
		ids = append(ids, n)
	}
	slices.Sort(ids)
	full, short := 0, map[uint64]int{} // short pages by their range's upper bound
	for _, r := range reqs {
		var body struct {
			FilterGroups []struct{ Filters []hubspot.Filter } `json:"filterGroups"`
			Limit        int                                  `json:"limit"`
		}
		if err := json.Unmarshal(r.Body, &body); err != nil || len(body.FilterGroups) != 1 {
			t.Fatalf("search body %s: %v", r.Body, err)
		}
		var lo, hi uint64 = 0, math.MaxUint64
		windowed := false
		for _, f := range body.FilterGroups[0].Filters {
			v, _ := strconv.ParseUint(f.Value, 10, 64)
			switch {
			case f.PropertyName == "lastmodifieddate":
				windowed = true
			case f.PropertyName == "hs_object_id" && f.Operator == "GT":
				lo = v
			case f.PropertyName == "hs_object_id" && f.Operator == "LTE":
				hi = v
			}
		}
		if !windowed || body.Limit < hubspot.MaxSearchLimit {
			continue // a probe
		}
		first, _ := slices.BinarySearch(ids, lo+1)
		end, found := slices.BinarySearch(ids, hi)
		if found {
			end++
		}
		if end-first >= body.Limit {
			full++
		} else {
			short[hi]++
		}
	}
	var problems []string
	if full*hubspot.MaxSearchLimit > len(ids) {
		problems = append(problems, fmt.Sprintf("%d full search pages for %d contacts: some were searched twice", full, len(ids)))
	}
	for hi, n := range short {
		if n > 1 {
			problems = append(problems, fmt.Sprintf("the id range up to %d was searched on after a short page (%d short pages)", hi, n))
		}
	}
	return problems
}

// TestSearchWaste checks the checker of TestAgainstSharedFake on searches made up for it.
func TestSearchWaste(t *testing.T) {
	page := func(gt, lte uint64) fakehubspot.LoggedRequest {
		f := `{"propertyName":"lastmodifieddate","operator":"GTE","value":"1"}`
		if gt > 0 {
			f += fmt.Sprintf(`,{"propertyName":"hs_object_id","operator":"GT","value":"%d"}`, gt)
		}
		if lte > 0 {
			f += fmt.Sprintf(`,{"propertyName":"hs_object_id","operator":"LTE","value":"%d"}`, lte)
		}
		return fakehubspot.LoggedRequest{Body: []byte(`{"filterGroups":[{"filters":[` + f + `]}],"limit":200}`)}
	}
	window := map[string]bool{}
	for id := 1; id <= 500; id++ {
		window[strconv.Itoa(id)] = true
	}
	for _, tc := range []struct {
		name  string
		reqs  []fakehubspot.LoggedRequest
		wants int
	}{
		{"one range", []fakehubspot.LoggedRequest{page(0, 0), page(200, 0), page(400, 0)}, 0},
		{"two ranges and an empty one", []fakehubspot.LoggedRequest{page(0, 250), page(200, 250), page(250, 0), page(450, 0), page(600, 900)}, 0},
		{"a range read twice", []fakehubspot.LoggedRequest{page(0, 0), page(200, 0), page(0, 0), page(200, 0), page(400, 0)}, 1},
		{"a page after a short one", []fakehubspot.LoggedRequest{page(0, 0), page(200, 0), page(400, 0), page(500, 0)}, 1},
	} {
		if got := searchWaste(t, tc.reqs, window); len(got) != tc.wants {
			t.Errorf("%s: %d findings %q, want %d", tc.name, len(got), got, tc.wants)
		}
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
