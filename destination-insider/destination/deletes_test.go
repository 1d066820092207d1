package destination

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/destination-insider/mapping"
	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

func sharedFake(t *testing.T) *fakeinsider.Server {
	t.Helper()
	srv := fakeinsider.New(fakeinsider.Options{PartnerName: "mybrand", APIKey: "secret-key",
		Clock: func() time.Time { return time.Date(2026, 1, 5, 3, 4, 5, 0, time.UTC) }}) // the test events are days old
	t.Cleanup(srv.Close)
	return srv
}

// hs is a contacts record whose id is its hs_object_id, as HubSpot sends them; extra is more
// JSON members (e.g. `"archived":true`).
func hs(id int, email, extra string) string {
	if extra != "" {
		extra = "," + extra
	}
	return recordLine("contacts", fmt.Sprintf(`{"id":"%d","hs_object_id":%d,"email":%q,"firstname":"N%d","archived":false%s}`, id, id, email, id, extra))
}

func archived(id int, email string) string {
	return recordLine("contacts", fmt.Sprintf(`{"id":"%d","hs_object_id":%d,"email":%q,"firstname":"N%d","archived":true,"archivedAt":"2026-01-02T00:00:00.000Z"}`, id, id, email, id))
}

func modes(deletion, merge string) func(map[string]any) {
	return func(c map[string]any) {
		if deletion != "" {
			c["deletion_mode"] = deletion
		}
		if merge != "" {
			c["merge_mode"] = merge
		}
	}
}

func mustRun(t *testing.T, cfg map[string]any, in ...string) cmdResult {
	t.Helper()
	r := runCmd(t, "write", cfg, append(in, stateLine("contacts", 1)))
	if r.code != 0 || len(r.states) != 1 {
		t.Fatalf("exit %d, %d states, traces %v", r.code, len(r.states), r.traces)
	}
	return r
}

func TestArchivedRecordsAreSkippedByDefault(t *testing.T) {
	t.Parallel()
	srv := sharedFake(t)
	cfg := baseConfig(srv.URL, nil)
	mustRun(t, cfg, hs(101, "a@x.com", ""), hs(102, "b@x.com", ""))
	r := mustRun(t, cfg, archived(102, "b@x.com"))
	if _, _, committed, rejected := stateInfo(r.states[0]); committed != 0 || rejected != 1 {
		t.Errorf("state counts %d committed, %d rejected; want 0 and 1", committed, rejected)
	}
	if r.summary.Rejected[settle.ReasonArchived] != 1 || srv.ProfileCount() != 2 || srv.RequestCount(fakeinsider.EndpointDelete) != 0 {
		t.Errorf("rejected %v, %d profiles, %d deletes: want the archived record skipped and nothing deleted",
			r.summary.Rejected, srv.ProfileCount(), srv.RequestCount(fakeinsider.EndpointDelete))
	}
	if srv.UsersReceived() != 2 {
		t.Errorf("%d users upserted, want the 2 live ones only", srv.UsersReceived())
	}
}

func TestDeleteProfileFollowsRecordOrder(t *testing.T) {
	t.Parallel()
	srv := sharedFake(t)
	cfg := baseConfig(srv.URL, modes(DeletionDeleteProfile, ""))
	// 1: deleted. 2: deleted, then restored in the same run (recreated). 3: upserted and then
	// deleted in the same run (the delete waits for the upsert). 4: untouched.
	mustRun(t, cfg, hs(101, "a@x.com", ""), hs(102, "b@x.com", ""), hs(104, "d@x.com", ""))
	r := mustRun(t, cfg, archived(101, "a@x.com"), archived(102, "b@x.com"), hs(102, "b@x.com", ""), hs(103, "c@x.com", ""), archived(103, "c@x.com"))
	for uuid, want := range map[string]bool{"101": false, "102": true, "103": false, "104": true} {
		if _, ok := srv.FindByUUID(uuid); ok != want {
			t.Errorf("profile %s present %v, want %v", uuid, ok, want)
		}
	}
	if _, _, committed, rejected := stateInfo(r.states[0]); committed != 5 || rejected != 0 {
		t.Errorf("state counts %d committed, %d rejected; want 5 and 0", committed, rejected)
	}
	if r.summary.Deleted != 3 {
		t.Errorf("summary deleted %d, want 3", r.summary.Deleted)
	}
}

