package destination

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
	"github.com/insider-hubspot/connectors/internal/httpx/httpxtest"
)

// listsCatalog selects contacts and list_memberships.
const listsCatalog = `{"streams":[` + configuredContacts + `,` +
	`{"stream":{"name":"list_memberships","json_schema":{},"supported_sync_modes":["incremental"]},"sync_mode":"incremental",` +
	`"destination_sync_mode":"append_dedup","primary_key":[["listId"],["recordId"]]}]}`

// listsInsider is the fake of the audience tests: hubspot_lists declared a custom array.
func listsInsider(t *testing.T) insiderFake {
	t.Helper()
	return newInsider(t, fakeinsider.Options{CustomAttributes: map[string]string{
		"lifecycle_stage": "string", "crm_source": "string", "hubspot_lists": "array"}})
}

// listsConfig maps email and uuid (hs_object_id) and keeps list names in hubspot_lists.
func listsConfig(url string, edit func(c map[string]any)) map[string]any {
	return baseConfig(url, func(c map[string]any) {
		delete(c, "event_mappings")
		c["audience_attribute"] = "hubspot_lists"
		if edit != nil {
			edit(c)
		}
	})
}

// member is a list_memberships record of the contact with uuid id (as contact(id-1000) makes
// it: email user<id-1000>@example.com); a negative id is a deleted contact (contact null,
// recordId -id).
func member(list, name string, id int, join bool, previous string) string {
	contact := "null"
	if id > 0 {
		contact = fmt.Sprintf(`{"email":"user%d@example.com","phone":null,"hs_object_id":%d}`, id-1000, id)
	} else {
		id = -id
	}
	prev := "null"
	if previous != "" {
		prev = fmt.Sprintf("%q", previous)
	}
	return recordLine("list_memberships", fmt.Sprintf(`{"listId":%q,"listName":%q,"processingType":"MANUAL","recordId":"%d",`+
		`"member":%v,"membershipTimestamp":"2026-01-02T00:00:00.000Z","previousListName":%s,"contact":%s}`, list, name, id, join, prev, contact))
}

// lists returns the names in hubspot_lists of the profile with uuid id, sorted; ok is false
// when there is no such profile.
func lists(f insiderFake, id int) ([]string, bool) {
	p, ok := f.FindByUUID(fmt.Sprint(id))
	if !ok {
		return nil, false
	}
	return p.CustomStrings("hubspot_lists"), true
}

func checkLists(t *testing.T, f insiderFake, id int, want ...string) {
	t.Helper()
	got, ok := lists(f, id)
	if !ok {
		t.Errorf("contact %d has no profile", id)
		return
	}
	if want == nil {
		want = []string{}
	}
	if got == nil {
		got = []string{}
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("contact %d holds lists %q, want %q", id, got, want)
	}
}

