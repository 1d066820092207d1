package fakehubspot_test

import (
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

type listResult struct {
	ListID               string            `json:"listId"`
	ListVersion          int               `json:"listVersion"`
	Name                 string            `json:"name"`
	ObjectTypeID         string            `json:"objectTypeId"`
	ProcessingStatus     string            `json:"processingStatus"`
	ProcessingType       string            `json:"processingType"`
	CreatedAt            string            `json:"createdAt"`
	UpdatedAt            string            `json:"updatedAt"`
	FiltersUpdatedAt     string            `json:"filtersUpdatedAt"`
	DeletedAt            *string           `json:"deletedAt"`
	AdditionalProperties map[string]string `json:"additionalProperties"`
	FilterBranch         map[string]any    `json:"filterBranch"`
}

type listSearchPage struct {
	Lists   []listResult `json:"lists"`
	HasMore bool         `json:"hasMore"`
	Offset  int          `json:"offset"`
	Total   int          `json:"total"`
}

type membershipPage struct {
	Results []struct {
		RecordID            string `json:"recordId"`
		MembershipTimestamp string `json:"membershipTimestamp"`
	} `json:"results"`
	Paging *paging `json:"paging"`
	Total  int     `json:"total"`
}

// searchLists posts a list search on the 2026-03 path; any status but 200 fails the test.
func searchLists(t *testing.T, s *fakehubspot.Server, body map[string]any) listSearchPage {
	t.Helper()
	r := do(t, s, "POST", "/crm/lists/2026-03/search", pat, body)
	if r.status != 200 {
		t.Fatalf("list search %v: %d %s", body, r.status, r.body)
	}
	var p listSearchPage
	r.json(t, &p)
	return p
}

// listNames returns the names of a search page's lists, in order.
func listNames(p listSearchPage) []string {
	var out []string
	for _, l := range p.Lists {
		out = append(out, l.Name)
	}
	return out
}

// memberships gets one memberships page (query is appended as is); any status but 200 fails.
func memberships(t *testing.T, s *fakehubspot.Server, listID, query string) membershipPage {
	t.Helper()
	r := do(t, s, "GET", "/crm/lists/2026-03/"+listID+"/memberships"+query, pat, nil)
	if r.status != 200 {
		t.Fatalf("memberships of %s%s: %d %s", listID, query, r.status, r.body)
	}
	var p membershipPage
	r.json(t, &p)
	return p
}

// allMembers pages through a list's memberships with limit and returns the record ids in order.
func allMembers(t *testing.T, s *fakehubspot.Server, listID string, limit int) []string {
	t.Helper()
	var out []string
	q := "?limit=" + itoa(int64(limit))
	for range 1000 {
		p := memberships(t, s, listID, q)
		for _, m := range p.Results {
			out = append(out, m.RecordID)
		}
		if p.Paging == nil {
			return out
		}
		q = "?limit=" + itoa(int64(limit)) + "&after=" + p.Paging.Next.After
	}
	t.Fatalf("memberships of %s never ended", listID)
	return nil
}

func mustList(t *testing.T, s *fakehubspot.Server, spec fakehubspot.ListSpec) string {
	t.Helper()
	id, err := s.CreateList(spec)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// people adds contacts 1..n with email and lifecyclestage "lead" at base.
func people(s *fakehubspot.Server, n int, base time.Time) {
	for i := 1; i <= n; i++ {
		s.AddContacts(fakehubspot.Contact{ID: int64(i), CreatedAt: base, UpdatedAt: base,
			Properties: map[string]string{"email": "p" + itoa(int64(i)) + "@example.com", "lifecyclestage": "lead"}})
	}
}

func msString(t time.Time) string { return itoa(t.UnixMilli()) }

func isoString(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

var customers = []fakehubspot.ListCondition{{Property: "lifecyclestage", Value: "customer"}}
