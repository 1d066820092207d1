package fakehubspot_test

import (
	"encoding/base64"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

// TestListSearch: search filters by object type, processing type, ids and name, leaves deleted
// lists out, pages by offset and reports the default additional properties.
func TestListSearch(t *testing.T) {
	s, clk := start(t, fakehubspot.Options{})
	t0 := clk.Now()
	people(s, 5, t0.Add(-time.Hour))
	news := mustList(t, s, fakehubspot.ListSpec{Name: "Newsletter", Members: []int64{1, 2, 99}})
	mustList(t, s, fakehubspot.ListSpec{Name: "Customers", ProcessingType: fakehubspot.ListDynamic, Filter: customers})
	mustList(t, s, fakehubspot.ListSpec{Name: "Leads snapshot", ProcessingType: fakehubspot.ListSnapshot,
		Filter: []fakehubspot.ListCondition{{Property: "lifecyclestage", Value: "LEAD"}}})
	mustList(t, s, fakehubspot.ListSpec{Name: "Companies", ObjectTypeID: "0-2", Members: []int64{7}})
	gone := mustList(t, s, fakehubspot.ListSpec{Name: "Old newsletter"})
	if err := s.DeleteList(gone, time.Time{}); err != nil {
		t.Fatal(err)
	}

	p := searchLists(t, s, map[string]any{"objectTypeId": "0-1", "offset": 0})
	if got, want := listNames(p), []string{"Newsletter", "Customers", "Leads snapshot"}; !reflect.DeepEqual(got, want) || p.Total != 3 || p.HasMore || p.Offset != 3 {
		t.Errorf("contact lists %v total %d hasMore %v offset %d, want %v, 3, false, 3", got, p.Total, p.HasMore, p.Offset, want)
	}
	l := p.Lists[0]
	if l.ListID != news || l.ListVersion != 1 || l.ObjectTypeID != "0-1" || l.ProcessingType != "MANUAL" ||
		l.ProcessingStatus != "COMPLETE" || l.CreatedAt != isoString(t0) || l.UpdatedAt != isoString(t0) ||
		l.FiltersUpdatedAt != isoString(t0) || l.DeletedAt != nil {
		t.Errorf("newsletter = %+v", l)
	}
	// Record 99 does not exist and was ignored; the stamp never set is left out.
	want := map[string]string{"hs_list_size": "2", "hs_last_record_added_at": msString(t0), "hs_list_reference_count": "0"}
	if !reflect.DeepEqual(l.AdditionalProperties, want) {
		t.Errorf("additionalProperties = %v, want %v", l.AdditionalProperties, want)
	}
	if got := p.Lists[2].AdditionalProperties["hs_list_size"]; got != "5" {
		t.Errorf("snapshot of five leads (case-insensitive) has size %s", got)
	}

	cases := []struct {
		name string
		body map[string]any
		want []string
	}{
		{"every object type", map[string]any{}, []string{"Newsletter", "Customers", "Leads snapshot", "Companies"}},
		{"processing types", map[string]any{"processingTypes": []string{"DYNAMIC", "SNAPSHOT"}}, []string{"Customers", "Leads snapshot"}},
		{"list ids", map[string]any{"listIds": []string{news, gone}}, []string{"Newsletter"}},
		{"query by name", map[string]any{"query": "LETTER"}, []string{"Newsletter"}},
		{"second page", map[string]any{"offset": 1, "count": 2}, []string{"Customers", "Leads snapshot"}},
	}
	for _, tc := range cases {
		if got := listNames(searchLists(t, s, tc.body)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	p = searchLists(t, s, map[string]any{"count": 3})
	if !p.HasMore || p.Offset != 3 || p.Total != 4 {
		t.Errorf("first page of 3 of 4: hasMore %v offset %d total %d", p.HasMore, p.Offset, p.Total)
	}
	for _, bad := range []map[string]any{{"count": 501}, {"offset": -1}, {"processingTypes": []string{"STATIC"}}} {
		if r := do(t, s, "POST", "/crm/lists/2026-03/search", pat, bad); r.status != 400 || r.errorBody(t).Category != "VALIDATION_ERROR" {
			t.Errorf("%v: %d %s, want 400 VALIDATION_ERROR", bad, r.status, r.body)
		}
	}
}

// TestListSearchDefaultCount: without count a page holds 20 lists; 500 is allowed.
func TestListSearchDefaultCount(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	for i := range 25 {
		mustList(t, s, fakehubspot.ListSpec{Name: "L" + itoa(int64(i))})
	}
	if p := searchLists(t, s, map[string]any{}); len(p.Lists) != 20 || !p.HasMore || p.Offset != 20 || p.Total != 25 {
		t.Errorf("default page: %d lists, hasMore %v, offset %d, total %d", len(p.Lists), p.HasMore, p.Offset, p.Total)
	}
	if p := searchLists(t, s, map[string]any{"count": 500}); len(p.Lists) != 25 || p.HasMore {
		t.Errorf("count 500: %d lists, hasMore %v", len(p.Lists), p.HasMore)
	}
}

// TestListGet: one list by id, its filters on request; unknown and purged ids are 404; a deleted
// list is answered with deletedAt until purged.
func TestListGet(t *testing.T) {
	s, clk := start(t, fakehubspot.Options{})
	id := mustList(t, s, fakehubspot.ListSpec{Name: "Customers", ProcessingType: fakehubspot.ListDynamic, Filter: customers})
	var got struct{ List listResult }
	r := do(t, s, "GET", "/crm/lists/2026-03/"+id+"?includeFilters=true", pat, nil)
	r.json(t, &got)
	if r.status != 200 || got.List.ListID != id || got.List.Name != "Customers" || got.List.ProcessingType != "DYNAMIC" || got.List.DeletedAt != nil {
		t.Fatalf("get: %d %s", r.status, r.body)
	}
	if !strings.Contains(string(r.body), `"property":"lifecyclestage","operation":{"operationType":"MULTISTRING","operator":"IS_EQUAL_TO","values":["customer"]`) {
		t.Errorf("filter branch missing: %s", r.body)
	}
	if r := do(t, s, "GET", "/crm/lists/2026-03/"+id, pat, nil); strings.Contains(string(r.body), "filterBranch") {
		t.Errorf("filters without includeFilters: %s", r.body)
	}
	for _, bad := range []string{"999", "abc"} {
		if r := do(t, s, "GET", "/crm/lists/2026-03/"+bad, pat, nil); r.status != 404 || r.errorBody(t).Category != "OBJECT_NOT_FOUND" {
			t.Errorf("get %s: %d %s", bad, r.status, r.body)
		}
	}
	clk.Add(time.Minute)
	del := clk.Now()
	if err := s.DeleteList(id, time.Time{}); err != nil {
		t.Fatal(err)
	}
	r = do(t, s, "GET", "/crm/lists/2026-03/"+id, pat, nil)
	r.json(t, &got)
	if r.status != 200 || got.List.DeletedAt == nil || *got.List.DeletedAt != isoString(del) || got.List.UpdatedAt != isoString(del) {
		t.Errorf("deleted list: %d %s", r.status, r.body)
	}
	clk.Add(fakehubspot.ListRetention)
	if r := do(t, s, "GET", "/crm/lists/2026-03/"+id, pat, nil); r.status != 404 {
		t.Errorf("purged list: %d %s", r.status, r.body)
	}
	if err := s.RestoreList(id, time.Time{}); err == nil {
		t.Error("a purged list was restored")
	}
}

// TestMembershipsPaging: ascending record ids, limit honoured, opaque after tokens that a plain id
// or another list's token cannot replace, total on every page.
func TestMembershipsPaging(t *testing.T) {
	s, clk := start(t, fakehubspot.Options{})
	people(s, 130, clk.Now())
	ids := make([]int64, 0, 130)
	for i := int64(130); i >= 1; i-- {
		ids = append(ids, i)
	}
	big := mustList(t, s, fakehubspot.ListSpec{Name: "All", Members: ids})
	small := mustList(t, s, fakehubspot.ListSpec{Name: "Few", Members: []int64{5, 3, 9, 1, 7, 2, 8}})

	p := memberships(t, s, big, "")
	if len(p.Results) != 100 || p.Total != 130 || p.Paging == nil || p.Results[0].RecordID != "1" || p.Results[99].RecordID != "100" {
		t.Errorf("default page: %d results, total %d", len(p.Results), p.Total)
	}
	if p.Results[0].MembershipTimestamp != isoString(clk.Now()) {
		t.Errorf("membershipTimestamp %s", p.Results[0].MembershipTimestamp)
	}
	tok := p.Paging.Next.After
	if tok == "100" || tok == "101" {
		t.Errorf("after token %q is a plain record id", tok)
	}
	if got := allMembers(t, s, small, 3); !reflect.DeepEqual(got, []string{"1", "2", "3", "5", "7", "8", "9"}) {
		t.Errorf("paged by 3: %v", got)
	}
	if got := allMembers(t, s, big, 250); len(got) != 130 || got[129] != "130" {
		t.Errorf("limit 250: %d members", len(got))
	}
	first := memberships(t, s, small, "?limit=3")
	if first.Total != 7 || first.Paging == nil {
		t.Fatalf("first page of 3: %+v", first)
	}
	plain := base64.RawURLEncoding.EncodeToString([]byte("3"))
	for _, q := range []string{"?after=3", "?after=" + plain, "?after=" + tok, "?limit=251", "?limit=0", "?before=" + first.Paging.Next.After} {
		r := do(t, s, "GET", "/crm/lists/2026-03/"+small+"/memberships"+q, pat, nil)
		if r.status != 400 || r.errorBody(t).Category != "VALIDATION_ERROR" {
			t.Errorf("%s: %d %s, want 400", q, r.status, r.body)
		}
	}
	if r := do(t, s, "GET", "/crm/lists/2026-03/77/memberships", pat, nil); r.status != 404 || r.errorBody(t).Category != "OBJECT_NOT_FOUND" {
		t.Errorf("unknown list: %d %s", r.status, r.body)
	}
}

// TestMembershipsPagingKeyed: a member leaving between two pages shifts no other member across
// the page boundary; one joining before the token is not seen, after it is.
func TestMembershipsPagingKeyed(t *testing.T) {
	s, clk := start(t, fakehubspot.Options{})
	people(s, 10, clk.Now())
	id := mustList(t, s, fakehubspot.ListSpec{Name: "L", Members: []int64{2, 4, 6, 8, 10}})
	p := memberships(t, s, id, "?limit=2")
	if err := s.RemoveListMembers(id, time.Time{}, 2, 4); err != nil {
		t.Fatal(err)
	}
	if err := s.AddListMembers(id, time.Time{}, 3, 9); err != nil {
		t.Fatal(err)
	}
	var rest []string
	for _, m := range memberships(t, s, id, "?after="+p.Paging.Next.After).Results {
		rest = append(rest, m.RecordID)
	}
	if !reflect.DeepEqual(rest, []string{"6", "8", "9", "10"}) {
		t.Errorf("after the first page: %v", rest)
	}
}

// TestMembershipsJoinOrder: the join-order endpoint orders by membershipTimestamp, ties by id.
func TestMembershipsJoinOrder(t *testing.T) {
	s, clk := start(t, fakehubspot.Options{})
	people(s, 6, clk.Now())
	t0 := clk.Now()
	id := mustList(t, s, fakehubspot.ListSpec{Name: "L", Members: []int64{5, 6}})
	for _, step := range []struct {
		at  time.Time
		ids []int64
	}{{t0.Add(2 * time.Hour), []int64{1}}, {t0.Add(time.Hour), []int64{4, 2}}} {
		if err := s.AddListMembers(id, step.at, step.ids...); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	q := "?limit=2"
	for {
		r := do(t, s, "GET", "/crm/lists/2026-03/"+id+"/memberships/join-order"+q, pat, nil)
		var p membershipPage
		r.json(t, &p)
		for _, m := range p.Results {
			got = append(got, m.RecordID)
		}
		if p.Paging == nil {
			break
		}
		q = "?limit=2&after=" + p.Paging.Next.After
	}
	if !reflect.DeepEqual(got, []string{"5", "6", "2", "4", "1"}) {
		t.Errorf("join order %v", got)
	}
	// A join-order token is not a record-order token.
	p := do(t, s, "GET", "/crm/lists/2026-03/"+id+"/memberships/join-order?limit=2", pat, nil)
	var jp membershipPage
	p.json(t, &jp)
	if r := do(t, s, "GET", "/crm/lists/2026-03/"+id+"/memberships?after="+jp.Paging.Next.After, pat, nil); r.status != 400 {
		t.Errorf("join-order token on memberships: %d", r.status)
	}
}

// TestListsDeniedScope: without the lists scope every lists read answers 403 MISSING_SCOPES
// naming crm.lists.read; ClearFaults restores it.
func TestListsDeniedScope(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	id := mustList(t, s, fakehubspot.ListSpec{Name: "L"})
	s.DenyListsScope(true)
	for _, c := range []struct{ method, path string }{
		{"POST", "/crm/lists/2026-03/search"}, {"GET", "/crm/lists/2026-03/" + id},
		{"GET", "/crm/lists/2026-03/" + id + "/memberships"}, {"GET", "/crm/lists/2026-03/" + id + "/memberships/join-order"},
	} {
		r := do(t, s, c.method, c.path, pat, map[string]any{})
		if r.status != 403 || r.errorBody(t).Category != "MISSING_SCOPES" || !strings.Contains(string(r.body), `"requiredGranularScopes":["crm.lists.read"]`) {
			t.Errorf("%s %s: %d %s", c.method, c.path, r.status, r.body)
		}
	}
	if r := do(t, s, "GET", "/crm/objects/2026-03/contacts", pat, nil); r.status != 200 {
		t.Errorf("contacts without the lists scope: %d", r.status)
	}
	s.ClearFaults()
	if r := do(t, s, "GET", "/crm/lists/2026-03/"+id, pat, nil); r.status != 200 {
		t.Errorf("after ClearFaults: %d %s", r.status, r.body)
	}
}

// TestListsRateLimits: lists calls count against the ten-secondly and daily limits (not the
// search one) and carry the rate-limit headers.
func TestListsRateLimits(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{RateLimits: true, BurstMax: 3, DailyMax: 100})
	id := mustList(t, s, fakehubspot.ListSpec{Name: "L"})
	r := do(t, s, "POST", "/crm/lists/2026-03/search", pat, map[string]any{})
	if r.header.Get("X-HubSpot-RateLimit-Remaining") != "2" || r.header.Get("X-HubSpot-RateLimit-Daily-Remaining") != "99" {
		t.Errorf("headers after one call: %v", r.header)
	}
	do(t, s, "GET", "/crm/lists/2026-03/"+id, pat, nil)
	do(t, s, "GET", "/crm/lists/2026-03/"+id+"/memberships", pat, nil)
	r = do(t, s, "GET", "/crm/lists/2026-03/"+id+"/memberships/join-order", pat, nil)
	if r.status != 429 || r.errorBody(t).PolicyName != fakehubspot.PolicyTenSecondly {
		t.Errorf("fourth call in the window: %d %s", r.status, r.body)
	}
	s.SetRateLimits(false)
	s.ExhaustDaily(true)
	if r := do(t, s, "GET", "/crm/lists/2026-03/"+id, pat, nil); r.status != 429 || r.errorBody(t).PolicyName != fakehubspot.PolicyDaily {
		t.Errorf("daily limit: %d %s", r.status, r.body)
	}
}

// TestListsPaths: every served version and the legacy /crm/v3/lists paths answer (legacy calls
// counted); a version not served is 404; faults reach the lists endpoints.
func TestListsPaths(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	people(s, 2, time.Now())
	id := mustList(t, s, fakehubspot.ListSpec{Name: "L", Members: []int64{1, 2}})
	for _, prefix := range []string{"/crm/lists/2026-03/", "/crm/lists/2026-09/", "/crm/lists/2027-03-beta/", "/crm/v3/lists/"} {
		for _, c := range []struct{ method, path string }{{"POST", "search"}, {"GET", id}, {"GET", id + "/memberships"}, {"GET", id + "/memberships/join-order"}} {
			if r := do(t, s, c.method, prefix+c.path, pat, map[string]any{}); r.status != 200 {
				t.Errorf("%s %s%s: %d %s", c.method, prefix, c.path, r.status, r.body)
			}
		}
	}
	if got := s.LegacyCalls(); got != 4 {
		t.Errorf("LegacyCalls = %d, want 4", got)
	}
	if got := s.Count(fakehubspot.EndpointListsMemberships); got != 4 {
		t.Errorf("memberships count = %d, want 4", got)
	}
	if r := do(t, s, "GET", "/crm/lists/2025-09/"+id, pat, nil); r.status != 404 {
		t.Errorf("unserved version: %d", r.status)
	}
	s.FailNext(fakehubspot.EndpointListsSearch, 1, 503)
	if r := do(t, s, "POST", "/crm/lists/2026-03/search", pat, map[string]any{}); r.status != 503 {
		t.Errorf("FailNext: %d", r.status)
	}
	s.FailContact(2, http.StatusInternalServerError)
	if r := do(t, s, "GET", "/crm/lists/2026-03/"+id+"/memberships", pat, nil); r.status != 500 {
		t.Errorf("FailContact on a memberships page: %d", r.status)
	}
	if r := do(t, s, "GET", "/crm/lists/2026-03/search", pat, nil); r.status != 404 {
		t.Errorf("GET on search (a list id \"search\"): %d", r.status)
	}
}
