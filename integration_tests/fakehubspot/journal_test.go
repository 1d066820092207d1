package fakehubspot_test

import (
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

const local = "/webhooks-journal/journal-local/2026-03"

func subscription(actions ...string) map[string]any {
	return map[string]any{"subscriptionType": "OBJECT", "portalId": fakehubspot.DefaultPortalID, "objectTypeId": "0-1",
		"actions": actions, "properties": []string{}}
}

var mirrorActions = []string{"CREATE", "UPDATE", "DELETE", "MERGE", "RESTORE"}

// subscribe creates the portal's contact subscription on version and returns the app token used.
func subscribe(t *testing.T, s *fakehubspot.Server, version string, actions ...string) string {
	t.Helper()
	tok := appToken(t, s, allJournalScopes...)
	if r := do(t, s, "POST", "/webhooks-journal/subscriptions/"+version, tok, subscription(actions...)); r.status != 200 {
		t.Fatalf("subscribe: %d %s", r.status, r.body)
	}
	return tok
}

type fetchRef struct {
	URL           string `json:"url"`
	ExpiresAt     string `json:"expiresAt"`
	CurrentOffset string `json:"currentOffset"`
}

type journalPage struct {
	Offset        string `json:"offset"`
	PublishedAt   string `json:"publishedAt"`
	JournalEvents []struct {
		Type            string             `json:"type"`
		PortalID        int64              `json:"portalId"`
		OccurredAt      string             `json:"occurredAt"`
		ObjectTypeID    string             `json:"objectTypeId"`
		ObjectID        int64              `json:"objectId"`
		Action          string             `json:"action"`
		PropertyChanges map[string]*string `json:"propertyChanges"`
		MergedObjectIDs []int64            `json:"mergedObjectIds"`
	} `json:"journalEvents"`
}

// ref reads one journal position: the reference, or ok false on 204.
func ref(t *testing.T, s *fakehubspot.Server, tok, path string) (fetchRef, bool) {
	t.Helper()
	r := do(t, s, "GET", path, tok, nil)
	if r.status == 204 {
		if len(r.body) != 0 {
			t.Fatalf("204 with a body: %s", r.body)
		}
		return fetchRef{}, false
	}
	if r.status != 200 {
		t.Fatalf("GET %s: %d %s", path, r.status, r.body)
	}
	var f fetchRef
	r.json(t, &f)
	return f, true
}

// download fetches a pre-signed URL, with an Authorization header when auth is set.
func download(t *testing.T, u string, auth bool) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth {
		req.Header.Set("Authorization", "Bearer x")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

func page(t *testing.T, f fetchRef) journalPage {
	t.Helper()
	st, b := download(t, f.URL, false)
	if st != 200 {
		t.Fatalf("download %s: %d %s", f.URL, st, b)
	}
	var p journalPage
	resp{status: st, body: b}.json(t, &p)
	if p.Offset != f.CurrentOffset {
		t.Fatalf("page offset %q, reference %q", p.Offset, f.CurrentOffset)
	}
	return p
}

// readJournal reads the journal from earliest to its end and returns "ACTION id" per event and
// the offsets read.
func readJournal(t *testing.T, s *fakehubspot.Server, tok string) (events, offsets []string) {
	t.Helper()
	f, ok := ref(t, s, tok, local+"/earliest")
	for ok {
		for _, e := range page(t, f).JournalEvents {
			events = append(events, e.Action+" "+itoa(e.ObjectID))
		}
		offsets = append(offsets, f.CurrentOffset)
		f, ok = ref(t, s, tok, local+"/offset/"+f.CurrentOffset+"/next")
	}
	return events, offsets
}

func TestJournalRecordsChangesAfterSubscribing(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	contactsAt(s, 4, base) // before any subscription: not journaled
	if err := s.UpdateContact(1, base.Add(time.Minute), map[string]string{"firstname": "early"}); err != nil {
		t.Fatal(err)
	}
	tok := subscribe(t, s, "2026-03", mirrorActions...)
	if _, ok := ref(t, s, tok, local+"/earliest"); ok {
		t.Fatal("the journal holds changes made before the subscription")
	}
	if _, ok := ref(t, s, tok, local+"/latest"); ok {
		t.Fatal("latest of an empty journal is not 204")
	}
	at := base.Add(time.Hour)
	s.AddContacts(fakehubspot.Contact{ID: 10, CreatedAt: at, Properties: map[string]string{"email": "new@x.com"}})
	steps := []error{
		s.ChangeEmail(1, at, "one@x.com"),
		s.ClearProperties(1, at.Add(time.Second), "firstname"),
		s.TouchContacts(at, 2), // no value changes: nothing to journal
		s.DeleteContact(3, at),
		s.RestoreContact(3, at.Add(time.Minute)),
		s.PermanentlyDeleteContact(4, at),
	}
	for _, err := range steps {
		if err != nil {
			t.Fatal(err)
		}
	}
	merged, err := s.MergeContacts(1, 2, at.Add(2*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	events, offsets := readJournal(t, s, tok)
	want := []string{"CREATE 10", "UPDATE 1", "UPDATE 1", "DELETE 3", "RESTORE 3", "DELETE 4", "MERGE " + itoa(merged)}
	if !slices.Equal(events, want) {
		t.Fatalf("journal %v, want %v", events, want)
	}
	if !slices.IsSorted(offsets) || len(slices.Compact(slices.Clone(offsets))) != len(offsets) {
		t.Errorf("offsets not ordered: %v", offsets)
	}
	// The entries' contents.
	f, _ := ref(t, s, tok, local+"/earliest")
	create := page(t, f).JournalEvents[0]
	if create.Type != "OBJECT" || create.PortalID != fakehubspot.DefaultPortalID || create.ObjectTypeID != "0-1" ||
		create.OccurredAt != stamp(at) || create.PropertyChanges["email"] == nil || *create.PropertyChanges["email"] != "new@x.com" {
		t.Errorf("CREATE event %+v", create)
	}
	f, _ = ref(t, s, tok, local+"/offset/"+offsets[1]+"/next")
	if clear := page(t, f).JournalEvents[0]; clear.Action != "UPDATE" || len(clear.PropertyChanges) != 1 ||
		clear.PropertyChanges["firstname"] != nil {
		t.Errorf("clear event %+v, want firstname: null", clear)
	}
	last, _ := ref(t, s, tok, local+"/latest")
	if m := page(t, last).JournalEvents[0]; !slices.Equal(m.MergedObjectIDs, []int64{1, 2}) {
		t.Errorf("MERGE event %+v, want mergedObjectIds [1 2]", m)
	}
	if got := s.JournalEvents(); len(got) != len(want) || got[6].Offset != last.CurrentOffset {
		t.Errorf("JournalEvents %+v", got)
	}
}

func TestJournalPermanentDeleteActions(t *testing.T) {
	cases := []struct {
		name, version string
		actions       []string
		opts          fakehubspot.JournalOptions
		want          []string
	}{
		{"2026-03 records DELETE", "2026-03", mirrorActions, fakehubspot.JournalOptions{}, []string{"DELETE 1"}},
		{"hidden", "2026-03", mirrorActions, fakehubspot.JournalOptions{HidePermanentDeletes: true}, nil},
		{"2027-03-beta GDPR_DELETE", "2027-03-beta", append(slices.Clone(mirrorActions), "GDPR_DELETE"), fakehubspot.JournalOptions{}, []string{"GDPR_DELETE 1"}},
		{"beta without GDPR_DELETE", "2027-03-beta", mirrorActions, fakehubspot.JournalOptions{}, []string{"DELETE 1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := start(t, fakehubspot.Options{Journal: tc.opts})
			contactsAt(s, 1, base)
			tok := subscribe(t, s, tc.version, tc.actions...)
			if err := s.PermanentlyDeleteContact(1, base.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if got, _ := readJournal(t, s, tok); !slices.Equal(got, tc.want) {
				t.Errorf("journal %v, want %v", got, tc.want)
			}
		})
	}
}

func TestJournalMergeDeletesOption(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{Journal: fakehubspot.JournalOptions{DeleteOnMerge: true, Buffered: true}})
	contactsAt(s, 2, base)
	tok := subscribe(t, s, "2026-03", mirrorActions...)
	id, err := s.MergeContacts(1, 2, base.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := ref(t, s, tok, local+"/earliest"); ok {
		t.Fatal("a buffered event was published before PublishJournal")
	}
	s.PublishJournal()
	events, offsets := readJournal(t, s, tok)
	if want := []string{"MERGE " + itoa(id), "DELETE 1", "DELETE 2"}; !slices.Equal(events, want) || len(offsets) != 1 {
		t.Errorf("journal %v in %d entries, want %v in one", events, len(offsets), want)
	}
}

func TestJournalSubscriptionFilters(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	contactsAt(s, 3, base)
	tok := appToken(t, s, allJournalScopes...)
	body := subscription("UPDATE", "DELETE")
	body["objectIds"] = []int64{1, 2}
	body["properties"] = []string{"email"}
	if r := do(t, s, "POST", "/webhooks-journal/subscriptions/2026-03", tok, body); r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	at := base.Add(time.Hour)
	for _, err := range []error{
		s.UpdateContact(1, at, map[string]string{"firstname": "x"}), // property not subscribed
		s.UpdateContact(1, at, map[string]string{"email": "e1@x.com", "firstname": "y"}),
		s.UpdateContact(3, at, map[string]string{"email": "e3@x.com"}), // object not subscribed
		s.DeleteContact(3, at),
		s.DeleteContact(2, at),
		s.RestoreContact(2, at), // action not subscribed
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	events, _ := readJournal(t, s, tok)
	if want := []string{"UPDATE 1", "DELETE 2"}; !slices.Equal(events, want) {
		t.Fatalf("journal %v, want %v", events, want)
	}
	f, _ := ref(t, s, tok, local+"/earliest")
	if pc := page(t, f).JournalEvents[0].PropertyChanges; len(pc) != 1 || pc["email"] == nil {
		t.Errorf("propertyChanges %v, want email only", pc)
	}
}

func TestJournalRetentionAndExpiredOffset(t *testing.T) {
	s, clk := start(t, fakehubspot.Options{})
	contactsAt(s, 3, base)
	tok := subscribe(t, s, "2026-03", mirrorActions...)
	if err := s.DeleteContact(1, base.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	old, _ := ref(t, s, tok, local+"/earliest")
	clk.Add(48 * time.Hour)
	tok = appToken(t, s, allJournalScopes...) // the first one has expired
	if err := s.DeleteContact(2, base.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, ok := ref(t, s, tok, local+"/offset/"+old.CurrentOffset+"/next"); !ok {
		t.Fatal("the next entry within the retention is missing")
	}
	clk.Add(25 * time.Hour) // the first entry is now 73 h old, the second 25 h
	tok = appToken(t, s, allJournalScopes...)
	r := do(t, s, "GET", local+"/offset/"+old.CurrentOffset+"/next", tok, nil)
	if e := r.errorBody(t); r.status != 404 || e.Category != "OBJECT_NOT_FOUND" {
		t.Fatalf("next on an expired offset: %d %s", r.status, r.body)
	}
	if r := do(t, s, "GET", local+"/offset/00000000-0000-7000-8000-000000000000/next", tok, nil); r.status != 404 {
		t.Errorf("next on an unknown offset: %d", r.status)
	}
	if events, _ := readJournal(t, s, tok); !slices.Equal(events, []string{"DELETE 2"}) {
		t.Errorf("journal after the retention %v, want the second entry only", events)
	}
}

func TestJournalDownloads(t *testing.T) {
	s, clk := start(t, fakehubspot.Options{})
	contactsAt(s, 1, base)
	tok := subscribe(t, s, "2026-03", mirrorActions...)
	if err := s.DeleteContact(1, base.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	f, _ := ref(t, s, tok, local+"/latest")
	if want := clk.Now().Add(15 * time.Minute).Format(time.RFC3339); f.ExpiresAt != want || !strings.HasPrefix(f.URL, s.URL) {
		t.Errorf("reference %+v, want expiresAt %s on the fake's host", f, want)
	}
	if st, b := download(t, f.URL, true); st != 400 || !strings.Contains(string(b), "<Code>InvalidArgument</Code>") {
		t.Errorf("download with an Authorization header: %d %s", st, b)
	}
	if st, _ := download(t, strings.Replace(f.URL, "Signature=", "Signature=0", 1), false); st != 403 {
		t.Errorf("tampered URL: %d", st)
	}
	if p := page(t, f); p.PublishedAt != stamp(clk.Now()) || len(p.JournalEvents) != 1 {
		t.Errorf("page %+v", p)
	}
	clk.Add(15 * time.Minute)
	if st, b := download(t, f.URL, false); st != 403 || !strings.Contains(string(b), "Request has expired") {
		t.Errorf("expired URL: %d %s", st, b)
	}
	if f2, _ := ref(t, s, tok, local+"/latest"); f2.URL == f.URL {
		t.Error("a new read did not sign a new URL")
	}
}

func TestJournalBatchReads(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	contactsAt(s, 3, base)
	tok := subscribe(t, s, "2026-03", mirrorActions...)
	for id := int64(1); id <= 3; id++ {
		if err := s.DeleteContact(id, base.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	type batch struct {
		Status    string              `json:"status"`
		Results   []fetchRef          `json:"results"`
		NumErrors int                 `json:"numErrors"`
		Errors    []map[string]any    `json:"errors"`
		Context   map[string][]string `json:"context"`
	}
	var b batch
	r := do(t, s, "GET", local+"/batch/earliest/2", tok, nil)
	r.json(t, &b)
	if r.status != 200 || b.Status != "COMPLETE" || len(b.Results) != 2 {
		t.Fatalf("batch earliest: %d %s", r.status, r.body)
	}
	first := b.Results[0].CurrentOffset
	b = batch{}
	do(t, s, "GET", "/webhooks-journal/journal/2026-03/batch/latest/2", tok, nil).json(t, &b)
	if len(b.Results) != 2 || b.Results[0].CurrentOffset <= first || b.Results[0].CurrentOffset >= b.Results[1].CurrentOffset {
		t.Errorf("batch latest (global journal) %+v, want the two newest, oldest first", b.Results)
	}
	for _, n := range []string{"0", "101", "x"} {
		if r := do(t, s, "GET", local+"/batch/earliest/"+n, tok, nil); r.status != 400 {
			t.Errorf("count %s: %d", n, r.status)
		}
	}
	b = batch{}
	r = do(t, s, "POST", local+"/batch/read", tok, map[string]any{"inputs": []string{first, "nope"}})
	r.json(t, &b)
	if r.status != 207 || len(b.Results) != 1 || b.Results[0].CurrentOffset != first || b.NumErrors != 1 {
		t.Errorf("batch read: %d %s", r.status, r.body)
	}
	if _, ok := ref(t, s, tok, local+"/earliest?installPortalId=99"); ok {
		t.Error("another portal's local journal is not empty")
	}
}

func TestJournalSubscriptionsAPI(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	tok := appToken(t, s, allJournalScopes...)
	post := func(version string, body map[string]any) resp {
		return do(t, s, "POST", "/webhooks-journal/subscriptions/"+version, tok, body)
	}
	bad := map[string]map[string]any{
		"GDPR_DELETE before the beta": subscription("DELETE", "GDPR_DELETE"),
		"no actions":                  subscription(),
		"unknown action":              subscription("ERASE"),
		"foreign portal":              {"subscriptionType": "OBJECT", "portalId": 1, "objectTypeId": "0-1", "actions": []string{"DELETE"}},
		"no portal":                   {"subscriptionType": "OBJECT", "objectTypeId": "0-1", "actions": []string{"DELETE"}},
		"companies":                   {"subscriptionType": "OBJECT", "portalId": fakehubspot.DefaultPortalID, "objectTypeId": "0-2", "actions": []string{"DELETE"}},
	}
	for name, body := range bad {
		if r := post("2026-03", body); r.status != 400 || r.errorBody(t).Category != "VALIDATION_ERROR" {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	var created fakehubspot.Subscription
	r := post("2026-03", subscription("DELETE"))
	r.json(t, &created)
	if r.status != 200 || created.ID == 0 || created.AppID == 0 || created.PortalID != fakehubspot.DefaultPortalID {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var updated fakehubspot.Subscription
	post("2027-03-beta", subscription("DELETE", "GDPR_DELETE")).json(t, &updated)
	if updated.ID != created.ID || !slices.Equal(updated.Actions, []string{"DELETE", "GDPR_DELETE"}) {
		t.Errorf("upsert %+v, want subscription %d with the new actions", updated, created.ID)
	}
	var list struct {
		Results []fakehubspot.Subscription `json:"results"`
	}
	do(t, s, "GET", "/webhooks-journal/subscriptions/2026-03", tok, nil).json(t, &list)
	if len(list.Results) != 1 || len(s.Subscriptions()) != 1 {
		t.Fatalf("list %+v", list)
	}
	if r := do(t, s, "GET", "/webhooks-journal/subscriptions/2026-09", tok, nil); r.status != 404 {
		t.Errorf("undocumented 2026-09 journal version: %d", r.status)
	}
	if r := do(t, s, "DELETE", "/webhooks-journal/subscriptions/2026-03/"+itoa(created.ID), tok, nil); r.status != 204 {
		t.Errorf("delete: %d %s", r.status, r.body)
	}
	if r := do(t, s, "DELETE", "/webhooks-journal/subscriptions/2026-03/"+itoa(created.ID), tok, nil); r.status != 404 {
		t.Errorf("delete again: %d", r.status)
	}
	post("2026-03", subscription("DELETE"))
	if r := do(t, s, "DELETE", "/webhooks-journal/subscriptions/2026-03/portals/"+itoa(fakehubspot.DefaultPortalID), tok, nil); r.status != 204 ||
		len(s.Subscriptions()) != 0 {
		t.Errorf("delete the portal's subscriptions: %d, left %v", r.status, s.Subscriptions())
	}
}
