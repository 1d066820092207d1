package fakehubspot_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

var base = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

func TestSearchPagingTotalAndProperties(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	contactsAt(s, 450, base)
	body := window(base.Add(10*time.Second), base.Add(309*time.Second)) // ids 11..310
	body["limit"] = 200
	body["properties"] = []string{"email", "phone"}
	body["sorts"] = []any{map[string]any{"propertyName": "hs_object_id", "direction": "ASCENDING"}}
	var ids []string
	after := ""
	for page := 0; ; page++ {
		if after != "" {
			body["after"] = after
		}
		p := search(t, s, body)
		if p.Total != 300 {
			t.Fatalf("total = %d, want 300", p.Total)
		}
		for _, c := range p.Results {
			ids = append(ids, c.ID)
			if len(c.Properties) != 5 {
				t.Fatalf("properties %v: want email, phone + 3 always-present", c.Properties)
			}
			if c.Properties["phone"] != nil {
				t.Fatalf("unset phone should be null, got %q", *c.Properties["phone"])
			}
			if *c.Properties["hs_object_id"] != c.ID || c.UpdatedAt != *c.Properties["lastmodifieddate"] {
				t.Fatalf("derived properties wrong: %+v", c)
			}
		}
		if p.Paging == nil {
			break
		}
		after = p.Paging.Next.After
		if page > 3 {
			t.Fatal("paging does not end")
		}
	}
	if len(ids) != 300 || ids[0] != "11" || ids[299] != "310" {
		t.Fatalf("got %d ids from %s to %s", len(ids), ids[0], ids[len(ids)-1])
	}
}

func TestSearchFiltersAndSorts(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	contactsAt(s, 50, base)
	iso := base.Add(20 * time.Second).Format(time.RFC3339)
	cases := []struct {
		name  string
		body  map[string]any
		total int
		first string
	}{
		{"no filters", map[string]any{}, 50, "1"},
		{"GT id", flt("hs_object_id", "GT", "40"), 10, "41"},
		{"BETWEEN time ms", map[string]any{"filterGroups": []any{map[string]any{"filters": []any{map[string]any{
			"propertyName": "lastmodifieddate", "operator": "BETWEEN", "value": ms(base), "highValue": ms(base.Add(4 * time.Second))}}}}}, 5, "1"},
		{"GTE iso", flt("lastmodifieddate", "GTE", iso), 30, "21"},
		{"EQ email", flt("email", "EQ", "C7@EXAMPLE.COM"), 1, "7"},
		{"HAS_PROPERTY phone", flt("phone", "HAS_PROPERTY", ""), 0, ""},
		{"OR groups", map[string]any{"filterGroups": []any{
			map[string]any{"filters": []any{map[string]any{"propertyName": "hs_object_id", "operator": "EQ", "value": "3"}}},
			map[string]any{"filters": []any{map[string]any{"propertyName": "hs_object_id", "operator": "GTE", "value": "49"}}}}}, 3, "3"},
		{"top-level filters", map[string]any{"filters": []any{map[string]any{"propertyName": "hs_object_id", "operator": "LT", "value": "3"}}}, 2, "1"},
		{"sort desc", map[string]any{"sorts": []any{map[string]any{"propertyName": "lastmodifieddate", "direction": "DESCENDING"}}}, 50, "50"},
		{"sort string form", map[string]any{"sorts": []any{"lastmodifieddate"}}, 50, "1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, s, "POST", "/crm/v3/objects/contacts/search", pat, tc.body)
			if r.status != 200 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			var p searchPage
			r.json(t, &p)
			if p.Total != tc.total {
				t.Fatalf("total = %d, want %d", p.Total, tc.total)
			}
			if tc.total > 0 && p.Results[0].ID != tc.first {
				t.Fatalf("first = %s, want %s", p.Results[0].ID, tc.first)
			}
			if len(p.Results) != min(tc.total, 10) {
				t.Fatalf("default page size: got %d results", len(p.Results))
			}
		})
	}
}

func flt(prop, op, v string) map[string]any {
	return map[string]any{"filterGroups": []any{map[string]any{"filters": []any{
		map[string]any{"propertyName": prop, "operator": op, "value": v}}}}}
}

func TestSearchValidation(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	contactsAt(s, 5, base)
	cases := []struct {
		name string
		body map[string]any
	}{
		{"limit over 200", map[string]any{"limit": 201}},
		{"past 10k cap", map[string]any{"limit": 200, "after": "9900"}},
		{"after 10000", map[string]any{"limit": 1, "after": "10000"}},
		{"after not integer", map[string]any{"after": "abc"}},
		{"bad operator", flt("hs_object_id", "BIGGER", "1")},
		{"bad time", flt("lastmodifieddate", "GT", "yesterday")},
		{"too many groups", map[string]any{"filterGroups": []any{
			map[string]any{}, map[string]any{}, map[string]any{}, map[string]any{}, map[string]any{}, map[string]any{}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, s, "POST", "/crm/v3/objects/contacts/search", pat, tc.body)
			var e errBody
			r.json(t, &e)
			if r.status != http.StatusBadRequest || e.Category != "VALIDATION_ERROR" || e.Status != "error" || e.Correlation == "" {
				t.Fatalf("got %d %s", r.status, r.body)
			}
		})
	}
	// The last allowed page is fine.
	r := do(t, s, "POST", "/crm/v3/objects/contacts/search", pat, map[string]any{"limit": 200, "after": "9800"})
	if r.status != 200 {
		t.Fatalf("after 9800 + 200: got %d %s", r.status, r.body)
	}
}

