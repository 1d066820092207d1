package destination

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

// withPhone maps phone to phone_number besides baseConfig's email and uuid (US numbers).
func withPhone(c map[string]any) {
	c["identifier_mappings"] = append(c["identifier_mappings"].([]any), map[string]any{"identifier": "phone_number", "source_field": "phone"})
	c["phone"] = map[string]any{"default_region": "US"}
}

// changed is a contacts record of contact id with its current email and phone and the
// previous_values prev (a JSON object).
func changed(id int, email, phone, prev string) string {
	return recordLine("contacts", fmt.Sprintf(`{"id":"%d","hs_object_id":%d,"email":%q,"phone":%q,"firstname":"N%d","archived":false,"previous_values":%s}`,
		id, id, email, phone, id, prev))
}

// destStat returns the count name of an echoed state's destinationStats (0 when absent).
func destStat(s map[string]any, name string) int {
	f, _ := s["destinationStats"].(map[string]any)[name].(float64)
	return int(f)
}

// TestIdentityChangesFollowHubSpot: a contact whose email and phone changed since the last sync
// ends with its new values as its identifiers (Insider's upsert alone would keep the old ones),
// also when it was upserted earlier in the same run, and its state counts the changes.
func TestIdentityChangesFollowHubSpot(t *testing.T) {
	t.Parallel()
	srv := sharedFake(t)
	cfg := baseConfig(srv.URL, withPhone)
	mustRun(t, cfg, changed(101, "a@x.com", "+14155550100", `{}`))
	r := mustRun(t, cfg,
		changed(102, "c@x.com", "+14155550200", `{}`),
		changed(101, "b@x.com", "(415) 555-0101", `{"email":"A@x.com","phone":"+1 415 555 0100"}`),
		changed(102, "d@x.com", "+14155550200", `{"email":"c@x.com"}`))
	for uuid, want := range map[string][2]string{"101": {"b@x.com", "+14155550101"}, "102": {"d@x.com", "+14155550200"}} {
		p, ok := srv.FindByUUID(uuid)
		if !ok || p.Identifiers.Email != want[0] || p.Identifiers.PhoneNumber != want[1] {
			t.Errorf("profile %s = %+v, want email %s and phone %s", uuid, p.Identifiers, want[0], want[1])
		}
	}
	for _, old := range [][2]string{{"email", "a@x.com"}, {"phone_number", "+14155550100"}, {"email", "c@x.com"}} {
		if err := srv.CheckNotHeld(old[0], old[1]); err != nil {
			t.Error(err)
		}
	}
	if srv.ProfileCount() != 2 || r.summary.Rekeyed != 3 || destStat(r.states[0], settle.StatRekeyed) != 3 {
		t.Errorf("%d profiles, summary re-keyed %d, destinationStats %v; want 2 profiles and 3 changes",
			srv.ProfileCount(), r.summary.Rekeyed, r.states[0]["destinationStats"])
	}
}

// TestIdentityChangeRefusalsAreCountedNotFatal: Insider refusing a change (the new value is
// another profile's; the type is not in Identity Resolution), a change with no profile to make
// it on, and an invalid old value are counted by reason and logged; the run succeeds and the
// records are delivered.
func TestIdentityChangeRefusalsAreCountedNotFatal(t *testing.T) {
	t.Parallel()
	srv := newInsider(t, fakeinsider.Options{IdentityIdentifiers: []string{"uuid", "email"}})
	cfg := baseConfig(srv.URL, withPhone)
	mustRun(t, cfg, changed(101, "a@x.com", "+14155550100", `{}`), changed(102, "b@x.com", "", `{}`))
	r := mustRun(t, cfg,
		changed(101, "b@x.com", "+14155550101", `{"email":"a@x.com","phone":"+14155550100"}`), // b is 102's; phone is no identity
		changed(103, "c@x.com", "", `{"email":"nobody@x.com"}`),                               // no profile holds the old email
		changed(104, "d@x.com", "", `{"email":"not an email"}`))                               // invalid old value
	s := r.summary
	want := map[string]int64{settle.RefusalTaken: 1, settle.RefusalNotInIR: 1, settle.RefusalInvalidOld: 1}
	if fmt.Sprint(s.RekeyRefused) != fmt.Sprint(want) || s.RekeyNoProfile != 1 || s.UsersUpserted != 3 || destStat(r.states[0], settle.StatRekeyRefused) != 3 {
		t.Errorf("refused %v, without profile %d, upserted %d, destinationStats %v; want %v, 1, 3",
			s.RekeyRefused, s.RekeyNoProfile, s.UsersUpserted, r.states[0]["destinationStats"], want)
	}
	if p, ok := srv.FindByUUID("101"); !ok || p.Identifiers.Email != "a@x.com" {
		t.Errorf("profile 101 = %+v: a refused change leaves the old email", p.Identifiers)
	}
	logs := strings.Join(r.logs, "\n")
	for _, w := range []string{"reason=" + settle.RefusalTaken, "reason=" + settle.RefusalNotInIR, settle.RefusalInvalidOld} {
		if !strings.Contains(logs, w) {
			t.Errorf("logs lack %q:\n%s", w, logs)
		}
	}
}

