package fakehubspot_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

func memberIDs(s *fakehubspot.Server, listID string) []int64 {
	var out []int64
	for _, m := range s.ListMembers(listID) {
		out = append(out, m.RecordID)
	}
	return out
}

func info(t *testing.T, s *fakehubspot.Server, id string) fakehubspot.ListInfo {
	t.Helper()
	l, ok := s.List(id)
	if !ok {
		t.Fatalf("list %s missing", id)
	}
	return l
}

// TestDynamicListFollowsContacts: a DYNAMIC list gains a contact that starts to match and loses
// one that stops, stamped with the contact's lastmodifieddate; by default its size, record
// stamps and updatedAt move, its listVersion does not.
func TestDynamicListFollowsContacts(t *testing.T) {
	s, clk := start(t, fakehubspot.Options{})
	t0 := clk.Now()
	people(s, 4, t0.Add(-time.Hour))
	must(t, s.UpdateContact(1, t0.Add(-time.Minute), map[string]string{"lifecyclestage": "customer"}))
	id := mustList(t, s, fakehubspot.ListSpec{Name: "Customers", ProcessingType: fakehubspot.ListDynamic, Filter: customers})
	if got := s.ListMembers(id); len(got) != 1 || got[0].RecordID != 1 || !got[0].JoinedAt.Equal(t0) {
		t.Fatalf("at creation: %+v (want contact 1 joined at creation)", got)
	}
	t1, t2 := t0.Add(time.Hour), t0.Add(2*time.Hour)
	must(t, s.UpdateContact(3, t1, map[string]string{"lifecyclestage": "Customer"}))
	must(t, s.UpdateContact(1, t2, map[string]string{"lifecyclestage": "lead"}))
	must(t, s.UpdateContact(2, t2, map[string]string{"firstname": "x"})) // no effect on the list
	if got := s.ListMembers(id); len(got) != 1 || got[0].RecordID != 3 || !got[0].JoinedAt.Equal(t1) {
		t.Errorf("after the changes: %+v", got)
	}
	l := info(t, s, id)
	if l.Size != 1 || !l.LastAddedAt.Equal(t1) || !l.LastRemovedAt.Equal(t2) || !l.UpdatedAt.Equal(t2) || l.Version != 1 || l.Processing {
		t.Errorf("stamps: %+v", l)
	}
	p := searchLists(t, s, map[string]any{"listIds": []string{id}})
	want := map[string]string{"hs_list_size": "1", "hs_last_record_added_at": msString(t1),
		"hs_last_record_removed_at": msString(t2), "hs_list_reference_count": "0"}
	if !reflect.DeepEqual(p.Lists[0].AdditionalProperties, want) || p.Lists[0].UpdatedAt != isoString(t2) {
		t.Errorf("search: %+v, want %v", p.Lists[0], want)
	}
	// A new contact matching at once joins.
	s.AddContacts(fakehubspot.Contact{ID: 9, CreatedAt: t2, UpdatedAt: t2.Add(time.Minute), Properties: map[string]string{"lifecyclestage": "customer"}})
	if got := memberIDs(s, id); !reflect.DeepEqual(got, []int64{3, 9}) {
		t.Errorf("after adding a customer: %v", got)
	}
}

// TestBackgroundKeepsStamps: with the option, a re-evaluation changes the members but not the
// reported size and stamps; a user's change still moves them.
func TestBackgroundKeepsStamps(t *testing.T) {
	s, clk := start(t, fakehubspot.Options{Lists: fakehubspot.ListOptions{BackgroundKeepsStamps: true}})
	t0 := clk.Now()
	people(s, 3, t0.Add(-time.Hour))
	id := mustList(t, s, fakehubspot.ListSpec{Name: "Customers", ProcessingType: fakehubspot.ListDynamic, Filter: customers})
	must(t, s.UpdateContact(2, t0.Add(time.Hour), map[string]string{"lifecyclestage": "customer"}))
	l := info(t, s, id)
	if l.Members != 1 || l.Size != 0 || !l.LastAddedAt.IsZero() || !l.UpdatedAt.Equal(t0) {
		t.Errorf("after a re-evaluation: %+v", l)
	}
	p := searchLists(t, s, map[string]any{})
	if got := p.Lists[0].AdditionalProperties; got["hs_list_size"] != "0" || got["hs_last_record_added_at"] != "" {
		t.Errorf("search reports %v", got)
	}
	if got := memberships(t, s, id, ""); got.Total != 1 || got.Results[0].RecordID != "2" {
		t.Errorf("memberships: %+v", got)
	}
	must(t, s.SetListFilter(id, []fakehubspot.ListCondition{{Property: "lifecyclestage", Operator: fakehubspot.OpIsKnown}}, t0.Add(2*time.Hour)))
	if l := info(t, s, id); l.Size != 3 || l.Members != 3 || l.Version != 2 || !l.FiltersUpdatedAt.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("after a filter change: %+v", l)
	}
}

