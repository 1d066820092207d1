package source

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

// hubFake is the project's HubSpot fake (integration_tests/fakehubspot) as these tests use it:
// the app credentials and the property catalog of newEnv's config, no custom events unless a
// test adds them, and the test's clock. A call to a legacy (v1-v4) path fails the test.
type hubFake struct {
	*fakehubspot.Server
	t testing.TB

	mu   sync.Mutex
	base map[fakehubspot.Endpoint]int64 // counts at the last resetCounts
}

// Endpoints as the tests count calls.
const (
	pathSearch    = fakehubspot.EndpointSearch
	pathList      = fakehubspot.EndpointList
	pathBatchRead = fakehubspot.EndpointBatchRead
	pathEvents    = fakehubspot.EndpointEvents
	pathToken     = fakehubspot.EndpointToken
)

// testProperties is the contact property catalog of the tests' portal.
func testProperties() []fakehubspot.Property {
	return []fakehubspot.Property{
		{Name: "email", Label: "Email", Type: "string"},
		{Name: "firstname", Label: "First Name", Type: "string"},
		{Name: "lastmodifieddate", Label: "Last Modified Date", Type: "datetime"},
		{Name: "createdate", Label: "Create Date", Type: "datetime"},
		{Name: "hs_object_id", Label: "Record ID", Type: "number"},
		{Name: "hs_email_domain", Label: "Email Domain", Type: "string"},
		{Name: "hs_internal_thing", Label: "Internal", Type: "string"},
		{Name: "num_employees", Label: "Employees", Type: "number"},
		{Name: "is_vip", Label: "VIP", Type: "bool"},
		{Name: "birthday", Label: "Birthday", Type: "date"},
		{Name: "lifecyclestage", Label: "Lifecycle Stage", Type: "enumeration"},
		{Name: "phone", Label: "Phone", Type: "string"},
	}
}

func newFake(t testing.TB, clk *fakeClock) *hubFake {
	srv := fakehubspot.New(fakehubspot.Options{Clock: clk.Now, ClientID: "client", ClientSecret: "secret",
		RefreshToken: "refresh-good", PrivateAppToken: "pat-static", Properties: testProperties(),
		EventDefinitions: []fakehubspot.EventDefinition{}})
	t.Cleanup(srv.Close)
	t.Cleanup(func() {
		if n := srv.LegacyCalls(); n > 0 {
			t.Errorf("the source made %d calls to legacy (v1-v4) HubSpot paths", n)
		}
		checkSearches(t, srv.RequestsTo(fakehubspot.EndpointSearch))
	})
	return &hubFake{Server: srv, t: t}
}

// checkSearches fails the test for a search the source should not send: a page of more than one
// result not sorted by hs_object_id alone, or a filter other than the ones its readers use.
func checkSearches(t testing.TB, reqs []fakehubspot.LoggedRequest) {
	for _, r := range reqs {
		var req struct {
			FilterGroups []struct {
				Filters []struct{ PropertyName, Operator string }
			}
			Sorts []struct{ PropertyName string }
			Limit int
		}
		if err := json.Unmarshal(r.Body, &req); err != nil {
			t.Errorf("search body %s: %v", r.Body, err)
			continue
		}
		if req.Limit > 1 && (len(req.Sorts) != 1 || req.Sorts[0].PropertyName != "hs_object_id") {
			t.Errorf("search not sorted by hs_object_id: %s", r.Body)
		}
		for _, g := range req.FilterGroups {
			for _, fl := range g.Filters {
				switch fl.PropertyName + " " + fl.Operator {
				case "lastmodifieddate GTE", "lastmodifieddate LTE", "hs_object_id GT", "hs_object_id GTE", "hs_object_id LTE":
				default:
					t.Errorf("unexpected filter %+v in search %s", fl, r.Body)
				}
			}
		}
	}
}

// callCount is how many requests reached ep, whatever the answer.
func (f *hubFake) callCount(ep fakehubspot.Endpoint) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return int(f.Count(ep) - f.base[ep])
}

// addContacts adds n contacts with ids from firstID, all modified at lastmod.
func (f *hubFake) addContacts(firstID int64, n int, lastmod time.Time) {
	cs := make([]fakehubspot.Contact, n)
	for i := range cs {
		id := firstID + int64(i)
		cs[i] = fakehubspot.Contact{ID: id, CreatedAt: lastmod.Add(-time.Hour), UpdatedAt: lastmod, Properties: map[string]string{
			"email": fmt.Sprintf("c%d@example.com", id), "firstname": fmt.Sprintf("Name \"%d\"", id),
			"num_employees": strconv.FormatInt(id%50, 10), "is_vip": strconv.FormatBool(id%2 == 0),
			"birthday": "1990-05-17", "lifecyclestage": "lead",
		}}
	}
	f.AddContacts(cs...)
}

// addInterleaved adds blocks of contacts, ids from 1: in each, oldN modified at old and then
// recentN modified at recent. It returns the recent ones' ids.
func (f *hubFake) addInterleaved(blocks, oldN, recentN int, old, recent time.Time) map[string]bool {
	want := map[string]bool{}
	for i := range int64(blocks) {
		first := 1 + i*int64(oldN+recentN)
		f.addContacts(first, oldN, old)
		f.addContacts(first+int64(oldN), recentN, recent)
		maps.Copy(want, wantIDs(first+int64(oldN), recentN))
	}
	return want
}

// touch changes a contact's lastmodifieddate.
func (f *hubFake) touch(id int64, at time.Time) {
	if err := f.TouchContacts(at, id); err != nil {
		f.t.Fatal(err)
	}
}

// archive moves a live contact to the archive at time at.
func (f *hubFake) archive(id int64, at time.Time) {
	if err := f.DeleteContact(id, at); err != nil {
		f.t.Fatalf("archive: %v", err)
	}
}

// descSearches counts the searches sorted by descending id (the concurrent reader's range split).
func (f *hubFake) descSearches() int {
	n := 0
	for _, r := range f.RequestsTo(fakehubspot.EndpointSearch) {
		if bytes.Contains(r.Body, []byte(`"DESCENDING"`)) {
			n++
		}
	}
	return n
}

// fakeClock is the tests' clock, shared by the source and the fake.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *fakeClock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// accessTokenMark is in every access token the fake issues, for the tests that check that no
// output holds one.
const accessTokenMark = "EAEYAiDxqLgZKN2zlYnmLBICAQIYgZXFLyCWp1Yoy"

// resetCounts makes callCount count from now on.
func (f *hubFake) resetCounts() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.base = map[fakehubspot.Endpoint]int64{}
	for _, ep := range []fakehubspot.Endpoint{pathSearch, pathList, pathBatchRead, pathEvents, pathToken,
		fakehubspot.EndpointProperties, fakehubspot.EndpointGet, fakehubspot.EndpointEventDefinitions} {
		f.base[ep] = f.Count(ep)
	}
}
