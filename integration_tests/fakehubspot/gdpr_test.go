package fakehubspot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

// batchMissing batch-reads ids and returns the ids answered and the ids reported missing.
func batchMissing(t *testing.T, s *fakehubspot.Server, ids ...string) (found, missing []string) {
	t.Helper()
	inputs := make([]any, len(ids))
	for i, id := range ids {
		inputs[i] = map[string]string{"id": id}
	}
	r := do(t, s, "POST", "/crm/objects/2026-09/contacts/batch/read", pat, map[string]any{"properties": []string{"email"}, "inputs": inputs})
	var out struct {
		Results []struct {
			ID string `json:"id"`
		} `json:"results"`
		Errors []struct {
			Context map[string][]string `json:"context"`
		} `json:"errors"`
	}
	r.json(t, &out)
	for _, c := range out.Results {
		found = append(found, c.ID)
	}
	for _, e := range out.Errors {
		missing = append(missing, e.Context["ids"]...)
	}
	return found, missing
}

// getStatus answers the status of GET contacts/{id} (with archived=true when archived).
func getStatus(t *testing.T, s *fakehubspot.Server, id string, archived bool) int {
	t.Helper()
	path := "/crm/objects/2026-09/contacts/" + id
	if archived {
		path += "?archived=true"
	}
	return do(t, s, "GET", path, pat, nil).status
}

func TestPermanentDeleteLeavesNothing(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	contactsAt(s, 4, base)
	at := base.Add(time.Hour)
	if err := s.DeleteContact(3, at); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{2, 3} { // a live contact and an archived one
		if err := s.PermanentlyDeleteContact(id, at.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if live := listIDs(t, s, false); len(live) != 2 || hasKey(live, "2") || hasKey(live, "3") {
		t.Errorf("live list %v, want 1 and 4", live)
	}
	if arch := listIDs(t, s, true); len(arch) != 0 {
		t.Errorf("archived list %v, want none", arch)
	}
	for _, id := range []string{"2", "3"} {
		if st := getStatus(t, s, id, false); st != 404 {
			t.Errorf("GET %s: %d, want 404", id, st)
		}
		if st := getStatus(t, s, id, true); st != 404 {
			t.Errorf("GET %s?archived=true: %d, want 404", id, st)
		}
	}
	if found, missing := batchMissing(t, s, "1", "2", "3"); len(found) != 1 || strings.Join(missing, ",") != "2,3" {
		t.Errorf("batch read found %v, missing %v", found, missing)
	}
	if p := search(t, s, flt("email", "EQ", "c2@example.com")); p.Total != 0 {
		t.Errorf("search still finds the erased contact: %+v", p)
	}
	if _, ok := s.ContactByEmail("c2@example.com"); ok {
		t.Error("ContactByEmail still finds the erased contact")
	}
	if got := s.PropertyHistory(2, "email"); got != nil {
		t.Errorf("history kept: %+v", got)
	}
	if err := s.PermanentlyDeleteContact(2, at); err == nil {
		t.Error("erasing an erased contact succeeded")
	}
}

func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}

func TestRestoreBringsArchivedContactBack(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	contactsAt(s, 3, base)
	del, back := base.Add(time.Hour), base.Add(2*time.Hour)
	if err := s.DeleteContact(2, del); err != nil {
		t.Fatal(err)
	}
	if err := s.RestoreContact(2, back); err != nil {
		t.Fatal(err)
	}
	if live := listIDs(t, s, false); !hasKey(live, "2") {
		t.Errorf("live list %v lacks the restored contact", live)
	}
	if arch := listIDs(t, s, true); len(arch) != 0 {
		t.Errorf("archived list %v, want none", arch)
	}
	if p := search(t, s, window(back, back)); p.Total != 1 || p.Results[0].ID != "2" {
		t.Errorf("a window at the restore: %+v", p)
	}
	if c, ok := s.ContactByEmail("c2@example.com"); !ok || c.ID != 2 || c.Archived {
		t.Errorf("restored contact by email: %+v %v", c, ok)
	}
	if err := s.RestoreContact(2, back); err == nil {
		t.Error("restoring a live contact succeeded")
	}
}

func TestRestoreRefusedWhenEmailTaken(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	contactsAt(s, 1, base)
	if err := s.DeleteContact(1, base.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	s.AddContacts(fakehubspot.Contact{ID: 7, Properties: map[string]string{"email": "C1@example.com"}})
	err := s.RestoreContact(1, base.Add(2*time.Hour))
	if err == nil || !strings.Contains(err.Error(), "live contact 7") {
		t.Fatalf("restore with the email taken: %v", err)
	}
	if arch := listIDs(t, s, true); !hasKey(arch, "1") {
		t.Errorf("a refused restore moved contact 1 out of the archive: %v", arch)
	}
}

func TestMergeThenDeleteSurvivor(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	contactsAt(s, 3, base)
	id, err := s.MergeContacts(1, 2, base.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteContact(id, base.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	arch := listIDs(t, s, true)
	if len(arch) != 1 || !hasKey(arch, itoa(id)) {
		t.Errorf("archived list %v, want the survivor %d only", arch, id)
	}
	for _, old := range []string{"1", "2", itoa(id)} {
		if st := getStatus(t, s, old, false); st != 404 {
			t.Errorf("GET %s after the survivor's delete: %d, want 404", old, st)
		}
	}
	if found, missing := batchMissing(t, s, "1", "2", "3"); strings.Join(found, ",") != "3" || len(missing) != 2 {
		t.Errorf("batch read found %v, missing %v", found, missing)
	}
}

func TestMergeThenPermanentDelete(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	contactsAt(s, 3, base)
	id, err := s.MergeContacts(1, 2, base.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PermanentlyDeleteContact(1, base.Add(2*time.Hour)); err == nil || !strings.Contains(err.Error(), "merged into "+itoa(id)) {
		t.Fatalf("erasing a merged-away id: %v", err)
	}
	if err := s.PermanentlyDeleteContact(id, base.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if arch := listIDs(t, s, true); len(arch) != 0 {
		t.Errorf("archived list %v, want none", arch)
	}
	for _, old := range []string{"1", "2", itoa(id)} {
		if st := getStatus(t, s, old, false); st != 404 {
			t.Errorf("GET %s after the erasure: %d, want 404", old, st)
		}
	}
	if _, merged := s.MergedInto(1); merged {
		t.Error("a merged-away id still resolves after its contact was erased")
	}
	if found, missing := batchMissing(t, s, "1", "2", "3"); strings.Join(found, ",") != "3" || len(missing) != 2 {
		t.Errorf("batch read found %v, missing %v", found, missing)
	}
}