func TestAnonymize(t *testing.T) {
	t.Parallel()
	srv := sharedFake(t)
	cfg := baseConfig(srv.URL, modes(DeletionAnonymize, ""))
	mustRun(t, cfg, hs(101, "a@x.com", ""))
	r := mustRun(t, cfg, archived(101, "a@x.com"), archived(109, "nobody@x.com"))
	p, ok := srv.FindByUUID("101")
	if !ok || !p.Anonymized || p.Identifiers.Email != "" {
		t.Errorf("profile 1 = %+v, want it anonymized", p)
	}
	if _, _, committed, rejected := stateInfo(r.states[0]); committed != 1 || rejected != 1 || r.summary.Rejected[settle.ReasonNoSuchUser] != 1 {
		t.Errorf("committed %d rejected %d (%v); want the unknown contact rejected as no_such_user", committed, rejected, r.summary.Rejected)
	}
}

func TestMergeLeavesOneProfileWithTheSurvivorsID(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		merged string
		gone   []string
		keep   string
	}{
		// HubSpot now: a new contact 113 for 111 and 112.
		{"new id", hs(113, "a@x.com", `"hs_merged_object_ids":"111;112"`), []string{"111", "112"}, "113"},
		// HubSpot before: 111 keeps its id and absorbs 112.
		{"survivor keeps its id", hs(111, "a@x.com", `"hs_merged_object_ids":"112"`), []string{"112"}, "111"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := sharedFake(t)
			cfg := baseConfig(srv.URL, modes("", MergeUpdateIdentity))
			mustRun(t, cfg, hs(111, "a@x.com", ""), hs(112, "b@x.com", ""), hs(114, "z@x.com", ""))
			for run := range 2 { // the second run replays the record: nothing more changes
				mustRun(t, cfg, tc.merged)
				for _, g := range tc.gone {
					if _, ok := srv.FindByUUID(g); ok {
						t.Errorf("run %d: a profile is still keyed by merged-away id %s", run, g)
					}
				}
				p, ok := srv.FindByUUID(tc.keep)
				if !ok || p.Identifiers.Email != "a@x.com" || srv.ProfileCount() != 2 {
					t.Errorf("run %d: survivor %+v, %d profiles; want one profile for %s besides 114", run, p, srv.ProfileCount(), tc.keep)
				}
			}
		})
	}
}

func TestMergeCallFailureHoldsTheRecordBack(t *testing.T) {
	t.Parallel()
	srv := sharedFake(t)
	cfg := baseConfig(srv.URL, modes("", MergeUpdateIdentity))
	mustRun(t, cfg, hs(111, "a@x.com", ""))
	srv.FailNext(fakeinsider.EndpointIdentity, 10, 503)
	r := runCmd(t, "write", cfg, []string{hs(113, "a@x.com", `"hs_merged_object_ids":"111"`), stateLine("contacts", 1)})
	if r.code == 0 || len(r.states) != 0 || len(r.traces) == 0 {
		t.Fatalf("exit %d, %d states: want a failed run that echoes no state", r.code, len(r.states))
	}
	if _, ok := srv.FindByUUID("113"); ok {
		t.Error("the merged contact was upserted although its identity change failed")
	}
	srv.ClearFaults()
	mustRun(t, cfg, hs(113, "a@x.com", `"hs_merged_object_ids":"111"`))
	if _, ok := srv.FindByUUID("111"); ok {
		t.Error("the rerun left the merged-away profile")
	}
}

func TestDryRunShowsDeletesAndMergesMasked(t *testing.T) {
	t.Parallel()
	srv := sharedFake(t)
	cfg := baseConfig(srv.URL, func(c map[string]any) {
		modes(DeletionDeleteProfile, MergeUpdateIdentity)(c)
		c["dry_run"] = true
	})
	r := runCmd(t, "write", cfg, []string{archived(101, "secret.person@x.com"), hs(113, "other.person@x.com", `"hs_merged_object_ids":"111;112"`)})
	if r.code != 0 || srv.RequestCount(fakeinsider.EndpointAny) != 0 {
		t.Fatalf("exit %d, %d requests: a dry run sends nothing", r.code, srv.RequestCount(fakeinsider.EndpointAny))
	}
	all := strings.Join(r.logs, "\n")
	if !strings.Contains(all, "would delete") || !strings.Contains(all, "would re-key the profiles of 2 merged-away contacts") {
		t.Errorf("dry run logs do not show the delete and the re-key:\n%s", all)
	}
	if strings.Contains(all, "secret.person") || strings.Contains(all, "other.person") {
		t.Errorf("dry run logs show personal data:\n%s", all)
	}
	if r.summary.Deleted != 1 || r.summary.MergedRecords != 1 {
		t.Errorf("summary deleted %d merged %d, want 1 and 1", r.summary.Deleted, r.summary.MergedRecords)
	}
}