// TestIdentityChangesIgnore: identity_changes ignore makes no identity call; the old email stays.
func TestIdentityChangesIgnore(t *testing.T) {
	t.Parallel()
	srv := sharedFake(t)
	cfg := baseConfig(srv.URL, func(c map[string]any) { c["identity_changes"] = IdentityIgnore })
	mustRun(t, cfg, hs(101, "a@x.com", ""))
	mustRun(t, cfg, changed(101, "b@x.com", "", `{"email":"a@x.com"}`))
	if p, _ := srv.FindByUUID("101"); p.Identifiers.Email != "a@x.com" || srv.RequestCount(fakeinsider.EndpointIdentity) != 0 {
		t.Errorf("profile %+v, %d identity calls: want the old email kept and no call", p.Identifiers, srv.RequestCount(fakeinsider.EndpointIdentity))
	}
}

// TestClearedIdentifierIsRemovedFromItsOwnProfile: a phone number cleared in HubSpot leaves the
// contact's profile, but only when that profile (found by the contact's id) holds it.
func TestClearedIdentifierIsRemovedFromItsOwnProfile(t *testing.T) {
	t.Parallel()
	srv := sharedFake(t)
	cfg := baseConfig(srv.URL, withPhone)
	mustRun(t, cfg, changed(101, "a@x.com", "+14155550100", `{}`), changed(102, "b@x.com", "+14155550200", `{}`))
	// 101 cleared its phone; 103 says it cleared 102's phone, which is not on 103's profile.
	r := mustRun(t, cfg, changed(101, "a@x.com", "", `{"phone":"+14155550100"}`), changed(103, "c@x.com", "", `{"phone":"+14155550200"}`))
	if err := srv.CheckNotHeld("phone_number", "+14155550100"); err != nil {
		t.Error(err)
	}
	if p, ok := srv.FindByUUID("102"); !ok || p.Identifiers.PhoneNumber != "+14155550200" {
		t.Errorf("profile 102 = %+v: another contact's phone must stay", p.Identifiers)
	}
	if r.summary.IdentifiersRemoved != 1 || r.summary.IdentifiersKept != 1 || destStat(r.states[0], settle.StatIdentifierRemoved) != 1 {
		t.Errorf("removed %d kept %d, want 1 and 1", r.summary.IdentifiersRemoved, r.summary.IdentifiersKept)
	}
}

