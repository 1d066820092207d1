package fakehubspot_test

import (
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

// listIDs pages the list endpoint (archived or live) and returns the ids with archivedAt.
func listIDs(t *testing.T, s *fakehubspot.Server, archived bool) map[string]string {
	t.Helper()
	out := map[string]string{}
	path := "/crm/objects/2026-09/contacts?limit=2&properties=email," + fakehubspot.PropMergedIDs
	if archived {
		path += "&archived=true"
	}
	for {
		var p struct {
			Results []struct {
				ID         string `json:"id"`
				Archived   bool   `json:"archived"`
				ArchivedAt string `json:"archivedAt"`
			} `json:"results"`
			Paging *paging `json:"paging"`
		}
		r := do(t, s, "GET", path, pat, nil)
		if r.status != 200 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		r.json(t, &p)
		for _, c := range p.Results {
			if c.Archived != archived {
				t.Errorf("contact %s archived %v in a list of archived=%v", c.ID, c.Archived, archived)
			}
			out[c.ID] = c.ArchivedAt
		}
		if p.Paging == nil {
			return out
		}
		path = "/crm/objects/2026-09/contacts?limit=2&archived=" + map[bool]string{true: "true", false: "false"}[archived] + "&after=" + p.Paging.Next.After
	}
}

func TestMergeCreatesNewID(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	contactsAt(s, 4, base)
	at := base.Add(time.Hour)
	id, err := s.MergeContacts(1, 2, at)
	if err != nil {
		t.Fatal(err)
	}
	if id != 5 {
		t.Fatalf("merged id %d, want the next free id 5", id)
	}
	c, ok := s.Contact(id)
	if !ok || c.Properties[fakehubspot.PropMergedIDs] != "1;2" || c.Properties["email"] != "c1@example.com" || !c.UpdatedAt.Equal(at) {
		t.Fatalf("merged contact %+v", c)
	}
	if _, ok := s.Contact(1); ok {
		t.Error("contact 1 is still stored after its merge")
	}
	live := listIDs(t, s, false)
	if _, ok := live["1"]; ok || len(live) != 3 {
		t.Errorf("live list %v, want 3, 4, 5", live)
	}
	if got := listIDs(t, s, true); len(got) != 0 {
		t.Errorf("merged-away contacts listed as archived: %v", got)
	}
	// Both old ids resolve to the new contact.
	for _, old := range []string{"1", "2"} {
		var o struct {
			ID string `json:"id"`
		}
		do(t, s, "GET", "/crm/objects/2026-09/contacts/"+old, pat, nil).json(t, &o)
		if o.ID != "5" {
			t.Errorf("GET %s answered contact %q, want 5", old, o.ID)
		}
	}
	// A chained merge lists every id merged before.
	id2, err := s.MergeContacts(3, id, at.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Contact(id2); c.Properties[fakehubspot.PropMergedIDs] != "1;2;3;5" {
		t.Errorf("chained merge ids %q, want 1;2;3;5", c.Properties[fakehubspot.PropMergedIDs])
	}
	if to, ok := s.MergedInto(1); !ok || to != id2 {
		t.Errorf("1 resolves to %d, want %d", to, id2)
	}
}

func TestMergeKeepingPrimary(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	contactsAt(s, 3, base)
	if err := s.MergeContactsKeepingPrimary(2, 3, base.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Contact(2); c.Properties[fakehubspot.PropMergedIDs] != "3" {
		t.Errorf("survivor merged ids %q, want 3", c.Properties[fakehubspot.PropMergedIDs])
	}
	if live := listIDs(t, s, false); len(live) != 2 {
		t.Errorf("live %v, want 1 and 2", live)
	}
	if err := s.MergeContactsKeepingPrimary(2, 2, base); err == nil {
		t.Error("merging a contact into itself was accepted")
	}
}

func TestArchivedListHasArchivedAt(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	contactsAt(s, 5, base)
	at := base.Add(2 * time.Hour)
	for _, id := range []int64{2, 4, 5} {
		if err := s.DeleteContact(id, at); err != nil {
			t.Fatal(err)
		}
	}
	got := listIDs(t, s, true)
	want := at.Format("2006-01-02T15:04:05.000Z")
	if len(got) != 3 || got["2"] != want || got["5"] != want {
		t.Errorf("archived list %v, want 2, 4, 5 archived at %s", got, want)
	}
}