func TestDeleteAndMergeModesAreValidated(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		edit func(map[string]any)
		want string
	}{
		{modes("purge", ""), `deletion_mode "purge" is not one of ignore, delete_profile, anonymize`},
		{modes("", "rekey"), `merge_mode "rekey" is not one of ignore, update_identity`},
		{func(c map[string]any) {
			c["merge_mode"] = MergeUpdateIdentity
			c["identifier_mappings"] = []any{map[string]any{"identifier": "email", "source_field": "email"}}
		}, "merge_mode update_identity needs a uuid or custom identifier mapped from hs_object_id or id"},
	} {
		_, err := ParseConfig(mustJSON(t, baseConfig("http://127.0.0.1:1", tc.edit)))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Insider refusing an identity change or the delete of a merged-away profile is counted and
// logged, and the merge goes on: the merged contact is still upserted and its state echoed.
func TestMergeRefusalIsCountedAndTheMergeGoesOn(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name            string
		before          []string
		refuse          fakeinsider.Endpoint
		merged          string
		log             string
		identityChanges int64
	}{
		{"identity change", []string{hs(111, "a@x.com", "")}, fakeinsider.EndpointIdentity,
			hs(113, "a@x.com", `"hs_merged_object_ids":"111"`), `Insider refused to re-key a merged-away profile detail="insider PATCH /api/user/v1/identity: HTTP 400: ***" identifier=uuid key=113`, 0},
		{"delete", []string{hs(111, "a@x.com", ""), hs(112, "b@x.com", "")}, fakeinsider.EndpointDelete,
			hs(113, "a@x.com", `"hs_merged_object_ids":"111;112"`), `Insider refused to delete a merged-away profile detail="insider POST /api/user/v1/delete: HTTP 400: ***" key=113`, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := sharedFake(t)
			cfg := baseConfig(srv.URL, modes("", MergeUpdateIdentity))
			mustRun(t, cfg, tc.before...)
			srv.FailNext(tc.refuse, 1, 400)
			r := mustRun(t, cfg, tc.merged)
			if s := r.summary; s.MergeRefused != 1 || s.IdentityChanges != tc.identityChanges || s.MergedDeleted != 0 ||
				s.MergedRecords != 1 || s.UsersUpserted != 1 {
				t.Errorf("summary %+v: want 1 refused, %d identity changes, no delete, the merged contact upserted", *s, tc.identityChanges)
			}
			if !slices.Contains(r.logs, tc.log) {
				t.Errorf("logs %q: want %q", r.logs, tc.log)
			}
		})
	}
}

// The merged-away contacts were upserted earlier in the same run: their batch is sent and
// done before the identity changes start.
func TestMergeInTheSameRunAsTheUpserts(t *testing.T) {
	t.Parallel()
	srv := sharedFake(t)
	cfg := baseConfig(srv.URL, modes("", MergeUpdateIdentity))
	r := mustRun(t, cfg, hs(111, "a@x.com", ""), hs(112, "b@x.com", ""), hs(113, "a@x.com", `"hs_merged_object_ids":"111;112"`))
	_, ok1 := srv.FindByUUID("111")
	_, ok2 := srv.FindByUUID("112")
	if p, ok := srv.FindByUUID("113"); !ok || ok1 || ok2 || srv.ProfileCount() != 1 || p.Identifiers.Email != "a@x.com" {
		t.Errorf("profiles %+v: want only 113", srv.Profiles())
	}
	if r.summary.IdentityChanges != 1 || r.summary.MergedDeleted != 1 || r.summary.MergedRecords != 1 {
		t.Errorf("summary %+v", *r.summary)
	}
}

