package destination

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

// erased is the record of a contact deleted permanently: its id alone, as the source sends it.
func erased(id int, merged string) string {
	extra := ""
	if merged != "" {
		extra = fmt.Sprintf(`,"hs_merged_object_ids":%q`, merged)
	}
	return recordLine("contacts", fmt.Sprintf(`{"id":"%d","archived":true,"archivedAt":"2026-01-02T00:00:00.000Z","deleted_permanently":true%s}`, id, extra))
}

// TestDeletesNeverHitALiveProfile: a contact deleted in HubSpot whose email a new contact took
// (delete and re-import) loses its profile, and the new contact, whose upsert came first in the
// run, keeps its own profile with the email: the delete finds the profile by the deleted
// contact's id alone, and the email it releases goes to the contact that claimed it.
func TestDeletesNeverHitALiveProfile(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, deleted string
		mode          func(map[string]any)
	}{
		{"archived", archived(101, "a@x.com"), modes(DeletionDeleteProfile, "")},
		{"archived, anonymize", archived(101, "a@x.com"), modes(DeletionAnonymize, "")},
		{"deleted permanently", erased(101, ""), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := sharedFake(t)
			cfg := baseConfig(srv.URL, tc.mode)
			mustRun(t, cfg, hs(101, "a@x.com", ""), hs(102, "b@x.com", ""))
			r := mustRun(t, cfg, hs(103, "a@x.com", ""), tc.deleted)
			p, ok := srv.FindByUUID("103")
			if !ok || p.Identifiers.Email != "a@x.com" {
				t.Errorf("new contact's profile %+v (found %v): want it with the reused email", p.Identifiers, ok)
			}
			if old, ok := srv.FindByUUID("101"); ok && !old.Anonymized {
				t.Errorf("the deleted contact's profile is still there: %+v", old.Identifiers)
			}
			if _, ok := srv.FindByUUID("102"); !ok || r.summary.Reclaimed != 1 {
				t.Errorf("102 present %v, contacts upserted again %d: want 102 untouched and 103 upserted again", ok, r.summary.Reclaimed)
			}
		})
	}
}

// TestPermanentDeletionModes: permanently deleted contacts follow permanent_deletion_mode
// (delete_profile by default) whatever deletion_mode says, and count in the summary and in the
// state's destinationStats.
func TestPermanentDeletionModes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		mode        string
		gone        bool
		anonymized  bool
		stat        string
		rejected    string
		deleted     int64
		anonymizedN int64
	}{
		{mode: "", gone: true, stat: settle.StatDeletedPermanently, deleted: 1},
		{mode: DeletionDeleteProfile, gone: true, stat: settle.StatDeletedPermanently, deleted: 1},
		{mode: DeletionAnonymize, anonymized: true, stat: settle.StatAnonymizedPermanently, anonymizedN: 1},
		{mode: DeletionIgnore, rejected: settle.ReasonDeletedPermanently},
	} {
		t.Run("mode "+tc.mode, func(t *testing.T) {
			t.Parallel()
			srv := sharedFake(t)
			cfg := baseConfig(srv.URL, func(c map[string]any) {
				if tc.mode != "" {
					c["permanent_deletion_mode"] = tc.mode
				}
			})
			mustRun(t, cfg, hs(101, "a@x.com", ""), hs(102, "b@x.com", ""))
			// deletion_mode is ignore: the archived 102 stays.
			r := mustRun(t, cfg, erased(101, ""), archived(102, "b@x.com"))
			p, ok := srv.FindByUUID("101")
			if ok == tc.gone || p.Anonymized != tc.anonymized {
				t.Errorf("profile 101 present %v anonymized %v; want gone %v, anonymized %v", ok, p.Anonymized, tc.gone, tc.anonymized)
			}
			if _, ok := srv.FindByUUID("102"); !ok {
				t.Error("the archived contact's profile went although deletion_mode is ignore")
			}
			s := r.summary
			if s.DeletedPermanently != tc.deleted || s.AnonymizedPermanently != tc.anonymizedN || s.Deleted != 0 ||
				(tc.rejected != "" && s.Rejected[tc.rejected] != 1) {
				t.Errorf("summary deleted permanently %d, anonymized %d, deleted %d, rejected %v", s.DeletedPermanently, s.AnonymizedPermanently, s.Deleted, s.Rejected)
			}
			if tc.stat != "" && destStat(r.states[0], tc.stat) != 1 {
				t.Errorf("destinationStats %v lack %s", r.states[0]["destinationStats"], tc.stat)
			}
		})
	}
}