// TestAudienceJoinsExitsRenamesAndDeletedContacts: joins add list names to the custom array
// attribute (an upsert that appends: no not_append), exits remove them (attribute delete,
// custom.partial), a renamed list's members get the new name and lose the old, an exit of a
// deleted contact finds its profile by recordId, and an exit for a user Insider does not know
// creates nothing and counts as done. Each batch sends one user object per user.
func TestAudienceJoinsExitsRenamesAndDeletedContacts(t *testing.T) {
	t.Parallel()
	f := listsInsider(t)
	cfg := listsConfig(f.URL, nil)
	r := runCmdCatalog(t, "write", cfg, listsCatalog, []string{
		contact(1), contact(2), contact(3), stateLine("contacts", 1),
		member("1", "Newsletter", 1001, true, ""), member("2", "Leads", 1001, true, ""),
		member("1", "Newsletter", 1002, true, ""), member("3", "VIP", 1003, true, ""),
		stateLine("list_memberships", 1),
	})
	if r.code != 0 || len(r.states) != 2 {
		t.Fatalf("first write: exit %d, %d states, traces %v", r.code, len(r.states), r.traces)
	}
	checkLists(t, f, 1001, "Newsletter", "Leads")
	checkLists(t, f, 1002, "Newsletter")
	checkLists(t, f, 1003, "VIP")
	if _, stream, committed, rejected := stateStats(r.states[1]); stream != "list_memberships" || committed != 4 || rejected != 0 {
		t.Errorf("list_memberships state: %s committed %d rejected %d", stream, committed, rejected)
	}
	var joins []fakeUser
	for _, b := range f.bodies() {
		var req struct{ Users []fakeUser }
		_ = json.Unmarshal(b, &req)
		for _, u := range req.Users {
			if _, ok := u.Attributes["custom"].(map[string]any)["hubspot_lists"]; ok {
				joins = append(joins, u)
			}
		}
	}
	if len(joins) != 3 || joins[0].NotAppend || fmt.Sprint(joins[0].Attributes) != "map[custom:map[hubspot_lists:[Newsletter Leads]]]" {
		t.Errorf("join users: %+v; want one user object per user, appending", joins)
	}

	f.ResetStats()
	r = runCmdCatalog(t, "write", cfg, listsCatalog, []string{
		member("1", "Newsletter", 1001, false, ""),
		member("1", "Customers", 1002, true, "Newsletter"), // list 1 renamed
		member("3", "VIP", -1003, false, ""),               // contact 1003 deleted since
		member("2", "Leads", 1999, false, ""),              // a contact Insider never had
		stateLine("list_memberships", 2),
	})
	if r.code != 0 || len(r.states) != 1 {
		t.Fatalf("second write: exit %d, %d states, traces %v", r.code, len(r.states), r.traces)
	}
	checkLists(t, f, 1001, "Leads")
	checkLists(t, f, 1002, "Customers")
	checkLists(t, f, 1003)
	if _, ok := f.FindByUUID("1999"); ok || f.ProfileCount() != 3 {
		t.Errorf("an exit created a profile: %d profiles", f.ProfileCount())
	}
	if _, _, committed, rejected := stateStats(r.states[0]); committed != 4 || rejected != 0 {
		t.Errorf("state: committed %d rejected %d, want 4 and 0", committed, rejected)
	}
	s := r.summary
	if s.AudienceAdded != 1 || s.AudienceRemoved != 3 || s.AudienceNoProfile != 1 || s.AudienceRecords != 4 {
		t.Errorf("summary: %d records delivered, added %d removed %d without profile %d, want 4, 1, 3 and 1",
			s.AudienceRecords, s.AudienceAdded, s.AudienceRemoved, s.AudienceNoProfile)
	}
	if n := f.RequestCount(fakeinsider.EndpointAttributeDelete); n != 1 {
		t.Errorf("%d attribute deletes, want 1 for the batch", n)
	}
}

// stateStats is stateInfo of a state whose stream_state needs no seq.
func stateStats(s map[string]any) (seq int, stream string, committed, rejected int) {
	stream, seq, committed, rejected = stateInfo(s)
	return
}

// TestAudienceChangesOfOneNameCoalesce: an exit and a join of one name for one user in one batch
// end with the later change, whichever it is.
func TestAudienceChangesOfOneNameCoalesce(t *testing.T) {
	t.Parallel()
	f := listsInsider(t)
	cfg := listsConfig(f.URL, nil)
	r := runCmdCatalog(t, "write", cfg, listsCatalog, []string{
		contact(1), contact(2),
		member("9", "Gone", 1001, true, ""), member("8", "Kept", 1002, true, ""),
		stateLine("list_memberships", 1),
	})
	if r.code != 0 {
		t.Fatalf("exit %d: %v", r.code, r.traces)
	}
	r = runCmdCatalog(t, "write", cfg, listsCatalog, []string{
		member("9", "Gone", 1001, false, ""), member("7", "Gone", 1001, true, ""), // a deleted list's name taken by a new one
		member("8", "Kept", 1002, true, ""), member("8", "Kept", 1002, false, ""),
		stateLine("list_memberships", 2),
	})
	if r.code != 0 {
		t.Fatalf("exit %d: %v", r.code, r.traces)
	}
	checkLists(t, f, 1001, "Gone")
	checkLists(t, f, 1002)
}