// TestEvaluationLag: a change waits for the lag (list PROCESSING meanwhile), then lands stamped
// with the contact's change plus the lag.
func TestEvaluationLag(t *testing.T) {
	s, clk := start(t, fakehubspot.Options{Lists: fakehubspot.ListOptions{EvaluationLag: 10 * time.Minute}})
	t0 := clk.Now()
	people(s, 2, t0.Add(-time.Hour))
	id := mustList(t, s, fakehubspot.ListSpec{Name: "Customers", ProcessingType: fakehubspot.ListDynamic, Filter: customers})
	man := mustList(t, s, fakehubspot.ListSpec{Name: "Manual", Members: []int64{2}})
	must(t, s.UpdateContact(1, t0, map[string]string{"lifecyclestage": "customer"}))
	must(t, s.DeleteContact(2, t0))
	clk.Add(9 * time.Minute)
	if got := memberIDs(s, id); len(got) != 0 || !info(t, s, id).Processing {
		t.Errorf("within the lag: members %v, processing %v", got, info(t, s, id).Processing)
	}
	if got := memberIDs(s, man); !reflect.DeepEqual(got, []int64{2}) {
		t.Errorf("deleted contact left at once: %v", got)
	}
	p := searchLists(t, s, map[string]any{"processingTypes": []string{"DYNAMIC"}})
	if p.Lists[0].ProcessingStatus != "PROCESSING" {
		t.Errorf("processingStatus %s", p.Lists[0].ProcessingStatus)
	}
	clk.Add(time.Minute)
	if got := s.ListMembers(id); len(got) != 1 || !got[0].JoinedAt.Equal(t0.Add(10*time.Minute)) || info(t, s, id).Processing {
		t.Errorf("after the lag: %+v", got)
	}
	if got := memberIDs(s, man); len(got) != 0 || !info(t, s, man).LastRemovedAt.Equal(t0.Add(10*time.Minute)) {
		t.Errorf("deleted contact after the lag: %v", got)
	}
	s.SetListEvaluationLag(0)
}

