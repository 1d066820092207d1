package fakehubspot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

// batchArchived batch-reads ids with archived=true and returns the ids answered.
func batchArchived(t *testing.T, s *fakehubspot.Server, ids ...string) []string {
	t.Helper()
	inputs := make([]any, len(ids))
	for i, id := range ids {
		inputs[i] = map[string]string{"id": id}
	}
	r := do(t, s, "POST", "/crm/objects/2026-09/contacts/batch/read?archived=true", pat,
		map[string]any{"properties": []string{"email", fakehubspot.PropMergedIDs}, "inputs": inputs})
	var out struct {
		Results []struct {
			ID       string `json:"id"`
			Archived bool   `json:"archived"`
		} `json:"results"`
	}
	r.json(t, &out)
	var found []string
	for _, c := range out.Results {
		if !c.Archived {
			t.Errorf("batch read with archived=true answered live contact %s", c.ID)
		}
		found = append(found, c.ID)
	}
	return found
}

func TestBatchReadArchived(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	contactsAt(s, 6, base)
	at := base.Add(time.Hour)
	for _, id := range []int64{2, 3} {
		if err := s.DeleteContact(id, at); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PermanentlyDeleteContact(3, at.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	merged, err := s.MergeContacts(4, 5, at)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteContact(merged, at.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	// Live 1, archived 2, erased 3, merged-away 4 and 5 into the archived merged contact.
	got := batchArchived(t, s, "1", "2", "3", "4", "5", itoa(merged))
	if want := "2," + itoa(merged); strings.Join(got, ",") != want {
		t.Errorf("archived batch read found %v, want %s", got, want)
	}
	if found, missing := batchMissing(t, s, "1", "2", "4"); strings.Join(found, ",") != "1" || len(missing) != 2 {
		t.Errorf("live batch read found %v, missing %v: want 1 only", found, missing)
	}
}

func TestAccountDetails(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{PortalID: 777})
	var v struct {
		PortalID    int64  `json:"portalId"`
		AccountType string `json:"accountType"`
	}
	r := do(t, s, "GET", "/account-info/2026-03/details", pat, nil)
	r.json(t, &v)
	if r.status != 200 || v.PortalID != 777 || v.AccountType != "STANDARD" {
		t.Fatalf("details: %d %+v", r.status, v)
	}
	if r := do(t, s, "GET", "/account-info/2026-03/details", s.IssueAccessToken(), nil); r.status != 200 {
		t.Errorf("an OAuth user token: %d, want 200", r.status)
	}
	if r := do(t, s, "GET", "/account-info/2026-03/details", s.IssueAppToken("developer.webhooks_journal.read"), nil); r.status != 401 {
		t.Errorf("an app token: %d, want 401", r.status)
	}
	if r := do(t, s, "GET", "/account-info/2026-09/details", pat, nil); r.status != 404 {
		t.Errorf("2026-09, which HubSpot does not document: %d, want 404", r.status)
	}
	if n := s.Count(fakehubspot.EndpointAccount); n != 4 {
		t.Errorf("account calls counted %d, want 4", n)
	}
}
