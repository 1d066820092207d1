package source

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// TestListsStateFromBeforeTheStream: a state saved before list_memberships existed (contacts
// only) makes a first run of it: every member joins.
func TestListsStateFromBeforeTheStream(t *testing.T) {
	t.Parallel()
	e := listsWorld(t, fakehubspot.ListOptions{})
	res := e.read(e.catalog(protocol.SyncModeIncremental, stream.Lists), streamStateFile("contacts", watermarkState(t0.Add(-time.Hour))))
	if res.code != 0 {
		t.Fatalf("exit %d: %v", res.code, res.traceErrors())
	}
	if n := len(memberships(t, res)); n != 12 {
		t.Errorf("%d records, want the 12 memberships of a first run", n)
	}
}

// TestListsSearchPages: more than 500 lists take two list search pages; a contact in all of
// them is read once.
func TestListsSearchPages(t *testing.T) {
	t.Parallel()
	e := listsEnv(t, fakehubspot.ListOptions{})
	for i := range 502 {
		e.fake.mustList(fakehubspot.ListSpec{Name: fmt.Sprintf("List %d", i), Members: []int64{101}})
	}
	cat := e.catalog(protocol.SyncModeIncremental, stream.Lists)
	e.fake.ResetStats()
	res := e.read(cat, nil)
	if res.code != 0 {
		t.Fatalf("exit %d: %v", res.code, res.traceErrors())
	}
	if n := len(memberships(t, res)); n != 502 {
		t.Errorf("%d records, want 502", n)
	}
	calls := map[fakehubspot.Endpoint]int64{}
	for _, ep := range []fakehubspot.Endpoint{fakehubspot.EndpointListsSearch, fakehubspot.EndpointListsMemberships, fakehubspot.EndpointBatchRead} {
		calls[ep] = e.fake.Count(ep)
	}
	want := map[fakehubspot.Endpoint]int64{fakehubspot.EndpointListsSearch: 2, fakehubspot.EndpointListsMemberships: 502,
		fakehubspot.EndpointBatchRead: 1}
	if d := cmp.Diff(want, calls); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
}

// TestListsMissedBySearch: list search pages by offset, so a list created or deleted while it
// pages can push another past a page. A list of the snapshot that the search did not answer is
// looked up before its members are taken for gone; one HubSpot still has is read as usual.
func TestListsMissedBySearch(t *testing.T) {
	t.Parallel()
	e := listsWorld(t, fakehubspot.ListOptions{})
	first := e.readLists(t, protocol.SyncModeIncremental, nil)
	e.fake.must(e.fake.AddListMembers("1", t0.Add(10*time.Minute), 110))
	e.fake.must(e.fake.DeleteList("4", t0.Add(10*time.Minute)))
	e.clk.Set(t0.Add(time.Hour))
	cat := e.catalog(protocol.SyncModeIncremental, stream.Lists)
	// The next search answers lists 2 and 3 only: Newsletter seems gone as well as Old.
	e.fake.AnswerNext(fakehubspot.EndpointListsSearch, 1, fakehubspot.Answer{Status: 200,
		Body: `{"lists":[{"listId":"2","listVersion":1,"name":"Customers","objectTypeId":"0-1","processingStatus":"COMPLETE",` +
			`"processingType":"DYNAMIC","updatedAt":"2026-02-28T12:00:00.000Z"},{"listId":"3","listVersion":1,"name":"VIP",` +
			`"objectTypeId":"0-1","processingStatus":"COMPLETE","processingType":"SNAPSHOT","updatedAt":"2026-02-28T12:00:00.000Z"}],` +
			`"hasMore":false,"offset":2,"total":2}`})
	res := e.read(cat, streamStateFile(stream.Lists, first.lastState(t, stream.Lists)))
	if res.code != 0 {
		t.Fatalf("exit %d: %v", res.code, res.traceErrors())
	}
	if d := cmp.Diff([]string{"-Old/107", "-Old/108", "+Newsletter/110"}, shorts(memberships(t, res))); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if n := e.fake.Count(fakehubspot.EndpointListsGet); n != 2 {
		t.Errorf("%d list lookups, want 2 (Newsletter and Old)", n)
	}
}

// TestListsDeletedWhileRead: a list deleted between the search and the read of its members
// (404) keeps its snapshot; the next run finds it gone and delivers its exits.
func TestListsDeletedWhileRead(t *testing.T) {
	t.Parallel()
	e := listsWorld(t, fakehubspot.ListOptions{})
	first := e.readLists(t, protocol.SyncModeIncremental, nil)
	e.fake.must(e.fake.AddListMembers("1", t0.Add(10*time.Minute), 110))
	e.clk.Set(t0.Add(time.Hour))
	cat := e.catalog(protocol.SyncModeIncremental, stream.Lists)
	e.fake.AnswerNext(fakehubspot.EndpointListsMemberships, 1, fakehubspot.Answer{Status: 404,
		Body: `{"status":"error","message":"List does not exist with ID 1.","category":"OBJECT_NOT_FOUND"}`})
	second := e.read(cat, streamStateFile(stream.Lists, first.lastState(t, stream.Lists)))
	if second.code != 0 || len(memberships(t, second)) != 0 || len(second.logs("WARN")) != 1 {
		t.Fatalf("exit %d, records %v, WARN %q; want none but one WARN", second.code, shorts(memberships(t, second)), second.logs("WARN"))
	}
	e.fake.must(e.fake.DeleteList("1", t0.Add(time.Hour)))
	third := e.readLists(t, protocol.SyncModeIncremental, second.lastState(t, stream.Lists))
	if d := cmp.Diff([]string{"-Newsletter/101", "-Newsletter/102", "-Newsletter/103"}, shorts(memberships(t, third))); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
