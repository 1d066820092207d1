package integrationtests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/datagen"
	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
	"github.com/insider-hubspot/connectors/integration_tests/pipeline"
)

// listContacts adds contacts first..last to the fake HubSpot, created a day before dataEnd: a
// unique email and phone each, lifecyclestage customer for those in customers, subscriber for
// last (in no list of the tests), lead for the others.
func listContacts(hs *fakehubspot.Server, first, last int64, customers map[int64]bool) {
	created := dataEnd().Add(-24 * time.Hour)
	var cs []fakehubspot.Contact
	for id := first; id <= last; id++ {
		stage := "lead"
		switch {
		case customers[id]:
			stage = "customer"
		case id == last:
			stage = "subscriber"
		}
		cs = append(cs, fakehubspot.Contact{ID: id, CreatedAt: created, UpdatedAt: created, Properties: map[string]string{
			"email": fmt.Sprintf("c%d@example.com", id), "phone": fmt.Sprintf("+1555300%04d", id%10000),
			"firstname": fmt.Sprintf("C%d", id), "lifecyclestage": stage}})
	}
	hs.AddContacts(cs...)
}

// audiences is what the fake HubSpot's contact lists say each contact is in: list names by
// contact id, sorted.
func audiences(hs *fakehubspot.Server) map[int64][]string {
	out := map[int64][]string{}
	for _, l := range hs.Lists() {
		if !l.DeletedAt.IsZero() || l.ObjectTypeID != fakehubspot.ContactObjectTypeID {
			continue
		}
		for _, m := range hs.ListMembers(l.ID) {
			out[m.RecordID] = append(out[m.RecordID], l.Name)
		}
	}
	for id := range out {
		slices.Sort(out[id])
	}
	return out
}

// checkAudiences asserts that every contact's Insider profile (found by its uuid) holds in
// hubspot_lists exactly the names of the lists it is in now: nothing stale, nothing missing. A
// contact in no list, live or deleted, holds none.
func (e *e2e) checkAudiences(ids []int64) {
	e.t.Helper()
	want := audiences(e.hs)
	bad := 0
	for _, id := range ids {
		p, ok := e.ins.FindByUUID(strconv.FormatInt(id, 10))
		if !ok {
			if len(want[id]) > 0 {
				bad++
				e.t.Errorf("contact %d, in lists %q, has no Insider profile", id, want[id])
			}
			continue
		}
		got := p.CustomStrings("hubspot_lists")
		if !slices.Equal(got, want[id]) { // nil and empty are equal
			bad++
			e.t.Errorf("contact %d: Insider holds lists %q, HubSpot says %q", id, got, want[id])
		}
	}
	if bad > 0 {
		e.t.FailNow()
	}
}

// mustDo fails the test on an error of the fake's helpers.
func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// listIDsRead returns a SourceLine hook that chains next and collects the listId of every
// list_memberships record the source writes.
func listIDsRead(next func([]byte), into map[string]int) func([]byte) {
	return func(line []byte) {
		next(line)
		var m struct {
			Type   string
			Record struct {
				Stream string
				Data   struct{ ListID string }
			}
		}
		if json.Unmarshal(line, &m) == nil && m.Type == "RECORD" && m.Record.Stream == "list_memberships" {
			into[m.Record.Data.ListID]++
		}
	}
}

