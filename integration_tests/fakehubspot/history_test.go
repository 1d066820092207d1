package fakehubspot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

// historyVersion is one propertiesWithHistory entry as HubSpot sends it.
type historyVersion struct {
	Value           string `json:"value"`
	Timestamp       string `json:"timestamp"`
	SourceType      string `json:"sourceType"`
	SourceID        string `json:"sourceId"`
	UpdatedByUserID int64  `json:"updatedByUserId"`
}

type historyObject struct {
	ID                    string                      `json:"id"`
	Properties            map[string]*string          `json:"properties"`
	PropertiesWithHistory map[string][]historyVersion `json:"propertiesWithHistory"`
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// values lists the values of versions, in the order given.
func values(vs []historyVersion) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Value
	}
	return out
}

// historyFixture adds contact 1 (created at base with an email and a phone) and changes its email
// twice and clears its phone; it returns the change times.
func historyFixture(t *testing.T, s *fakehubspot.Server) (t1, t2, t3 time.Time) {
	t.Helper()
	s.AddContacts(fakehubspot.Contact{ID: 1, CreatedAt: base, Properties: map[string]string{
		"email": "a@x.com", "phone": "+15550001", "firstname": "Ann"}})
	t1, t2, t3 = base.Add(time.Hour), base.Add(2*time.Hour), base.Add(3*time.Hour)
	for _, err := range []error{s.ChangeEmail(1, t1, "b@x.com"), s.ChangeEmail(1, t2, "c@x.com"), s.ClearProperties(1, t3, "phone")} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return t1, t2, t3
}

func TestBatchReadWithHistoryNewestFirst(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	t1, t2, t3 := historyFixture(t, s)
	body := map[string]any{"properties": []string{"email", "phone"}, "inputs": []any{map[string]string{"id": "1"}},
		"propertiesWithHistory": []string{"email", "phone", "lifecyclestage", "no_such_property"}}
	r := do(t, s, "POST", "/crm/objects/2026-09/contacts/batch/read", pat, body)
	var out struct {
		Results []historyObject `json:"results"`
	}
	r.json(t, &out)
	if r.status != 200 || len(out.Results) != 1 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	c := out.Results[0]
	if p := c.Properties["phone"]; p == nil || *p != "" {
		t.Errorf("cleared phone answered %v, want \"\"", p)
	}
	email := c.PropertiesWithHistory["email"]
	if got := strings.Join(values(email), ","); got != "c@x.com,b@x.com,a@x.com" {
		t.Fatalf("email history %q, want newest first", got)
	}
	if email[0].Timestamp != stamp(t2) || email[1].Timestamp != stamp(t1) || email[2].Timestamp != stamp(base) {
		t.Errorf("email timestamps %+v", email)
	}
	if email[0].SourceType != "CRM_UI" || email[0].UpdatedByUserID == 0 || email[2].SourceType != "IMPORT" {
		t.Errorf("email sources %+v", email)
	}
	phone := c.PropertiesWithHistory["phone"]
	if got := strings.Join(values(phone), ","); got != ",+15550001" || phone[0].Timestamp != stamp(t3) {
		t.Errorf("phone history %+v, want the clear first", phone)
	}
	if h, ok := c.PropertiesWithHistory["lifecyclestage"]; !ok || len(h) != 0 {
		t.Errorf("never-set property history %v (present %v), want []", h, ok)
	}
	if _, ok := c.PropertiesWithHistory["no_such_property"]; ok {
		t.Error("an unknown property has a history")
	}
	if got := s.PropertyHistory(1, "email"); len(got) != 3 || got[0].Value != "c@x.com" || !got[0].Timestamp.Equal(t2) {
		t.Errorf("PropertyHistory %+v", got)
	}
}

func TestBatchReadWithHistoryTakesFiftyInputs(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	contactsAt(s, 60, base)
	inputs := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = map[string]string{"id": itoa(int64(i + 1))}
		}
		return out
	}
	withHistory := func(n int) map[string]any {
		return map[string]any{"properties": []string{"email"}, "propertiesWithHistory": []string{"email"}, "inputs": inputs(n)}
	}
	r := do(t, s, "POST", "/crm/objects/2026-09/contacts/batch/read", pat, withHistory(51))
	e := r.errorBody(t)
	if r.status != 400 || e.Category != "VALIDATION_ERROR" || !strings.Contains(e.Message, "property histories is 50") {
		t.Fatalf("51 inputs with history: %d %s", r.status, r.body)
	}
	if r := do(t, s, "POST", "/crm/objects/2026-09/contacts/batch/read", pat, withHistory(50)); r.status != 200 {
		t.Fatalf("50 inputs with history: %d %s", r.status, r.body)
	}
	plain := map[string]any{"properties": []string{"email"}, "propertiesWithHistory": []string{}, "inputs": inputs(60)}
	if r := do(t, s, "POST", "/crm/objects/2026-09/contacts/batch/read", pat, plain); r.status != 200 {
		t.Fatalf("60 inputs without history: %d %s", r.status, r.body)
	}
}