// TestReKeyedValueGoesToItsClaimant: 102 takes the email 101 gives up, and 102's record comes
// first: Insider refuses 102's change (101 still holds the email) and then, once 101 is
// re-keyed away from it, 102 is re-keyed again. Both end with their current email.
func TestReKeyedValueGoesToItsClaimant(t *testing.T) {
	t.Parallel()
	srv := sharedFake(t)
	cfg := baseConfig(srv.URL, nil)
	mustRun(t, cfg, hs(101, "a@x.com", ""), hs(102, "b@x.com", ""))
	r := mustRun(t, cfg, changed(102, "a@x.com", "", `{"email":"b@x.com"}`), changed(101, "z@x.com", "", `{"email":"a@x.com"}`))
	for uuid, email := range map[string]string{"101": "z@x.com", "102": "a@x.com"} {
		if p, _ := srv.FindByUUID(uuid); p.Identifiers.Email != email {
			t.Errorf("profile %s = %+v, want email %s", uuid, p.Identifiers, email)
		}
	}
	// The two contacts' calls run at once: 102's re-key may come before or after 101's, and be
	// refused first and made once 101 lets go.
	if r.summary.Rekeyed < 2 || !slices.Equal(srv.HeldValues("email"), []string{"a@x.com", "z@x.com"}) {
		t.Errorf("re-keyed %d, emails held %v", r.summary.Rekeyed, srv.HeldValues("email"))
	}
}

// TestReKeyFromTheValueTheProfileHolds: previous_values may name an older value than the one
// Insider holds (the source takes it at the start of a window that reaches back before the last
// sync's end): with no profile holding the old value, the value the contact's own profile holds
// is re-keyed instead.
func TestReKeyFromTheValueTheProfileHolds(t *testing.T) {
	t.Parallel()
	srv := sharedFake(t)
	cfg := baseConfig(srv.URL, nil)
	mustRun(t, cfg, hs(101, "v0@x.com", ""))
	mustRun(t, cfg, changed(101, "v1@x.com", "", `{"email":"v0@x.com"}`))
	r := mustRun(t, cfg, changed(101, "v2@x.com", "", `{"email":"v0@x.com"}`))
	if p, _ := srv.FindByUUID("101"); p.Identifiers.Email != "v2@x.com" || r.summary.Rekeyed != 1 {
		t.Errorf("profile %+v, re-keyed %d; want v2 after one change", p.Identifiers, r.summary.Rekeyed)
	}
}

// TestIdentityChangeCallFailureHoldsTheRecordBack: a re-key or an identifier removal that fails
// for good (5xx past the retries) holds its record back: the run fails, no state is echoed, the
// contact is not upserted with its new value, and the change is not counted as made; a rerun
// makes it.
func TestIdentityChangeCallFailureHoldsTheRecordBack(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		endpoint fakeinsider.Endpoint
		record   string
		check    func(s *settle.Summary) bool
	}{
		{"re-key", fakeinsider.EndpointIdentity, changed(101, "b@x.com", "+14155550100", `{"email":"a@x.com"}`),
			func(s *settle.Summary) bool { return s.Rekeyed == 1 }},
		{"removal", fakeinsider.EndpointIdentityDelete, changed(101, "a@x.com", "", `{"phone":"+14155550100"}`),
			func(s *settle.Summary) bool { return s.IdentifiersRemoved == 1 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newInsider(t, fakeinsider.Options{})
			cfg := baseConfig(srv.URL, withPhone)
			mustRun(t, cfg, changed(101, "a@x.com", "+14155550100", `{}`))
			srv.ResetStats()
			srv.FailNext(tc.endpoint, 100, http.StatusServiceUnavailable)
			r := runCmd(t, "write", cfg, []string{tc.record, stateLine("contacts", 1)}, WithMaxAttempts(2))
			if r.code == 0 || len(r.states) != 0 || len(r.traces) == 0 || r.summary.HeldBack != 1 {
				t.Fatalf("exit %d, %d states, held back %d: want a failed run that holds the record back", r.code, len(r.states), r.summary.HeldBack)
			}
			if n := srv.RequestCount(fakeinsider.EndpointUpsert); n != 0 || tc.check(r.summary) {
				t.Errorf("%d upserts, summary %+v: the contact was upserted, or the change counted, although its call failed", n, r.summary)
			}
			if p, _ := srv.FindByUUID("101"); p.Identifiers.Email != "a@x.com" || p.Identifiers.PhoneNumber != "+14155550100" {
				t.Errorf("profile %+v changed although the call failed", p.Identifiers)
			}
			srv.ClearFaults()
			if r := mustRun(t, cfg, tc.record); !tc.check(r.summary) {
				t.Errorf("the rerun did not make the change: %+v", r.summary)
			}
		})
	}
}