// orderingTransport holds the first attribute delete until an upsert has been answered, so that
// a join sent in a later batch would overtake an exit of the same name if the destination let
// it; it records the upserts sent before that attribute delete was answered.
type orderingTransport struct {
	next      http.RoundTripper
	firstExit sync.Once
	answered  sync.Once
	released  chan struct{} // closed once an upsert is answered

	mu        sync.Mutex
	exitDone  bool     // the first attribute delete was answered
	overtaken []string // bodies of upserts sent before
}

func (o *orderingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	switch {
	case strings.HasSuffix(req.URL.Path, "/attribute/delete"):
		first := false
		o.firstExit.Do(func() { first = true })
		if !first {
			return o.next.RoundTrip(req)
		}
		<-o.released
		resp, err := o.next.RoundTrip(req)
		o.mu.Lock()
		o.exitDone = true
		o.mu.Unlock()
		return resp, err
	case strings.HasSuffix(req.URL.Path, "/upsert"):
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(strings.NewReader(string(body)))
		o.mu.Lock()
		if !o.exitDone {
			o.overtaken = append(o.overtaken, string(body))
		}
		o.mu.Unlock()
		resp, err := o.next.RoundTrip(req)
		o.answered.Do(func() { close(o.released) })
		return resp, err
	}
	return o.next.RoundTrip(req)
}

// TestAudienceJoinWaitsForAnExitOfTheSameNameInFlight: batches fly concurrently, but a join
// never overtakes an exit of the same name for the same user that an earlier batch still has
// in flight: the contact ends in the list.
func TestAudienceJoinWaitsForAnExitOfTheSameNameInFlight(t *testing.T) {
	t.Parallel()
	f := listsInsider(t)
	cfg := listsConfig(f.URL, func(c map[string]any) { c["batch_size"] = 2; c["max_concurrent_requests"] = 2 })
	r := runCmdCatalog(t, "write", cfg, listsCatalog, []string{
		contact(1), contact(2), contact(3), member("9", "X", 1001, true, ""), stateLine("list_memberships", 1)})
	if r.code != 0 {
		t.Fatalf("exit %d: %v", r.code, r.traces)
	}
	tr := &orderingTransport{next: httpxtest.Transport(t), released: make(chan struct{})}
	r = runCmdCatalog(t, "write", cfg, listsCatalog, []string{
		member("9", "X", 1001, false, ""), member("9", "X", 1002, false, ""), // batch 1: exits
		member("5", "Y", 1003, true, ""), // batch 2
		member("7", "X", 1001, true, ""), // a new list named X: 1001 joins it
		stateLine("list_memberships", 2),
	}, WithHTTPClient(&http.Client{Transport: tr}))
	if r.code != 0 {
		t.Fatalf("exit %d: %v", r.code, r.traces)
	}
	for _, b := range tr.overtaken {
		if strings.Contains(b, `"uuid":"1001"`) {
			t.Errorf("the join of X for 1001 was sent while its exit of X was in flight: %s", b)
		}
	}
	checkLists(t, f, 1001, "X")
	checkLists(t, f, 1002)
	checkLists(t, f, 1003, "Y")
}

// TestAudienceBatchesKeepTheLimits: list memberships go in requests of at most batch_size users,
// and a STATE is echoed only once every change before it is delivered.
func TestAudienceBatchesKeepTheLimits(t *testing.T) {
	t.Parallel()
	f := listsInsider(t)
	cfg := listsConfig(f.URL, func(c map[string]any) { c["batch_size"] = 2 })
	in := []string{}
	for id := 1001; id <= 1005; id++ {
		in = append(in, member("1", "A", id, true, ""), member("2", "B", id, true, ""))
	}
	r := runCmdCatalog(t, "write", cfg, listsCatalog, append(in, stateLine("list_memberships", 1)))
	if r.code != 0 || len(r.states) != 1 {
		t.Fatalf("exit %d, %d states: %v", r.code, len(r.states), r.traces)
	}
	for _, req := range f.Requests() {
		if req.Endpoint == fakeinsider.EndpointUpsert && req.Users > 2 {
			t.Errorf("an upsert of %d users; batch_size is 2", req.Users)
		}
	}
	if n := f.RequestCount(fakeinsider.EndpointUpsert); n != 3 {
		t.Errorf("%d upserts, want 3 (users 2+2+1, two lists each in one user object)", n)
	}
	for id := 1001; id <= 1005; id++ {
		checkLists(t, f, id, "A", "B")
	}
	if _, _, committed, _ := stateStats(r.states[0]); committed != 10 {
		t.Errorf("state counts %d records, want 10", committed)
	}
}