func TestGetAndListWithHistory(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	historyFixture(t, s)
	var c historyObject
	r := do(t, s, "GET", "/crm/objects/2026-09/contacts/1?properties=email&propertiesWithHistory=email", pat, nil)
	r.json(t, &c)
	if got := strings.Join(values(c.PropertiesWithHistory["email"]), ","); r.status != 200 || got != "c@x.com,b@x.com,a@x.com" {
		t.Fatalf("get: %d %s", r.status, r.body)
	}
	contactsAt(s, 80, base) // replaces contact 1: its history records the import's values
	var page struct {
		Results []historyObject `json:"results"`
		Paging  *paging         `json:"paging"`
	}
	r = do(t, s, "GET", "/crm/objects/2026-09/contacts?limit=100&propertiesWithHistory=email", pat, nil)
	r.json(t, &page)
	if len(page.Results) != 50 || page.Paging == nil || page.Paging.Next.After != "51" {
		t.Fatalf("list with history: %d results, paging %+v, want 50 and more", len(page.Results), page.Paging)
	}
	if got := values(page.Results[0].PropertiesWithHistory["email"]); len(got) != 4 || got[0] != "c1@example.com" {
		t.Errorf("contact 1 after its replacement: email history %v", got)
	}
}

func TestSearchSeesClearedValue(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	_, _, t3 := historyFixture(t, s)
	p := search(t, s, window(t3, t3))
	if p.Total != 1 || p.Results[0].ID != "1" {
		t.Fatalf("window at the clear: %+v", p)
	}
	if p := search(t, s, flt("phone", "HAS_PROPERTY", "")); p.Total != 0 {
		t.Errorf("a cleared phone still HAS_PROPERTY: %+v", p)
	}
}

func TestChangeEmailKeepsEmailsUnique(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	contactsAt(s, 2, base)
	if err := s.ChangeEmail(1, base.Add(time.Hour), "C2@example.com"); err == nil || !strings.Contains(err.Error(), "contact 2") {
		t.Fatalf("taking contact 2's email: %v", err)
	}
	if c, _ := s.Contact(1); c.Properties["email"] != "c1@example.com" || !c.UpdatedAt.Equal(base) {
		t.Errorf("a refused change moved contact 1: %+v", c)
	}
	if err := s.DeleteContact(2, base.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.ChangeEmail(1, base.Add(2*time.Hour), "c2@example.com"); err != nil {
		t.Errorf("an archived contact's email: %v", err)
	}
	if err := s.ChangeEmail(2, base.Add(2*time.Hour), "z@example.com"); err == nil || !strings.Contains(err.Error(), "archived") {
		t.Errorf("changing an archived contact: %v", err)
	}
	if err := s.ChangePhone(1, base.Add(3*time.Hour), "+15550002"); err != nil {
		t.Fatal(err)
	}
	if err := s.ChangeMobilePhone(1, base.Add(3*time.Hour), "+15550003"); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Contact(1); c.Properties["phone"] != "+15550002" || c.Properties["mobilephone"] != "+15550003" {
		t.Errorf("phones %+v", c.Properties)
	}
}

func TestMergedContactKeepsWinningHistory(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	s.AddContacts(
		fakehubspot.Contact{ID: 1, CreatedAt: base, Properties: map[string]string{"email": "a@x.com"}},
		fakehubspot.Contact{ID: 2, CreatedAt: base, Properties: map[string]string{"email": "b@x.com", "phone": "+15550009"}},
	)
	if err := s.ChangeEmail(1, base.Add(time.Hour), "a2@x.com"); err != nil {
		t.Fatal(err)
	}
	at := base.Add(2 * time.Hour)
	id, err := s.MergeContacts(1, 2, at)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.PropertyHistory(id, "email"); len(got) != 2 || got[0].Value != "a2@x.com" || got[1].Value != "a@x.com" {
		t.Errorf("merged email history %+v, want the primary's", got)
	}
	if got := s.PropertyHistory(id, "phone"); len(got) != 1 || got[0].Value != "+15550009" || !got[0].Timestamp.Equal(base) {
		t.Errorf("merged phone history %+v, want the secondary's", got)
	}
	if got := s.PropertyHistory(id, fakehubspot.PropMergedIDs); len(got) != 1 || !got[0].Timestamp.Equal(at) {
		t.Errorf("merged ids history %+v", got)
	}
}
