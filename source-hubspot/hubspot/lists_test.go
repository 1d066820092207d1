package hubspot

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestListSearchIsNotACRMSearch: list search is a POST ending in /search, but the Lists API
// counts against the general budget, not search's 5 per second.
func TestListSearchIsNotACRMSearch(t *testing.T) {
	for _, tc := range []struct {
		method, path string
		want         bool
	}{
		{http.MethodPost, "/crm/objects/2026-09/contacts/search", true},
		{http.MethodPost, "/crm/lists/2026-09/search", false},
		{http.MethodPost, "/proxy/crm/lists/2026-03/search", false},
		{http.MethodGet, "/crm/lists/2026-09/12/memberships", false},
	} {
		req, err := http.NewRequest(tc.method, "http://x"+tc.path, http.NoBody)
		if err != nil {
			t.Fatal(err)
		}
		if got := isSearch(req); got != tc.want {
			t.Errorf("isSearch(%s %s) = %v, want %v", tc.method, tc.path, got, tc.want)
		}
	}
}

func TestSearchListsDecodes(t *testing.T) {
	var sent []byte
	c, _ := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		sent, _ = io.ReadAll(r.Body)
		_, _ = w.Write([]byte(`{"lists":[{"listId":"12","listVersion":3,"name":"Newsletter","objectTypeId":"0-1",
			"processingStatus":"COMPLETE","processingType":"MANUAL","createdAt":"2026-01-01T00:00:00.000Z",
			"updatedAt":"2026-01-02T00:00:00.000Z","additionalProperties":{"hs_list_size":"2","hs_last_record_added_at":1767312000000,
			"hs_folder_name":null}}],"hasMore":true,"offset":1,"total":7}`))
	}, static)
	p, err := c.SearchLists(t.Context(), ListSearchRequest{ObjectTypeID: ContactObjectTypeID, Offset: 0, Count: 900,
		AdditionalProperties: []string{ListSizeProperty}})
	if err != nil {
		t.Fatal(err)
	}
	if string(sent) != `{"query":"","objectTypeId":"0-1","offset":0,"count":500,"additionalProperties":["hs_list_size"],"listIds":[],"processingTypes":[]}` {
		t.Errorf("sent %s (count capped at 500)", sent)
	}
	if !p.HasMore || p.Offset != 1 || p.Total != 7 || len(p.Lists) != 1 {
		t.Fatalf("page %+v", p)
	}
	l := p.Lists[0]
	got := []string{l.ListID, l.Name, l.ProcessingType, l.UpdatedAt, l.Additional(ListSizeProperty),
		l.Additional(ListLastAddedProperty), l.Additional(ListLastRemovedProperty), l.Additional("hs_folder_name")}
	want := []string{"12", "Newsletter", "MANUAL", "2026-01-02T00:00:00.000Z", "2", "1767312000000", "", ""}
	if d := cmp.Diff(want, got); d != "" || l.ListVersion != 3 {
		t.Errorf("list (-want +got):\n%s version %d", d, l.ListVersion)
	}
}

// TestListMembershipsPassesTheTokenBack: the after token goes back as it came (it is opaque),
// record ids come as strings or numbers, and the last page has no token.
func TestListMembershipsPassesTheTokenBack(t *testing.T) {
	var queries []string
	c, _ := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		queries = append(queries, r.URL.Path+"?"+r.URL.RawQuery)
		if r.URL.Query().Get("after") == "" {
			_, _ = w.Write([]byte(`{"results":[{"recordId":"101","membershipTimestamp":"2026-01-01T00:00:00.000Z"},
				{"recordId":102,"membershipTimestamp":"2026-01-02T00:00:00.000Z"}],
				"paging":{"next":{"after":"bG0xfDEyfGlk+/=","link":"x"}},"total":3}`))
			return
		}
		_, _ = w.Write([]byte(`{"results":[{"recordId":"103","membershipTimestamp":"2026-01-03T00:00:00.000Z"}],"total":3}`))
	}, static)
	first, err := c.ListMemberships(t.Context(), MembershipsRequest{ListID: "12", Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	second, err := c.ListMemberships(t.Context(), MembershipsRequest{ListID: "12", Limit: 250, After: first.NextAfter})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"/crm/lists/2026-09/12/memberships?limit=250",
		"/crm/lists/2026-09/12/memberships?after=bG0xfDEyfGlk%2B%2F%3D&limit=250"}
	if d := cmp.Diff(want, queries); d != "" {
		t.Errorf("requests (-want +got):\n%s", d)
	}
	if first.Total != 3 || len(first.Results) != 2 || first.Results[1].RecordID != "102" || second.NextAfter != "" ||
		second.Results[0].RecordID != "103" {
		t.Errorf("pages %+v %+v", first, second)
	}
}

func TestListsMissingScopes(t *testing.T) {
	c, _ := testClient(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`{"status":"error","message":"This app hasn't been granted all required scopes to make this call.",
			"category":"MISSING_SCOPES","errors":[{"context":{"requiredGranularScopes":["crm.lists.read"]}}]}`))
	}, static)
	_, err := c.SearchLists(t.Context(), ListSearchRequest{Count: 1})
	var ae *APIError
	if !errors.As(err, &ae) || !ae.MissingScopes() || ae.Path != "/crm/lists/2026-09/search" {
		t.Fatalf("err = %v, want a 403 MISSING_SCOPES of list search", err)
	}
}

func TestFlexString(t *testing.T) {
	for in, want := range map[string]string{`"a"`: "a", `12`: "12", `null`: "", `true`: "true", `1.5e3`: "1.5e3"} {
		var f FlexString
		if err := json.Unmarshal([]byte(in), &f); err != nil || string(f) != want {
			t.Errorf("%s: %q %v, want %q", in, f, err, want)
		}
	}
	for _, in := range []string{`{}`, `[1]`} {
		var f FlexString
		if err := json.Unmarshal([]byte(in), &f); err == nil {
			t.Errorf("%s decoded as %q", in, f)
		}
	}
}