// TestMergedThenDeleted: a merged contact deleted before the next sync takes the profiles keyed
// by the ids merged into it along (by those ids alone).
func TestMergedThenDeleted(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, record string
		edit         func(map[string]any)
	}{
		{"archived", recordLine("contacts", `{"id":"113","hs_object_id":113,"email":"a@x.com","archived":true,"hs_merged_object_ids":"111;112"}`), modes(DeletionDeleteProfile, "")},
		{"deleted permanently", erased(113, "111;112"), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := sharedFake(t)
			cfg := baseConfig(srv.URL, tc.edit)
			mustRun(t, cfg, hs(111, "a@x.com", ""), hs(112, "b@x.com", ""), hs(114, "c@x.com", ""))
			r := mustRun(t, cfg, tc.record)
			if got := srv.HeldValues("uuid"); strings.Join(got, ",") != "114" {
				t.Errorf("profiles left %v, want only 114", got)
			}
			if r.summary.MergedAwayRemoved != 2 {
				t.Errorf("merged-away profiles removed %d, want 2", r.summary.MergedAwayRemoved)
			}
		})
	}
}

// TestDeleteModesNeedTheContactID: without an identifier mapped from the contact id no delete
// can be kept off a live contact's profile: check fails for a delete mode that is set, and a
// permanently deleted record under the default mode stops the run before anything is sent for
// it, holding it back.
func TestDeleteModesNeedTheContactID(t *testing.T) {
	t.Parallel()
	srv := sharedFake(t)
	emailOnly := func(c map[string]any) {
		c["identifier_mappings"] = []any{map[string]any{"identifier": "email", "source_field": "email"}}
	}
	for _, edit := range []func(map[string]any){
		func(c map[string]any) { emailOnly(c); modes(DeletionDeleteProfile, "")(c) },
		func(c map[string]any) { emailOnly(c); modes(DeletionAnonymize, "")(c) },
		func(c map[string]any) { emailOnly(c); c["permanent_deletion_mode"] = DeletionDeleteProfile },
	} {
		r := runCmd(t, "check", baseConfig(srv.URL, edit), nil)
		status, msg := connectionStatus(t, r)
		if status != "FAILED" || !strings.Contains(msg, `needs a uuid or custom identifier mapped from hs_object_id or id`) ||
			!strings.Contains(msg, `"source_field": "hs_object_id"`) {
			t.Errorf("check %s: %s", status, msg)
		}
	}
	cfg := baseConfig(srv.URL, emailOnly)
	if status, msg := connectionStatus(t, runCmd(t, "check", cfg, nil)); status != "SUCCEEDED" {
		t.Fatalf("check of the default modes without an id mapping: %s %s", status, msg)
	}
	mustRun(t, cfg, hs(101, "a@x.com", ""))
	before := srv.RequestCount(fakeinsider.EndpointAny)
	r := runCmd(t, "write", cfg, []string{erased(101, ""), stateLine("contacts", 1)})
	if r.code == 0 || len(r.states) != 0 || len(r.traces) == 0 || !strings.Contains(fmt.Sprint(r.traces), "config_error") ||
		!strings.Contains(fmt.Sprint(r.traces), "permanent_deletion_mode") {
		t.Errorf("exit %d, %d states, traces %v: want a config_error naming permanent_deletion_mode and no state", r.code, len(r.states), r.traces)
	}
	if srv.RequestCount(fakeinsider.EndpointDelete)+srv.RequestCount(fakeinsider.EndpointAnonymize) != 0 || srv.ProfileCount() != 1 {
		t.Errorf("%d requests after the first run, %d profiles: nothing is deleted", srv.RequestCount(fakeinsider.EndpointAny)-before, srv.ProfileCount())
	}
}