// Archived contacts skipped on purpose are not bad data: they do not raise the reject alert.
func TestArchivedSkipsDoNotCountTowardTheRejectAlert(t *testing.T) {
	t.Parallel()
	s := settle.Summary{RecordsRead: 100, Rejected: map[string]int64{settle.ReasonArchived: 60, mapping.ReasonNoIdentifier: 2}, AlertRejectRatio: 0.05}
	if r := s.RejectRatio(); r != 2.0/40 {
		t.Errorf("reject ratio %v, want 2 of the 40 other records", r)
	}
	if got := alertTexts(s, nil); len(got) != 0 {
		t.Errorf("alerts %v for a run whose rejections are mostly archived contacts", got)
	}
}

// A delete answered by something other than Insider (an HTML 200) is not done: the archived
// record is held back, no state is echoed and the profile stays for the next run to delete.
func TestDeleteAnsweredByNonInsiderIsNotDone(t *testing.T) {
	t.Parallel()
	srv := sharedFake(t)
	cfg := baseConfig(srv.URL, modes(DeletionDeleteProfile, ""))
	mustRun(t, cfg, hs(101, "a@x.com", ""))
	srv.AnswerNext(fakeinsider.EndpointDelete, 10, fakeinsider.AnswerHTML)
	r := runCmd(t, "write", cfg, []string{archived(101, "a@x.com"), stateLine("contacts", 1)})
	if r.code == 0 || len(r.states) != 0 {
		t.Fatalf("exit %d, %d states: want a failed run that echoes no state", r.code, len(r.states))
	}
	if _, ok := srv.FindByUUID("101"); !ok {
		t.Fatal("the profile is gone although no delete reached Insider")
	}
	srv.ClearFaults()
	mustRun(t, cfg, archived(101, "a@x.com"))
	if _, ok := srv.FindByUUID("101"); ok {
		t.Error("the rerun did not delete the profile")
	}
}

// TestDeleteAnswered405IsHeldBack: a 405 from the delete endpoint says the endpoint is not
// there as configured, not that Insider refused this contact: the record is held back (the run
// fails and echoes no state) instead of being rejected with its state saved and its profile kept.
func TestDeleteAnswered405IsHeldBack(t *testing.T) {
	t.Parallel()
	srv := sharedFake(t)
	cfg := baseConfig(srv.URL, modes(DeletionDeleteProfile, ""))
	mustRun(t, cfg, hs(101, "a@x.com", ""))
	srv.FailNext(fakeinsider.EndpointDelete, 10, http.StatusMethodNotAllowed)
	r := runCmd(t, "write", cfg, []string{archived(101, "a@x.com"), stateLine("contacts", 1)})
	if r.code == 0 || len(r.states) != 0 || r.summary.Rejected[settle.ReasonInsider] != 0 {
		t.Fatalf("exit %d, %d states, rejected %v: want a failed run that echoes no state", r.code, len(r.states), r.summary.Rejected)
	}
	if _, ok := srv.FindByUUID("101"); !ok {
		t.Fatal("the profile is gone although no delete reached Insider")
	}
}

// TestArchivedRecordsCountNoDroppedValues: an archived contact is not mapped to a user, so its
// attribute values that could not be converted are not counted as dropped, and neither is an
// invalid identifier: its profile is found by its id alone, and a skipped record reads nothing.
func TestArchivedRecordsCountNoDroppedValues(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		mode       string
		droppedIDs int64
	}{{DeletionIgnore, 0}, {DeletionDeleteProfile, 0}} {
		t.Run(tc.mode, func(t *testing.T) {
			t.Parallel()
			srv := sharedFake(t)
			cfg := baseConfig(srv.URL, func(c map[string]any) {
				modes(tc.mode, "")(c)
				c["attribute_mappings"] = []any{map[string]any{"source_field": "age", "attribute": "age"}}
			})
			rec := recordLine("contacts", `{"id":"101","hs_object_id":101,"email":"not-an-email","age":"forty","archived":true}`)
			r := mustRun(t, cfg, rec)
			if r.summary.DroppedValues != 0 || len(r.summary.DroppedBy) != 0 || r.summary.DroppedIDs != tc.droppedIDs {
				t.Errorf("dropped values %d (%v), identifiers %d; want no value and %d identifiers",
					r.summary.DroppedValues, r.summary.DroppedBy, r.summary.DroppedIDs, tc.droppedIDs)
			}
		})
	}
}