// TestE2EListsBecomeAudiences is the lists feature end to end with the real binaries and the
// state carried between runs: MANUAL, DYNAMIC and SNAPSHOT lists that overlap; then joins, exits,
// a rename, a contact whose lifecycle stage moves it in and out of the DYNAMIC list, a deleted
// contact, a deleted list whose name a new list takes, and a new list. After every sync each
// contact's profile holds exactly the names of the lists it is in. A run that fails on a
// delivery after some lists and a run whose source is killed after some lists both resume at
// the next list, and the audiences end exact.
func TestE2EListsBecomeAudiences(t *testing.T) {
	e := newE2E(t, datagen.Options{})
	const first, last = 5001, 5024
	customers := map[int64]bool{}
	for id := int64(5001); id <= 5008; id++ {
		customers[id] = true
	}
	listContacts(e.hs, first, last, customers)
	var ids []int64
	for id := int64(first); id <= last; id++ {
		ids = append(ids, id)
	}
	rangeIDs := func(a, b int64) []int64 {
		var out []int64
		for id := a; id <= b; id++ {
			out = append(out, id)
		}
		return out
	}
	create := func(spec fakehubspot.ListSpec) string {
		t.Helper()
		id, err := e.hs.CreateList(spec)
		mustDo(t, err)
		return id
	}
	news := create(fakehubspot.ListSpec{Name: "Newsletter", Members: rangeIDs(5001, 5010)})
	webinar := create(fakehubspot.ListSpec{Name: "Webinar", Members: rangeIDs(5006, 5015)})
	create(fakehubspot.ListSpec{Name: "Customers", ProcessingType: fakehubspot.ListDynamic,
		Filter: []fakehubspot.ListCondition{{Property: "lifecyclestage", Value: "customer"}}})
	promo := create(fakehubspot.ListSpec{Name: "Promo", Members: rangeIDs(5018, 5022)})
	leads := create(fakehubspot.ListSpec{Name: "Leads at launch", ProcessingType: fakehubspot.ListSnapshot,
		Filter: []fakehubspot.ListCondition{{Property: "lifecyclestage", Value: "lead"}}})

	e.dest["audience_attribute"] = "hubspot_lists"
	// Small batches: a failed delivery holds back only its batch, so the lists before it are saved.
	e.dest["batch_size"] = 3
	e.writeConfigs()

	// Sync 1: every membership is a join.
	requireOK(t, e.sync(nil))
	e.checkAudiences(ids)
	if got := audiences(e.hs)[5009]; strings.Join(got, ",") != "Leads at launch,Newsletter,Webinar" {
		t.Fatalf("test data: contact 5009 is in %q", got)
	}

	// Between syncs 1 and 2.
	at := e.watermark().Add(time.Millisecond)
	mustDo(t, e.hs.AddListMembers(news, at, 5011, 5012))
	mustDo(t, e.hs.RemoveListMembers(webinar, at, 5006, 5007))
	mustDo(t, e.hs.RenameList(news, "Newsletter 2027", at))
	mustDo(t, e.hs.UpdateContact(5009, at, map[string]string{"lifecyclestage": "customer"})) // joins Customers
	mustDo(t, e.hs.UpdateContact(5001, at, map[string]string{"lifecyclestage": "lead"}))     // leaves Customers
	mustDo(t, e.hs.DeleteContact(5015, at))                                                  // leaves Webinar and Leads at launch
	mustDo(t, e.hs.DeleteList(promo, at))
	newPromo := create(fakehubspot.ListSpec{Name: "Promo", Members: []int64{5020, 5023}}) // 5020 was in the old Promo
	fresh := create(fakehubspot.ListSpec{Name: "Fresh", Members: []int64{5001, 5024}})
	requireOK(t, e.sync(nil))
	e.checkAudiences(ids)
	p, _ := e.ins.FindByUUID("5015")
	if got := p.CustomStrings("hubspot_lists"); len(got) > 0 {
		t.Errorf("deleted contact 5015 still holds %q", got)
	}

	// Sync 3 fails on the delivery of the last changed list (Insider refuses every upsert
	// holding contact 5005, which only joins Fresh): the lists before it are saved, and the
	// next run reads only that list again.
	at = e.watermark().Add(time.Millisecond)
	mustDo(t, e.hs.RemoveListMembers(news, at, 5002, 5003))
	mustDo(t, e.hs.AddListMembers(webinar, at, 5016, 5017, 5018, 5019))
	mustDo(t, e.hs.RemoveListMembers(leads, at, 5016, 5017))
	mustDo(t, e.hs.AddListMembers(fresh, at, 5002, 5003, 5004, 5005))
	e.ins.FailIdentifierWith("5005", http.StatusUnprocessableEntity)
	res := e.sync(nil)
	if res.DestinationExit == 0 || res.SourceExit != 0 {
		t.Fatalf("sync 3: source exit %d, destination exit %d; want the destination to fail", res.SourceExit, res.DestinationExit)
	}
	e.ins.ClearFaults()
	read := map[string]int{}
	res = e.sync(func(s *pipeline.Sync) { s.SourceLine = listIDsRead(s.SourceLine, read) })
	requireOK(t, res)
	if len(read) != 1 || read[fresh] == 0 {
		t.Errorf("the rerun read memberships of lists %v; want only Fresh (%s), the list whose delivery failed", read, fresh)
	}
	e.checkAudiences(ids)

	// Sync 5: the source is killed after delivering two changed lists; the rerun resumes at
	// the next list and the audiences end exact.
	at = e.watermark().Add(time.Millisecond)
	mustDo(t, e.hs.AddListMembers(news, at, 5013, 5014))
	mustDo(t, e.hs.RemoveListMembers(webinar, at, 5016, 5017))
	mustDo(t, e.hs.AddListMembers(newPromo, at, 5001, 5002, 5003))
	mustDo(t, e.hs.RenameList(fresh, "Fresh 2027", at))
	states, killed := 0, false
	res = e.sync(func(s *pipeline.Sync) {
		s.KillSourceWhen = func(line []byte) bool {
			switch {
			case bytes.HasPrefix(line, []byte(`{"type":"STATE"`)) && bytes.Contains(line, []byte(`"list_memberships"`)):
				states++
			case states >= 2 && bytes.HasPrefix(line, []byte(`{"type":"RECORD","record":{"stream":"list_memberships"`)):
				killed = true
				return true
			}
			return false
		}
	})
	if !killed || !res.SourceKilled {
		t.Fatalf("the source was not killed after two lists: %+v", res)
	}
	read = map[string]int{}
	res = e.sync(func(s *pipeline.Sync) { s.SourceLine = listIDsRead(s.SourceLine, read) })
	requireOK(t, res)
	t.Logf("after the kill, the rerun read the memberships of lists %v", read)
	if read[news] > 0 || read[webinar] > 0 {
		t.Errorf("the rerun read memberships of lists %v again; Newsletter (%s) and Webinar (%s) were delivered before the kill", read, news, webinar)
	}
	e.checkAudiences(ids)
	noLegacyCalls(t, e.hs)
}