// TestManualListChanges: members change only by the helpers; a DYNAMIC list refuses them; names
// stay unique case-insensitively; rename moves the version; delete and restore.
func TestManualListChanges(t *testing.T) {
	s, clk := start(t, fakehubspot.Options{})
	t0 := clk.Now()
	people(s, 5, t0.Add(-time.Hour))
	id := mustList(t, s, fakehubspot.ListSpec{Name: "VIP", Members: []int64{1}})
	dyn := mustList(t, s, fakehubspot.ListSpec{Name: "Customers", ProcessingType: fakehubspot.ListDynamic, Filter: customers})
	must(t, s.UpdateContact(1, t0.Add(time.Hour), map[string]string{"lifecyclestage": "customer"}))
	if got := memberIDs(s, id); !reflect.DeepEqual(got, []int64{1}) {
		t.Errorf("a contact change moved a MANUAL list: %v", got)
	}
	must(t, s.AddListMembers(id, t0.Add(2*time.Hour), 2, 3, 42))
	must(t, s.RemoveListMembers(id, t0.Add(3*time.Hour), 1, 4))
	if got := memberIDs(s, id); !reflect.DeepEqual(got, []int64{2, 3}) {
		t.Errorf("after add and remove: %v", got)
	}
	l := info(t, s, id)
	if l.Size != 2 || !l.LastAddedAt.Equal(t0.Add(2*time.Hour)) || !l.LastRemovedAt.Equal(t0.Add(3*time.Hour)) || l.Version != 1 {
		t.Errorf("stamps %+v", l)
	}
	if err := s.AddListMembers(dyn, time.Time{}, 2); err == nil {
		t.Error("members added to a DYNAMIC list")
	}
	if _, err := s.CreateList(fakehubspot.ListSpec{Name: "vip"}); err == nil {
		t.Error("a second list named vip")
	}
	if err := s.RenameList(dyn, "VIp", time.Time{}); err == nil {
		t.Error("renamed onto a taken name")
	}
	must(t, s.RenameList(id, "Very important", t0.Add(4*time.Hour)))
	if l := info(t, s, id); l.Name != "Very important" || l.Version != 2 || !l.UpdatedAt.Equal(t0.Add(4*time.Hour)) {
		t.Errorf("after rename: %+v", l)
	}
	must(t, s.DeleteList(id, t0.Add(5*time.Hour)))
	if err := s.AddListMembers(id, time.Time{}, 4); err == nil {
		t.Error("members added to a deleted list")
	}
	if r := do(t, s, "GET", "/crm/lists/2026-03/"+id+"/memberships", pat, nil); r.status != 404 {
		t.Errorf("memberships of a deleted list: %d", r.status)
	}
	taker := mustList(t, s, fakehubspot.ListSpec{Name: "VERY IMPORTANT"}) // the name is free again
	if err := s.RestoreList(id, time.Time{}); err == nil {
		t.Error("restored onto a taken name")
	}
	must(t, s.DeleteList(taker, time.Time{}))
	must(t, s.DeleteContact(3, t0.Add(6*time.Hour)))
	must(t, s.RestoreList(id, t0.Add(7*time.Hour)))
	if got := memberIDs(s, id); !reflect.DeepEqual(got, []int64{2}) {
		t.Errorf("restored members: %v", got)
	}
	if l := info(t, s, id); !l.DeletedAt.IsZero() || !l.UpdatedAt.Equal(t0.Add(7*time.Hour)) {
		t.Errorf("restored: %+v", l)
	}
	for _, bad := range []fakehubspot.ListSpec{
		{Name: ""}, {Name: "x", ProcessingType: "STATIC"}, {Name: "x", ProcessingType: fakehubspot.ListDynamic},
		{Name: "x", Filter: customers}, {Name: "x", ID: "07"}, {Name: "x", ID: id},
		{Name: "x", ProcessingType: fakehubspot.ListDynamic, Filter: []fakehubspot.ListCondition{{Property: "a", Operator: "GT"}}},
	} {
		if _, err := s.CreateList(bad); err == nil {
			t.Errorf("created %+v", bad)
		}
	}
}

// TestSnapshotList: the filter is evaluated once; afterwards the list is manual.
func TestSnapshotList(t *testing.T) {
	s, clk := start(t, fakehubspot.Options{})
	t0 := clk.Now()
	people(s, 3, t0.Add(-time.Hour))
	must(t, s.UpdateContact(1, t0.Add(-time.Minute), map[string]string{"lifecyclestage": "customer"}))
	id := mustList(t, s, fakehubspot.ListSpec{Name: "Snap", ProcessingType: fakehubspot.ListSnapshot, Filter: customers, Members: []int64{3}})
	must(t, s.UpdateContact(2, t0.Add(time.Hour), map[string]string{"lifecyclestage": "customer"}))
	must(t, s.UpdateContact(1, t0.Add(time.Hour), map[string]string{"lifecyclestage": "lead"}))
	if got := memberIDs(s, id); !reflect.DeepEqual(got, []int64{1, 3}) {
		t.Errorf("snapshot: %v", got)
	}
	if err := s.SetListFilter(id, customers, time.Time{}); err == nil {
		t.Error("a SNAPSHOT list's filter changed")
	}
	must(t, s.AddListMembers(id, time.Time{}, 2))
	if got := memberIDs(s, id); !reflect.DeepEqual(got, []int64{1, 2, 3}) {
		t.Errorf("snapshot after add: %v", got)
	}
}