func TestSearchCapAdvertisesNextPastCap(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	contactsAt(s, 10050, base)
	r := do(t, s, "POST", "/crm/v3/objects/contacts/search", pat, map[string]any{"limit": 200, "after": "9800"})
	var p searchPage
	r.json(t, &p)
	// Like HubSpot, the page before the cap still offers a next cursor, which then fails.
	if p.Total != 10050 || p.Paging == nil || p.Paging.Next.After != "10000" {
		t.Fatalf("total %d paging %+v", p.Total, p.Paging)
	}
	r = do(t, s, "POST", "/crm/v3/objects/contacts/search", pat, map[string]any{"limit": 200, "after": "10000"})
	if r.status != 400 {
		t.Fatalf("after=10000: %d", r.status)
	}
	if got := s.MaxSearchAfter(); got != 10000 {
		t.Fatalf("MaxSearchAfter = %d", got)
	}
}

func TestSearchIndexLag(t *testing.T) {
	s, clk := start(t, fakehubspot.Options{IndexLag: time.Minute})
	now := clk.Now()
	s.AddContacts(fakehubspot.Contact{ID: 1, UpdatedAt: now.Add(-time.Hour)}, fakehubspot.Contact{ID: 2, UpdatedAt: now.Add(-time.Hour)})
	if err := s.UpdateContact(2, now.Add(-10*time.Second), map[string]string{"firstname": "New"}); err != nil {
		t.Fatal(err)
	}
	total := func() int {
		var p searchPage
		do(t, s, "POST", "/crm/v3/objects/contacts/search", pat, map[string]any{}).json(t, &p)
		return p.Total
	}
	if got := total(); got != 1 {
		t.Fatalf("before lag passes: total %d, want 1", got)
	}
	if r := do(t, s, "GET", "/crm/v3/objects/contacts/2?properties=firstname", pat, nil); r.status != 200 {
		t.Fatalf("get during lag: %d", r.status)
	}
	clk.Add(time.Minute)
	if got := total(); got != 2 {
		t.Fatalf("after lag: total %d, want 2", got)
	}
	if err := s.UpdateContact(1, clk.Now(), nil); err != nil {
		t.Fatal(err)
	}
	if got := total(); got != 1 {
		t.Fatalf("fresh change: total %d, want 1", got)
	}
	s.SetIndexLag(0)
	if got := total(); got != 2 {
		t.Fatalf("lag off: total %d, want 2", got)
	}
}

func TestSearchSeesMutations(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	contactsAt(s, 10, base)
	later := base.Add(time.Hour)
	var before searchPage
	do(t, s, "POST", "/crm/v3/objects/contacts/search", pat, flt("lastmodifieddate", "GTE", ms(later))).json(t, &before)
	if before.Total != 0 {
		t.Fatalf("before touch: total %d", before.Total)
	}
	if err := s.TouchContacts(later, 2, 4); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteContact(4, later); err != nil {
		t.Fatal(err)
	}
	var p searchPage
	do(t, s, "POST", "/crm/v3/objects/contacts/search", pat, flt("lastmodifieddate", "GTE", ms(later))).json(t, &p)
	if p.Total != 1 || p.Results[0].ID != "2" {
		t.Fatalf("got %+v", p)
	}
	if r := do(t, s, "GET", "/crm/v3/objects/contacts/4", pat, nil); r.status != 404 {
		t.Fatalf("deleted contact: %d", r.status)
	}
	if s.ContactCount() != 9 {
		t.Fatalf("ContactCount %d", s.ContactCount())
	}
}

func TestSearchSecondlyLimit(t *testing.T) {
	s, clk := start(t, fakehubspot.Options{RateLimits: true, SearchPerSecond: 2})
	for i := 0; i < 2; i++ {
		if r := do(t, s, "POST", "/crm/v3/objects/contacts/search", pat, map[string]any{}); r.status != 200 {
			t.Fatalf("call %d: %d", i, r.status)
		}
	}
	r := do(t, s, "POST", "/crm/v3/objects/contacts/search", pat, map[string]any{})
	var e errBody
	r.json(t, &e)
	if r.status != 429 || e.PolicyName != "SECONDLY" || e.ErrorType != "RATE_LIMIT" || e.Message != "You have reached your secondly limit." {
		t.Fatalf("got %d %s", r.status, r.body)
	}
	if r.header.Get("X-HubSpot-RateLimit-Max") != "" {
		t.Fatal("search answers carry no rate-limit headers")
	}
	clk.Add(time.Second)
	if r := do(t, s, "POST", "/crm/v3/objects/contacts/search", pat, map[string]any{}); r.status != 200 {
		t.Fatalf("after window: %d", r.status)
	}
	if s.Served429() != 1 {
		t.Fatalf("Served429 = %d", s.Served429())
	}
}

func TestSearchLargeIDsAndSharedTimestamp(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	var cs []fakehubspot.Contact
	for i := 0; i < 300; i++ {
		cs = append(cs, fakehubspot.Contact{ID: 57156923994 + int64(i), UpdatedAt: base})
	}
	s.AddContacts(cs...)
	body := flt("lastmodifieddate", "EQ", ms(base))
	body["limit"] = 200
	body["filterGroups"].([]any)[0].(map[string]any)["filters"] = append(
		body["filterGroups"].([]any)[0].(map[string]any)["filters"].([]any),
		map[string]any{"propertyName": "hs_object_id", "operator": "GT", "value": strconv.FormatInt(57156923994+199, 10)})
	var p searchPage
	do(t, s, "POST", "/crm/v3/objects/contacts/search", pat, body).json(t, &p)
	if p.Total != 100 || p.Results[0].ID != "57156924194" {
		t.Fatalf("total %d first %s", p.Total, p.Results[0].ID)
	}
}