// TestAudienceExitFailureHoldsTheStateBack: an attribute delete that fails for good holds its
// records back: no later STATE of list_memberships is echoed and the run fails.
func TestAudienceExitFailureHoldsTheStateBack(t *testing.T) {
	t.Parallel()
	f := listsInsider(t)
	cfg := listsConfig(f.URL, nil)
	f.FailNext(fakeinsider.EndpointAttributeDelete, 10, http.StatusServiceUnavailable)
	r := runCmdCatalog(t, "write", cfg, listsCatalog, []string{
		contact(1), stateLine("contacts", 1),
		member("1", "A", 1001, false, ""), stateLine("list_memberships", 1),
	})
	if r.code == 0 || len(r.traces) == 0 {
		t.Fatalf("exit %d, traces %v: the run should fail", r.code, r.traces)
	}
	for _, s := range r.states {
		if stream, _, _, _ := stateInfo(s); stream == "list_memberships" {
			t.Errorf("a list_memberships state was echoed although its exit failed: %v", s)
		}
	}
	if r.summary.HeldBack != 1 {
		t.Errorf("held back %d, want 1", r.summary.HeldBack)
	}
}

// TestAudienceJoinFailureHoldsTheStateBack: a join upsert that fails for good holds its records
// back, as an exit does: no later STATE of list_memberships is echoed, the run fails, and the
// name is not counted as added.
func TestAudienceJoinFailureHoldsTheStateBack(t *testing.T) {
	t.Parallel()
	f := listsInsider(t)
	f.FailNext(fakeinsider.EndpointUpsert, 100, http.StatusServiceUnavailable)
	r := runCmdCatalog(t, "write", listsConfig(f.URL, nil), listsCatalog, []string{
		member("1", "A", 1001, true, ""), member("2", "B", 1002, true, ""), stateLine("list_memberships", 1),
	}, WithMaxAttempts(2))
	if r.code == 0 || len(r.traces) == 0 || len(r.states) != 0 {
		t.Fatalf("exit %d, %d states, traces %v: the run should fail and echo no state", r.code, len(r.states), r.traces)
	}
	if s := r.summary; s.HeldBack != 2 || s.AudienceAdded != 0 || s.AudienceRecords != 0 {
		t.Errorf("summary: held back %d, added %d, records %d; want 2, 0, 0", s.HeldBack, s.AudienceAdded, s.AudienceRecords)
	}
	if f.ProfileCount() != 0 {
		t.Errorf("%d profiles although every join failed", f.ProfileCount())
	}
}

// TestAudienceRejectedJoinIsRejected: a join whose user Insider rejects in its 200 answer
// rejects that record (rejected_by_insider, counted in the STATE) and delivers the others; the
// STATE is echoed.
func TestAudienceRejectedJoinIsRejected(t *testing.T) {
	t.Parallel()
	f := listsInsider(t)
	f.RejectUserBytes(`"uuid":"1002"`, "identifiers.uuid.rule", "refused for the test")
	r := runCmdCatalog(t, "write", listsConfig(f.URL, nil), listsCatalog, []string{
		member("1", "A", 1001, true, ""), member("1", "A", 1002, true, ""), stateLine("list_memberships", 1),
	})
	if r.code != 0 || len(r.states) != 1 {
		t.Fatalf("exit %d, %d states, traces %v", r.code, len(r.states), r.traces)
	}
	if _, _, committed, rejected := stateStats(r.states[0]); committed != 1 || rejected != 1 {
		t.Errorf("state: committed %d rejected %d, want 1 and 1", committed, rejected)
	}
	checkLists(t, f, 1001, "A")
	if _, ok := f.FindByUUID("1002"); ok {
		t.Error("the rejected user has a profile")
	}
	if s := r.summary; s.Rejected[settle.ReasonInsider] != 1 || s.AudienceAdded != 1 || s.AudienceRecords != 1 {
		t.Errorf("summary: rejected %v, added %d, records %d; want 1 rejected_by_insider, 1 and 1", s.Rejected, s.AudienceAdded, s.AudienceRecords)
	}
}

