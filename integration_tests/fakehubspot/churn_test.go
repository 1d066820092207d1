package fakehubspot_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

// idPage searches the window [base, base+1h] for ids above floor, sorted by id, one page of limit.
func idPage(t *testing.T, s *fakehubspot.Server, floor string, limit int, after string) searchPage {
	t.Helper()
	body := window(base, base.Add(time.Hour))
	if floor != "" {
		g := body["filterGroups"].([]any)[0].(map[string]any)
		g["filters"] = append(g["filters"].([]any), map[string]any{"propertyName": "hs_object_id", "operator": "GT", "value": floor})
	}
	body["sorts"] = []any{map[string]any{"propertyName": "hs_object_id", "direction": "ASCENDING"}}
	body["limit"] = limit
	body["properties"] = []string{"firstname"}
	if after != "" {
		body["after"] = after
	}
	return search(t, s, body)
}

// TestSearchByIDFloorSeesChanges: paging by "id greater than the last one" gives the remaining
// matches and their count, and sees a change made between two pages.
func TestSearchByIDFloorSeesChanges(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	contactsAt(s, 50, base)
	p := idPage(t, s, "", 20, "")
	if p.Total != 50 || len(p.Results) != 20 || p.Results[19].ID != "20" || p.Paging == nil {
		t.Fatalf("first page: total %d, %d results, paging %v", p.Total, len(p.Results), p.Paging)
	}
	// Contact 30 leaves the window and 5 changes its name: the next page sees both at once.
	if err := s.UpdateContact(30, base.Add(2*time.Hour), nil); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateContact(25, base.Add(time.Minute), map[string]string{"firstname": "Changed"}); err != nil {
		t.Fatal(err)
	}
	p = idPage(t, s, "20", 20, "")
	if p.Total != 29 || len(p.Results) != 20 || p.Results[0].ID != "21" || p.Results[19].ID != "41" {
		t.Fatalf("second page: total %d, ids %s..%s", p.Total, p.Results[0].ID, p.Results[len(p.Results)-1].ID)
	}
	if got := *p.Results[4].Properties["firstname"]; got != "Changed" {
		t.Errorf("contact 25 firstname = %q after the change", got)
	}
	p = idPage(t, s, "41", 20, "")
	if p.Total != 9 || len(p.Results) != 9 || p.Paging != nil {
		t.Fatalf("last page: total %d, %d results, paging %v", p.Total, len(p.Results), p.Paging)
	}
}

// TestChurnModifiesDeliveredContacts: with churn on, the contacts a page delivered change before
// the next page, which HubSpot evaluates live: an offset then skips untouched contacts.
func TestChurnModifiesDeliveredContacts(t *testing.T) {
	s, clk := start(t, fakehubspot.Options{})
	contactsAt(s, 30, base)
	s.SetChurn(fakehubspot.Churn{PerPage: 3, At: func() time.Time { return base.Add(3 * time.Hour) }})
	p := idPage(t, s, "", 10, "")
	if len(p.Results) != 10 || p.Total != 30 {
		t.Fatalf("first page: total %d, %d results", p.Total, len(p.Results))
	}
	n, touched := s.Churned()
	if n != 3 || len(touched) != 3 {
		t.Fatalf("churned %d modifications of %v, want 3 of contacts 1-3", n, touched)
	}
	c, _ := s.Contact(2)
	if c.Properties["firstname"] != "busy-2" || !c.UpdatedAt.Equal(base.Add(3*time.Hour)) {
		t.Errorf("contact 2 after churn: firstname %q, lastmodifieddate %s", c.Properties["firstname"], c.UpdatedAt)
	}
	// The three left the window: offset 10 now starts at contact 14, skipping 11-13.
	p = idPage(t, s, "", 10, "10")
	if p.Total != 27 || p.Results[0].ID != "14" {
		t.Fatalf("offset page after churn: total %d, first id %s; want 27 and 14", p.Total, p.Results[0].ID)
	}
	// The id floor does not skip.
	p = idPage(t, s, "10", 10, "")
	if p.Results[0].ID != "11" {
		t.Fatalf("id-floor page after churn starts at %s, want 11", p.Results[0].ID)
	}
	// Churn off: nothing changes any more; the default stamp is the clock.
	s.SetChurn(fakehubspot.Churn{})
	idPage(t, s, "", 10, "")
	if n, _ := s.Churned(); n != 9 {
		t.Errorf("%d modifications after churn was turned off, want 9", n)
	}
	s.SetChurn(fakehubspot.Churn{PerPage: 1, MaxPages: 1})
	idPage(t, s, "20", 10, "")
	idPage(t, s, "20", 10, "")
	if c, _ := s.Contact(21); !c.UpdatedAt.Equal(clk.Now()) {
		t.Errorf("contact 21 stamped %s, want the clock %s", c.UpdatedAt, clk.Now())
	}
	if n, _ := s.Churned(); n != 10 {
		t.Errorf("%d modifications, want 10 (MaxPages 1)", n)
	}
}

// TestURLOverTheLimitIs414: a request URI over 16 KB is refused before authentication.
func TestURLOverTheLimitIs414(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	long := "/crm/v3/objects/contacts/1?properties=" + strings.Repeat("a", fakehubspot.MaxURLLength)
	if r := do(t, s, "GET", long, pat, nil); r.status != http.StatusRequestURITooLong {
		t.Fatalf("status %d for a %d-byte URL, want 414", r.status, len(long))
	}
	if r := do(t, s, "GET", "/crm/v3/objects/contacts/1?properties="+strings.Repeat("a", 16000), pat, nil); r.status == http.StatusRequestURITooLong {
		t.Fatalf("414 for a URL under the limit")
	}
}
