package source

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/source/lists"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// listsWorld is the portal of the list tests: contacts 101 to 110 (even ids VIPs), and
//
//	1 Newsletter  MANUAL    101 102 103
//	2 Customers   DYNAMIC   lifecyclestage = customer: 104 105
//	3 VIP         SNAPSHOT  is_vip = true: 102 104 106 108 110
//	4 Old         MANUAL    107 108
//	5 Companies   MANUAL    a list of companies (object 0-2), which the stream leaves out
//
// so contacts 102, 104 and 108 are in two lists.
func listsWorld(t *testing.T, o fakehubspot.ListOptions) *env {
	e := listsEnv(t, o)
	f := e.fake
	at := t0.Add(-24 * time.Hour)
	f.must(f.UpdateContact(104, at, map[string]string{"lifecyclestage": "customer"}))
	f.must(f.UpdateContact(105, at, map[string]string{"lifecyclestage": "customer"}))
	f.mustList(fakehubspot.ListSpec{ID: "1", Name: "Newsletter", Members: []int64{101, 102, 103}, CreatedAt: at})
	f.mustList(fakehubspot.ListSpec{ID: "2", Name: "Customers", ProcessingType: fakehubspot.ListDynamic, CreatedAt: at,
		Filter: []fakehubspot.ListCondition{{Property: "lifecyclestage", Value: "customer"}}})
	f.mustList(fakehubspot.ListSpec{ID: "3", Name: "VIP", ProcessingType: fakehubspot.ListSnapshot, CreatedAt: at,
		Filter: []fakehubspot.ListCondition{{Property: "is_vip", Value: "true"}}})
	f.mustList(fakehubspot.ListSpec{ID: "4", Name: "Old", Members: []int64{107, 108}, CreatedAt: at})
	f.mustList(fakehubspot.ListSpec{ID: "5", Name: "Companies", ObjectTypeID: "0-2", Members: []int64{1, 2}, CreatedAt: at})
	return e
}

// listsChanges changes listsWorld between two runs, at t0 + 30 minutes: 101 leaves Newsletter
// and 104 joins it; 103 becomes a customer and 105 a lead (Customers re-evaluates); 110 leaves
// VIP, which is renamed VIPs; Old is deleted; Fresh (MANUAL, 109) is created.
func listsChanges(f *hubFake) {
	at := t0.Add(30 * time.Minute)
	f.must(f.RemoveListMembers("1", at, 101))
	f.must(f.AddListMembers("1", at, 104))
	f.must(f.UpdateContact(103, at, map[string]string{"lifecyclestage": "customer"}))
	f.must(f.UpdateContact(105, at, map[string]string{"lifecyclestage": "lead"}))
	f.must(f.RemoveListMembers("3", at, 110))
	f.must(f.RenameList("3", "VIPs", at))
	f.must(f.DeleteList("4", at))
	f.mustList(fakehubspot.ListSpec{ID: "6", Name: "Fresh", Members: []int64{109}, CreatedAt: at})
}

