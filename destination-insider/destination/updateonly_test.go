package destination

import (
	"fmt"
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

// eventOf is an event_signup record of the contact with id (uuid 1000+id).
func eventOf(id, sec int) string {
	return recordLine("event_signup", fmt.Sprintf(`{"id":"e%d-%d","occurredAt":"2026-01-02T03:04:%02dZ","properties":{"page":"https://x.test/%d"},`+
		`"contact":{"email":"user%d@example.com","hs_object_id":%d}}`, id, sec, sec, id, id, 1000+id))
}

// allCatalog selects contacts, event_signup and list_memberships.
const allCatalog = `{"streams":[` + configuredContacts + `,` +
	`{"stream":{"name":"event_signup","json_schema":{},"supported_sync_modes":["incremental"]},"sync_mode":"incremental","destination_sync_mode":"append"},` +
	`{"stream":{"name":"list_memberships","json_schema":{},"supported_sync_modes":["incremental"]},"sync_mode":"incremental",` +
	`"destination_sync_mode":"append_dedup","primary_key":[["listId"],["recordId"]]}]}`

// TestUpdateOnlyTouchesOnlyKnownProfiles: under update_only, contacts, events and list joins of
// a contact Insider has are delivered; those of contacts it does not know are skipped and
// counted (not_in_insider) and create nothing; each user is looked up once a run; exits are
// not looked up.
func TestUpdateOnlyTouchesOnlyKnownProfiles(t *testing.T) {
	t.Parallel()
	f := listsInsider(t)
	cfg := baseConfig(f.URL, func(c map[string]any) { c["audience_attribute"] = "hubspot_lists" })
	if r := runCmdCatalog(t, "write", cfg, allCatalog, []string{contact(1), stateLine("contacts", 1)}); r.code != 0 {
		t.Fatalf("seeding: exit %d %v", r.code, r.traces)
	}
	cfg["update_only"] = true
	f.ResetStats()
	r := runCmdCatalog(t, "write", cfg, allCatalog, []string{
		recordLine("contacts", `{"id":"1","email":"user1@example.com","hs_object_id":1001,"firstname":"Anna","lifecyclestage":"customer"}`),
		contact(2), stateLine("contacts", 2),
		eventOf(1, 1), eventOf(2, 2), eventOf(1, 3), stateLine("event_signup", 1),
		member("1", "Newsletter", 1001, true, ""), member("1", "Newsletter", 1002, true, ""),
		member("2", "Old", 1002, false, ""), stateLine("list_memberships", 1),
	})
	if r.code != 0 || len(r.states) != 3 {
		t.Fatalf("exit %d, %d states, traces %v", r.code, len(r.states), r.traces)
	}
	p, ok := f.FindByUUID("1001")
	if !ok || p.Attributes["name"] != "Anna" || len(p.Events) != 2 || strings.Join(p.CustomStrings("hubspot_lists"), ",") != "Newsletter" {
		t.Errorf("known contact: %+v", p)
	}
	if _, ok := f.FindByUUID("1002"); ok || f.ProfileCount() != 1 {
		t.Errorf("update_only created a profile: %d profiles", f.ProfileCount())
	}
	want := map[string][2]int{"contacts": {1, 1}, "event_signup": {2, 1}, "list_memberships": {2, 1}}
	for _, s := range r.states {
		stream, _, committed, rejected := stateInfo(s)
		if w := want[stream]; committed != w[0] || rejected != w[1] {
			t.Errorf("%s state: committed %d rejected %d, want %d and %d", stream, committed, rejected, w[0], w[1])
		}
	}
	if got := r.summary.Rejected[settle.ReasonNotInInsider]; got != 3 {
		t.Errorf("not_in_insider %d, want 3 (%v)", got, r.summary.Rejected)
	}
	if n := f.RequestCount(fakeinsider.EndpointProfile); n != 2 || r.summary.ProfileLookups != 2 {
		t.Errorf("%d profile lookups (summary %d), want 2: one per user a run", n, r.summary.ProfileLookups)
	}
	if !slices0(r.logs, "not_in_insider=3") {
		t.Errorf("the write summary does not show not_in_insider: %q", r.logs)
	}
	if r.summary.RejectRatio() != 0 {
		t.Errorf("reject ratio %v: contacts Insider does not know are not bad data", r.summary.RejectRatio())
	}
}

// slices0 reports whether a line of logs contains s.
func slices0(logs []string, s string) bool {
	for _, l := range logs {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}

// TestUpdateOnlyLookupFailureHoldsTheBatchBack: a lookup that fails for good holds the batch's
// records back, as a failed upsert does; nothing is upserted.
func TestUpdateOnlyLookupFailureHoldsTheBatchBack(t *testing.T) {
	t.Parallel()
	f := listsInsider(t)
	cfg := baseConfig(f.URL, func(c map[string]any) { c["update_only"] = true })
	f.FailNext(fakeinsider.EndpointProfile, 10, 503)
	r := runCmd(t, "write", cfg, []string{contact(1), stateLine("contacts", 1)})
	if r.code == 0 || len(r.states) != 0 || r.summary.HeldBack != 1 {
		t.Fatalf("exit %d, %d states, held back %d", r.code, len(r.states), r.summary.HeldBack)
	}
	if n := f.RequestCount(fakeinsider.EndpointUpsert); n != 0 {
		t.Errorf("%d upserts", n)
	}
}

// TestUpdateOnlyCheckReadsAProfile: with update_only, check also asks Get User Profiles, which
// update_only depends on.
func TestUpdateOnlyCheckReadsAProfile(t *testing.T) {
	t.Parallel()
	f := listsInsider(t)
	cfg := baseConfig(f.URL, func(c map[string]any) { c["update_only"] = true })
	if status, msg := connectionStatus(t, runCmd(t, "check", cfg, nil)); status != "SUCCEEDED" {
		t.Fatalf("check %s %q", status, msg)
	}
	if n := f.RequestCount(fakeinsider.EndpointProfile); n != 1 {
		t.Errorf("%d profile reads, want 1", n)
	}
	f.FailNext(fakeinsider.EndpointProfile, 1, 403)
	status, msg := connectionStatus(t, runCmd(t, "check", cfg, nil))
	if status != "FAILED" || !strings.Contains(msg, "update_only needs Insider's Get User Profiles API") {
		t.Errorf("check with the profile read refused: %s %q", status, msg)
	}
}

// TestUpdateOnlyAppliesToTheUpsertAfterIdentityChanges: a contact whose email changed is upserted
// alone after its re-key; under update_only that upsert, too, touches only a profile Insider has.
func TestUpdateOnlyAppliesToTheUpsertAfterIdentityChanges(t *testing.T) {
	t.Parallel()
	f := listsInsider(t)
	cfg := baseConfig(f.URL, nil)
	if r := runCmd(t, "write", cfg, []string{contact(1), stateLine("contacts", 1)}); r.code != 0 {
		t.Fatalf("seeding: exit %d %v", r.code, r.traces)
	}
	cfg["update_only"] = true
	changed := func(id int) string {
		return recordLine("contacts", fmt.Sprintf(`{"id":"%d","email":"new%d@example.com","hs_object_id":%d,"firstname":"Ann",`+
			`"previous_values":{"email":"user%d@example.com"}}`, id, id, 1000+id, id))
	}
	r := runCmd(t, "write", cfg, []string{changed(1), changed(2), stateLine("contacts", 2)})
	if r.code != 0 || len(r.states) != 1 {
		t.Fatalf("exit %d, %d states, traces %v", r.code, len(r.states), r.traces)
	}
	if p, ok := f.FindByUUID("1001"); !ok || p.Identifiers.Email != "new1@example.com" {
		t.Errorf("known contact: %+v", p)
	}
	if _, ok := f.FindByUUID("1002"); ok || f.ProfileCount() != 1 {
		t.Errorf("update_only created a profile: %d profiles", f.ProfileCount())
	}
	if got := r.summary.Rejected[settle.ReasonNotInInsider]; got != 1 {
		t.Errorf("not_in_insider %d, want 1 (%v)", got, r.summary.Rejected)
	}
}