// TestListMembershipsNeedAudienceAttribute: without audience_attribute a selected
// list_memberships stream fails the run before anything is sent, naming the option.
func TestListMembershipsNeedAudienceAttribute(t *testing.T) {
	t.Parallel()
	f := listsInsider(t)
	cfg := listsConfig(f.URL, func(c map[string]any) { delete(c, "audience_attribute") })
	r := runCmdCatalog(t, "write", cfg, listsCatalog, []string{contact(1), member("1", "A", 1001, true, "")})
	if r.code == 0 || len(r.traces) != 1 || !strings.Contains(fmt.Sprint(r.traces[0]), "audience_attribute") ||
		!strings.Contains(fmt.Sprint(r.traces[0]), "config_error") {
		t.Fatalf("exit %d, traces %v", r.code, r.traces)
	}
	if n := f.RequestCount(fakeinsider.EndpointUpsert); n != 0 {
		t.Errorf("%d upserts were sent", n)
	}
}

// TestAudienceAttributeMustBeAnArray: check fails when Insider's metadata declares the attribute
// as something other than an array, or does not declare it, saying what to create; a write whose
// catalog selects list_memberships then fails before sending anything.
func TestAudienceAttributeMustBeAnArray(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		typ, want string
	}{
		{"string", "declares the custom attribute \"hubspot_lists\" as string, not as an array"},
		{"", "Insider does not know the custom attribute \"hubspot_lists\""},
	} {
		attrs := map[string]string{"lifecycle_stage": "string", "crm_source": "string"}
		if tc.typ != "" {
			attrs["hubspot_lists"] = tc.typ
		}
		f := newInsider(t, fakeinsider.Options{CustomAttributes: attrs})
		cfg := listsConfig(f.URL, nil)
		status, msg := connectionStatus(t, runCmd(t, "check", cfg, nil))
		if status != "FAILED" || !strings.Contains(msg, tc.want) || !strings.Contains(msg, "String Array") {
			t.Errorf("type %q: check %s %q", tc.typ, status, msg)
		}
		r := runCmdCatalog(t, "write", cfg, listsCatalog, []string{contact(1), member("1", "A", 1001, true, "")})
		if r.code == 0 || len(r.traces) != 1 || !strings.Contains(fmt.Sprint(r.traces[0]), tc.want) {
			t.Errorf("type %q: write exit %d, traces %v", tc.typ, r.code, r.traces)
		}
		if n := f.RequestCount(fakeinsider.EndpointUpsert); n != 0 {
			t.Errorf("type %q: %d upserts were sent", tc.typ, n)
		}
	}
	f := listsInsider(t)
	if status, msg := connectionStatus(t, runCmd(t, "check", listsConfig(f.URL, nil), nil)); status != "SUCCEEDED" {
		t.Errorf("array attribute: check %s %q", status, msg)
	}
}

// TestAudienceDryRun: a dry run counts the names a real run would add and remove, and sends
// nothing.
func TestAudienceDryRun(t *testing.T) {
	t.Parallel()
	f := listsInsider(t)
	cfg := listsConfig(f.URL, func(c map[string]any) { c["dry_run"] = true })
	r := runCmdCatalog(t, "write", cfg, listsCatalog, []string{
		member("1", "A", 1001, true, ""), member("2", "B", 1001, false, ""), member("3", "C", 1002, true, "Old"),
		stateLine("list_memberships", 1),
	})
	if r.code != 0 {
		t.Fatalf("exit %d: %v", r.code, r.traces)
	}
	if s := r.summary; s.AudienceAdded != 2 || s.AudienceRemoved != 2 || s.Requests != 2 {
		t.Errorf("dry run: added %d removed %d requests %d, want 2, 2 and 2", s.AudienceAdded, s.AudienceRemoved, s.Requests)
	}
	if len(f.Requests()) != 0 {
		t.Errorf("a dry run sent %d requests", len(f.Requests()))
	}
}