// TestDryRunCountsTheMirrorCalls: a dry run sends nothing and counts the identity changes,
// permanent deletions and clears a real run would make, logging them masked.
func TestDryRunCountsTheMirrorCalls(t *testing.T) {
	t.Parallel()
	srv := sharedFake(t)
	cfg := baseConfig(srv.URL, func(c map[string]any) { c["dry_run"] = true; clearing(c) })
	r := runCmd(t, "write", cfg, []string{
		changed(101, "new.person@x.com", "", `{"email":"old.person@x.com"}`),
		erased(102, "103"),
		hs(104, "d@x.com", `"lifecyclestage":null`),
	})
	if r.code != 0 || srv.RequestCount(fakeinsider.EndpointAny) != 0 {
		t.Fatalf("exit %d, %d requests: a dry run sends nothing", r.code, srv.RequestCount(fakeinsider.EndpointAny))
	}
	s := r.summary
	if s.Rekeyed != 1 || s.DeletedPermanently != 1 || s.MergedAwayRemoved != 1 || s.Cleared != 1 {
		t.Errorf("summary re-keyed %d, deleted permanently %d, merged away %d, cleared %d; want 1 each", s.Rekeyed, s.DeletedPermanently, s.MergedAwayRemoved, s.Cleared)
	}
	all := strings.Join(r.logs, "\n")
	if !strings.Contains(all, "would re-key email") || !strings.Contains(all, "permanently deleted contact 102 would delete") {
		t.Errorf("dry run logs lack the calls:\n%s", all)
	}
	if strings.Contains(all, "old.person") || strings.Contains(all, "new.person") {
		t.Errorf("dry run logs show personal data:\n%s", all)
	}
}

// TestDeleteWhoseProfileReadFailsIsHeldBack: once a contact of the run claimed an email, a
// delete first reads the profile it deletes, to hand the values it frees to their claimants; a
// read that fails for good (5xx past the retries) holds the deleted contact's record back and
// deletes nothing, so that a rerun deletes it and hands the email over.
func TestDeleteWhoseProfileReadFailsIsHeldBack(t *testing.T) {
	t.Parallel()
	srv := newInsider(t, fakeinsider.Options{})
	cfg := baseConfig(srv.URL, modes(DeletionDeleteProfile, ""))
	mustRun(t, cfg, hs(101, "a@x.com", ""))
	srv.FailNext(fakeinsider.EndpointProfile, 100, http.StatusServiceUnavailable)
	r := runCmd(t, "write", cfg, []string{hs(103, "a@x.com", ""), stateLine("contacts", 1), archived(101, "a@x.com"), stateLine("contacts", 2)},
		WithMaxAttempts(2))
	if r.code == 0 || len(r.traces) == 0 || r.summary.HeldBack != 1 || len(r.states) != 1 {
		t.Fatalf("exit %d, %d states, held back %d: want a failed run that echoes only the state before the delete", r.code, len(r.states), r.summary.HeldBack)
	}
	if _, ok := srv.FindByUUID("101"); !ok || srv.RequestCount(fakeinsider.EndpointDelete) != 0 || r.summary.Deleted != 0 {
		t.Errorf("101 present %v, %d deletes, deleted %d: want no delete after a failed read", ok, srv.RequestCount(fakeinsider.EndpointDelete), r.summary.Deleted)
	}
	srv.ClearFaults()
	r = mustRun(t, cfg, hs(103, "a@x.com", ""), archived(101, "a@x.com"))
	if p, ok := srv.FindByUUID("103"); !ok || p.Identifiers.Email != "a@x.com" || r.summary.Reclaimed != 1 {
		t.Errorf("after the rerun 103 = %+v (found %v), upserted again %d: want it with the freed email", p.Identifiers, ok, r.summary.Reclaimed)
	}
}