func TestListsJoinsExitsRenamesAndDeletedLists(t *testing.T) {
	t.Parallel()
	e := listsWorld(t, fakehubspot.ListOptions{})
	first := e.readLists(t, protocol.SyncModeIncremental, nil)
	want := []string{"+Newsletter/101", "+Newsletter/102", "+Newsletter/103", "+Customers/104", "+Customers/105",
		"+VIP/102", "+VIP/104", "+VIP/106", "+VIP/108", "+VIP/110", "+Old/107", "+Old/108"}
	recs := memberships(t, first)
	if d := cmp.Diff(want, shorts(recs)); d != "" {
		t.Fatalf("first run (-want +got):\n%s", d)
	}
	for _, m := range recs {
		if m.Contact["email"] != "c"+m.RecordID+"@example.com" || m.MembershipTimestamp == nil ||
			*m.MembershipTimestamp != "2026-02-28T12:00:00.000Z" || m.ProcessingType == nil {
			t.Errorf("record %+v: want the contact, the time it joined and the list type", m)
		}
	}

	listsChanges(e.fake)
	e.clk.Set(t0.Add(time.Hour))
	second := e.readLists(t, protocol.SyncModeIncremental, first.lastState(t, stream.Lists))
	want = []string{"-Old/107", "-Old/108", // a deleted list's members leave first
		"-Newsletter/101", "+Newsletter/104",
		"-Customers/105", "+Customers/103",
		"-VIP/110", "+VIPs<VIP/102", "+VIPs<VIP/104", "+VIPs<VIP/106", "+VIPs<VIP/108", // exits keep the old name
		"+Fresh/109"}
	recs = memberships(t, second)
	if d := cmp.Diff(want, shorts(recs)); d != "" {
		t.Fatalf("second run (-want +got):\n%s", d)
	}
	for _, m := range recs {
		wantAt := "2026-03-01T12:30:00.000Z" // the join
		if !m.Member {
			wantAt = "2026-03-01T13:00:00.000Z" // when the run saw the exit
		} else if m.PreviousListName != nil {
			wantAt = "2026-02-28T12:00:00.000Z" // a renamed list's members keep their join time
		}
		if m.MembershipTimestamp == nil || *m.MembershipTimestamp != wantAt || m.Contact["email"] != "c"+m.RecordID+"@example.com" {
			t.Errorf("%s: membershipTimestamp %v contact %v, want %s and the contact", m.short(), m.MembershipTimestamp, m.Contact, wantAt)
		}
	}
	st, err := lists.ParseState(second.lastState(t, stream.Lists))
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(maps.Keys(st.Lists)); !cmp.Equal(got, []string{"1", "2", "3", "6"}) || st.Resume != nil ||
		!st.MembershipTimestamp.Equal(t0.Add(time.Hour)) || st.Lists["3"].Name != "VIPs" {
		t.Errorf("final state: lists %v resume %+v cursor %s", got, st.Resume, st.MembershipTimestamp)
	}

	// Nothing changed: no record, and only the DYNAMIC list's members are read again.
	e.clk.Set(t0.Add(2 * time.Hour))
	e.fake.ResetStats()
	third := e.readLists(t, protocol.SyncModeIncremental, second.lastState(t, stream.Lists))
	if recs := memberships(t, third); len(recs) != 0 {
		t.Errorf("an unchanged portal gave %v", shorts(recs))
	}
	if n := e.fake.membershipCalls(); n != 1 {
		t.Errorf("%d memberships calls, want 1 (Customers is DYNAMIC; the others are unchanged)", n)
	}
}

// TestListsFullRefresh: a full refresh delivers every current membership, as joins, whatever
// the state says; exits cannot be told.
func TestListsFullRefresh(t *testing.T) {
	t.Parallel()
	e := listsWorld(t, fakehubspot.ListOptions{})
	first := e.readLists(t, protocol.SyncModeIncremental, nil)
	listsChanges(e.fake)
	e.clk.Set(t0.Add(time.Hour))
	full := e.readLists(t, protocol.SyncModeFullRefresh, first.lastState(t, stream.Lists))
	want := []string{"+Newsletter/102", "+Newsletter/103", "+Newsletter/104", "+Customers/103", "+Customers/104",
		"+VIPs/102", "+VIPs/104", "+VIPs/106", "+VIPs/108", "+Fresh/109"}
	if d := cmp.Diff(want, shorts(memberships(t, full))); d != "" {
		t.Errorf("full refresh (-want +got):\n%s", d)
	}
	// Its state is a snapshot of what it delivered: an incremental run from it finds nothing new.
	next := e.readLists(t, protocol.SyncModeIncremental, full.lastState(t, stream.Lists))
	if recs := memberships(t, next); len(recs) != 0 {
		t.Errorf("incremental after a full refresh gave %v", shorts(recs))
	}
}

func TestListsScopeMissing(t *testing.T) {
	t.Parallel()
	e := listsWorld(t, fakehubspot.ListOptions{})
	cat := e.catalog(protocol.SyncModeIncremental, stream.Lists)
	e.fake.DenyListsScope(true)
	res := e.run("discover", "--config", e.writeFile("config.json", e.cfg))
	for _, m := range res.msgs {
		if m.Catalog != nil {
			for _, s := range m.Catalog.Streams {
				if s.Name == stream.Lists {
					t.Errorf("discover lists %s without the lists scope", stream.Lists)
				}
			}
		}
	}
	warn := res.logs("WARN")
	if res.code != 0 || len(warn) != 1 || !containsAll(warn[0], []string{"crm.lists.read", "MISSING_SCOPES"}) {
		t.Errorf("exit %d, WARN logs %q; want one naming crm.lists.read", res.code, warn)
	}
	// A connection that still selects the stream fails it with what to grant.
	read := e.read(cat, nil)
	errs := read.traceErrors()
	if read.code == 0 || len(errs) != 1 || errs[0].Trace.Error.FailureType != "config_error" ||
		!containsAll(errs[0].Trace.Error.Message, []string{"crm.lists.read"}) {
		t.Errorf("read exit %d, errors %+v; want a config_error naming crm.lists.read", read.code, errs)
	}
}