// TestListsDeletedAndMergedContacts: deleted contacts leave every list; a merged contact's new id
// takes its MANUAL memberships (or not, with MergeDropsManualMemberships) and is re-evaluated by
// DYNAMIC lists.
func TestListsDeletedAndMergedContacts(t *testing.T) {
	for _, drop := range []bool{false, true} {
		s, clk := start(t, fakehubspot.Options{Lists: fakehubspot.ListOptions{MergeDropsManualMemberships: drop}})
		t0 := clk.Now()
		people(s, 4, t0.Add(-time.Hour))
		must(t, s.UpdateContact(2, t0.Add(-time.Minute), map[string]string{"lifecyclestage": "customer"}))
		man := mustList(t, s, fakehubspot.ListSpec{Name: "Manual", Members: []int64{1, 2, 4}})
		dyn := mustList(t, s, fakehubspot.ListSpec{Name: "Customers", ProcessingType: fakehubspot.ListDynamic, Filter: customers})
		must(t, s.DeleteContact(4, t0.Add(time.Minute)))
		merged, err := s.MergeContacts(1, 2, t0.Add(2*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		wantMan := []int64{merged}
		if drop {
			wantMan = nil
		}
		// The merged contact keeps the primary's lifecyclestage (lead): it leaves the DYNAMIC list.
		if got := memberIDs(s, man); !reflect.DeepEqual(got, wantMan) {
			t.Errorf("drop=%v: manual members %v, want %v", drop, got, wantMan)
		}
		if got := memberIDs(s, dyn); len(got) != 0 {
			t.Errorf("drop=%v: dynamic members %v", drop, got)
		}
		if m := s.ListMembers(man); !drop && !m[0].JoinedAt.Equal(t0.Add(2*time.Minute)) {
			t.Errorf("merged contact joined at %v", m[0].JoinedAt)
		}
		if l := info(t, s, man); !l.LastRemovedAt.Equal(t0.Add(2*time.Minute)) || l.Size != len(wantMan) {
			t.Errorf("drop=%v: manual list %+v", drop, l)
		}
		must(t, s.UpdateContact(merged, t0.Add(time.Hour), map[string]string{"lifecyclestage": "customer"}))
		if got := memberIDs(s, dyn); !reflect.DeepEqual(got, []int64{merged}) {
			t.Errorf("drop=%v: the merged contact did not join the DYNAMIC list: %v", drop, got)
		}
	}
}

// TestCompanyListNotEvaluated: a list of another object keeps its record ids whatever the
// contacts do.
func TestCompanyListNotEvaluated(t *testing.T) {
	s, clk := start(t, fakehubspot.Options{})
	people(s, 2, clk.Now())
	id := mustList(t, s, fakehubspot.ListSpec{Name: "Companies", ObjectTypeID: "0-2", Members: []int64{1, 500}})
	must(t, s.DeleteContact(1, clk.Now()))
	if got := memberIDs(s, id); !reflect.DeepEqual(got, []int64{1, 500}) {
		t.Errorf("company list: %v", got)
	}
	if _, err := s.CreateList(fakehubspot.ListSpec{Name: "Dyn companies", ObjectTypeID: "0-2", ProcessingType: fakehubspot.ListDynamic, Filter: customers}); err == nil {
		t.Error("a DYNAMIC company list")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestListsConcurrentReads: lists read over HTTP while contacts change and churn runs (for the
// race detector); afterwards the DYNAMIC list holds exactly the matching contacts.
func TestListsConcurrentReads(t *testing.T) {
	s, clk := start(t, fakehubspot.Options{})
	t0 := clk.Now()
	people(s, 50, t0.Add(-time.Hour))
	id := mustList(t, s, fakehubspot.ListSpec{Name: "Customers", ProcessingType: fakehubspot.ListDynamic, Filter: customers})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := int64(1); i <= 50; i += 2 {
			if err := s.UpdateContact(i, t0.Add(time.Duration(i)*time.Second), map[string]string{"lifecyclestage": "customer"}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for range 5 {
		allMembers(t, s, id, 7)
		searchLists(t, s, map[string]any{})
	}
	<-done
	got := memberIDs(s, id)
	if len(got) != 25 || got[0] != 1 || got[24] != 49 {
		t.Errorf("members %v", got)
	}
}