// seedInsider upserts profiles with only a uuid and a name into the fake Insider, as users
// Insider had before the sync.
func seedInsider(t *testing.T, ins *fakeinsider.Server, uuids ...int64) {
	t.Helper()
	var users []map[string]any
	for _, id := range uuids {
		users = append(users, map[string]any{"identifiers": map[string]any{"uuid": strconv.FormatInt(id, 10)},
			"attributes": map[string]any{"name": "Known"}})
	}
	body, _ := json.Marshal(map[string]any{"users": users})
	req, err := http.NewRequest(http.MethodPost, ins.URL+"/api/user/v1/upsert", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	o := ins.Options()
	req.Header.Set("X-PARTNER-NAME", o.PartnerName)
	req.Header.Set("X-REQUEST-TOKEN", o.APIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || ins.ProfileCount() != len(uuids) {
		t.Fatalf("seeding the fake Insider: HTTP %d, %d profiles", resp.StatusCode, ins.ProfileCount())
	}
	ins.ResetStats()
}

// TestE2EUpdateOnly: with update_only, contacts Insider never had are not created, by their
// contacts records nor by their list joins; those it has are updated and join their lists; the
// skipped records are counted as not_in_insider and the sync succeeds.
func TestE2EUpdateOnly(t *testing.T) {
	e := newE2E(t, datagen.Options{})
	listContacts(e.hs, 6001, 6010, nil)
	_, err := e.hs.CreateList(fakehubspot.ListSpec{Name: "Everyone", Members: []int64{6001, 6002, 6003, 6006, 6007, 6008}})
	mustDo(t, err)
	seedInsider(t, e.ins, 6001, 6002, 6003, 6004, 6005)
	e.dest["audience_attribute"] = "hubspot_lists"
	e.dest["update_only"] = true
	e.writeConfigs()
	res := e.sync(nil)
	requireOK(t, res)
	if n := e.ins.ProfileCount(); n != 5 {
		t.Errorf("%d profiles in Insider, want the 5 it had", n)
	}
	for id := int64(6001); id <= 6005; id++ {
		p, ok := e.ins.FindByUUID(strconv.FormatInt(id, 10))
		if !ok || p.Attributes["name"] != fmt.Sprintf("C%d", id) || p.Identifiers.Email != fmt.Sprintf("c%d@example.com", id) {
			t.Errorf("known contact %d was not updated: %+v", id, p)
		}
	}
	e.checkAudiences([]int64{6001, 6002, 6003, 6004, 6005})
	logs := strings.Join(res.DestinationLogs, "\n")
	// Contacts 6006-6010 and the list joins of 6006-6008.
	if !strings.Contains(logs, "not_in_insider=8") {
		t.Errorf("the write summary does not count 8 records not_in_insider:\n%s", logs)
	}
	if n := e.ins.RequestCount(fakeinsider.EndpointProfile); n != 10 {
		t.Errorf("%d profile lookups, want 10 (one per contact)", n)
	}
}
