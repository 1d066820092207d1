package destination

import (
	"net/http"
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/destination-insider/mapping"
	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

// seedMapped upserts users with these emails into f through a data-activation append_dedup
// stream, as profiles Insider had before the run under test, and forgets the requests.
func seedMapped(t *testing.T, f insiderFake, emails ...string) {
	t.Helper()
	cfg := baseConfig(f.URL, func(c map[string]any) { c["identifier_mappings"] = []any{} })
	lines := make([]string, 0, len(emails)+1)
	for _, e := range emails {
		lines = append(lines, recordLine("seed", `{"email":"`+e+`","name":"Known"}`))
	}
	r := runCmdCatalog(t, "write", cfg, mappedCatalog(mappedStream("seed", "user", "append_dedup", `[["email"]]`)), append(lines, stateLine("seed", 1)))
	if r.code != 0 || f.ProfileCount() != len(emails) {
		t.Fatalf("seeding: exit %d, %d profiles, traces %v", r.code, f.ProfileCount(), r.traces)
	}
	f.ResetStats()
}

// TestMappedUpdateStreamTouchesOnlyKnownProfiles: a stream mapped onto user with the update
// operation upserts the users Insider has and skips, counted as not_in_insider, those it does
// not, creating nothing, while update_only is off; an append_dedup stream of the same run still
// creates its users, unlooked-up.
func TestMappedUpdateStreamTouchesOnlyKnownProfiles(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	seedMapped(t, f, "known@example.com")
	cfg := baseConfig(f.URL, func(c map[string]any) { c["identifier_mappings"] = []any{} })
	cat := mappedCatalog(mappedStream("people", "user", "update", `[["email"]]`), mappedStream("leads", "user", "append_dedup", `[["email"]]`))
	r := runCmdCatalog(t, "write", cfg, cat, []string{
		recordLine("people", `{"email":"Known@example.com","name":"Anna"}`),
		recordLine("people", `{"email":"stranger@example.com","name":"Bob"}`),
		recordLine("people", `{"name":"No Key"}`),
		recordLine("leads", `{"email":"lead@example.com","name":"Lea"}`),
		stateLine("people", 1), stateLine("leads", 1),
	})
	if r.code != 0 || len(r.states) != 2 {
		t.Fatalf("exit %d, %d states, traces %v", r.code, len(r.states), r.traces)
	}
	if p, ok := f.FindByEmail("known@example.com"); !ok || p.Attributes["name"] != "Anna" {
		t.Errorf("known user not updated: %+v", p)
	}
	if _, ok := f.FindByEmail("stranger@example.com"); ok {
		t.Error("the update stream created a profile Insider did not have")
	}
	if p, ok := f.FindByEmail("lead@example.com"); !ok || p.Attributes["name"] != "Lea" || f.ProfileCount() != 2 {
		t.Errorf("the append_dedup stream's user: %+v, %d profiles; want it created beside the known one", p, f.ProfileCount())
	}
	want := map[string][2]int{"people": {1, 2}, "leads": {1, 0}}
	for _, s := range r.states {
		stream, _, committed, rejected := stateInfo(s)
		if w := want[stream]; committed != w[0] || rejected != w[1] {
			t.Errorf("%s state: committed %d rejected %d, want %d and %d", stream, committed, rejected, w[0], w[1])
		}
	}
	if r.summary.Rejected[settle.ReasonNotInInsider] != 1 || r.summary.Rejected[mapping.ReasonNoIdentifier] != 1 {
		t.Errorf("rejected %v, want one not_in_insider and one no_identifier", r.summary.Rejected)
	}
	if n := f.RequestCount(fakeinsider.EndpointProfile); n != 2 || r.summary.ProfileLookups != 2 {
		t.Errorf("%d profile lookups (summary %d), want 2: the update stream's users only", n, r.summary.ProfileLookups)
	}
}

// TestMappedUpdateLookupFailureHoldsTheBatchBack: a lookup of an update stream's user that
// fails for good (429 past the retries) holds the batch back, the append_dedup user beside it
// included, as a failed upsert does: nothing is upserted and no state is echoed.
func TestMappedUpdateLookupFailureHoldsTheBatchBack(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	seedMapped(t, f, "known@example.com")
	cfg := baseConfig(f.URL, func(c map[string]any) { c["identifier_mappings"] = []any{} })
	cat := mappedCatalog(mappedStream("people", "user", "update", `[["email"]]`), mappedStream("leads", "user", "append_dedup", `[["email"]]`))
	f.FailNext(fakeinsider.EndpointProfile, 100, http.StatusTooManyRequests)
	r := runCmdCatalog(t, "write", cfg, cat, []string{
		recordLine("people", `{"email":"known@example.com","name":"Anna"}`),
		recordLine("leads", `{"email":"lead@example.com","name":"Lea"}`),
		stateLine("people", 1), stateLine("leads", 1),
	}, WithMaxAttempts(2))
	if r.code == 0 || len(r.traces) == 0 || len(r.states) != 0 || r.summary.HeldBack != 2 {
		t.Fatalf("exit %d, %d states, held back %d, traces %v: want a failed run holding both records back", r.code, len(r.states), r.summary.HeldBack, r.traces)
	}
	if n := f.RequestCount(fakeinsider.EndpointUpsert); n != 0 {
		t.Errorf("%d upserts after a failed lookup", n)
	}
	if p, _ := f.FindByEmail("known@example.com"); p.Attributes["name"] != "Known" || f.ProfileCount() != 1 {
		t.Errorf("known user %+v, %d profiles: want nothing changed", p, f.ProfileCount())
	}
}

// softDeleteCatalog maps stream gone onto user with the soft_delete operation, matched on email.
var softDeleteCatalog = mappedCatalog(mappedStream("gone", "user", "soft_delete", `[["email"]]`))

// softDeleteInput is a soft_delete stream's input: a known user (with a field that is not
// sent), one Insider does not have, one without its matching key, one with an invalid email.
var softDeleteInput = []string{
	recordLine("gone", `{"email":"A@example.com","name":"ignored"}`),
	recordLine("gone", `{"email":"nobody@example.com"}`),
	recordLine("gone", `{"name":"No Key"}`),
	recordLine("gone", `{"email":"not-an-email"}`),
	stateLine("gone", 1),
}

// TestMappedSoftDeleteStream: a record of a soft_delete stream deletes the profile its matching
// key finds, also under deletion_mode ignore (the default), or anonymizes it under anonymize;
// another profile is untouched, nothing is upserted; Insider having no such user is nothing to
// do (committed); a record without a valid key value is rejected with its reason.
func TestMappedSoftDeleteStream(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"", DeletionDeleteProfile, DeletionAnonymize} {
		t.Run("deletion_mode="+mode, func(t *testing.T) {
			t.Parallel()
			f := newInsider(t, fakeinsider.Options{})
			seedMapped(t, f, "a@example.com", "b@example.com")
			cfg := baseConfig(f.URL, func(c map[string]any) {
				c["identifier_mappings"] = []any{}
				if mode != "" {
					c["deletion_mode"] = mode
				}
			})
			r := runCmdCatalog(t, "write", cfg, softDeleteCatalog, softDeleteInput)
			if r.code != 0 || len(r.states) != 1 {
				t.Fatalf("exit %d, %d states, traces %v", r.code, len(r.states), r.traces)
			}
			p, found := f.FindByEmail("a@example.com")
			if mode == DeletionAnonymize {
				found = !p.Anonymized
			}
			if found {
				t.Errorf("the matched profile is still there: %+v", p)
			}
			if p, ok := f.FindByEmail("b@example.com"); !ok || p.Anonymized || p.Attributes["name"] != "Known" {
				t.Errorf("another profile was touched: %+v", p)
			}
			if n := f.RequestCount(fakeinsider.EndpointUpsert); n != 0 {
				t.Errorf("%d upserts: a soft_delete record upserts nothing", n)
			}
			if _, _, committed, rejected := stateInfo(r.states[0]); committed != 2 || rejected != 2 {
				t.Errorf("state: committed %d rejected %d, want the known and the unknown user committed, two rejected", committed, rejected)
			}
			if r.summary.Rejected[mapping.ReasonNoIdentifier] != 1 || r.summary.Rejected[mapping.ReasonInvalidIdentifier] != 1 {
				t.Errorf("rejected %v, want one no_identifier and one invalid_identifier", r.summary.Rejected)
			}
			if !slices0(r.logs, "no value for its matching key email") {
				t.Errorf("no log line says the record lacks its matching key: %q", r.logs)
			}
			removed := r.summary.Deleted
			if mode == DeletionAnonymize {
				// Insider answers 404 no such user to an anonymize of a user it does not have.
				removed = r.summary.Anonymized
				if r.summary.SoftDeleteNoProfile != 1 || !slices0(r.logs, "soft_deletes_without_profile=1") {
					t.Errorf("soft_deletes_without_profile %d, want the unknown user counted as nothing to do", r.summary.SoftDeleteNoProfile)
				}
			}
			if removed < 1 {
				t.Errorf("summary: deleted %d, anonymized %d", r.summary.Deleted, r.summary.Anonymized)
			}
		})
	}
}

// TestMappedSoftDeleteNoSuchUserIsNothingToDo: Insider answering "no such user" to a delete is
// nothing to do: the record is committed and counted, not rejected.
func TestMappedSoftDeleteNoSuchUserIsNothingToDo(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	cfg := baseConfig(f.URL, func(c map[string]any) { c["identifier_mappings"] = []any{} })
	f.AnswerNext(fakeinsider.EndpointDelete, 1, fakeinsider.Answer{Status: 404, ContentType: "application/json",
		Body: `{"error":"no such user for these identifiers: no data"}`})
	r := runCmdCatalog(t, "write", cfg, softDeleteCatalog, []string{softDeleteInput[0], stateLine("gone", 1)})
	if r.code != 0 || len(r.states) != 1 {
		t.Fatalf("exit %d, %d states, traces %v", r.code, len(r.states), r.traces)
	}
	if _, _, committed, rejected := stateInfo(r.states[0]); committed != 1 || rejected != 0 {
		t.Errorf("state: committed %d rejected %d, want the record committed", committed, rejected)
	}
	if r.summary.SoftDeleteNoProfile != 1 || r.summary.Deleted != 0 || r.summary.RejectedRecords() != 0 {
		t.Errorf("summary: %d without profile, %d deleted, rejected %v", r.summary.SoftDeleteNoProfile, r.summary.Deleted, r.summary.Rejected)
	}
}

// TestMappedSoftDeleteFailureHoldsTheRecordBack: a delete that fails for good holds its record
// back: the state after it is not echoed and the run fails, so the next run deletes again.
func TestMappedSoftDeleteFailureHoldsTheRecordBack(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	seedMapped(t, f, "a@example.com")
	cfg := baseConfig(f.URL, func(c map[string]any) { c["identifier_mappings"] = []any{} })
	f.FailNext(fakeinsider.EndpointDelete, 100, 503)
	r := runCmdCatalog(t, "write", cfg, softDeleteCatalog, []string{softDeleteInput[0], stateLine("gone", 1)}, WithMaxAttempts(2))
	if r.code == 0 || len(r.states) != 0 || r.summary.HeldBack != 1 {
		t.Fatalf("exit %d, %d states, held back %d", r.code, len(r.states), r.summary.HeldBack)
	}
	if _, ok := f.FindByEmail("a@example.com"); !ok {
		t.Error("the profile is gone although every delete failed")
	}
}

// TestMappedSoftDeleteDryRun: a dry run of a soft_delete stream sends nothing and reports what it
// would delete, masked.
func TestMappedSoftDeleteDryRun(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	seedMapped(t, f, "a@example.com")
	cfg := baseConfig(f.URL, func(c map[string]any) {
		c["identifier_mappings"] = []any{}
		c["dry_run"] = true
	})
	r := runCmdCatalog(t, "write", cfg, softDeleteCatalog, softDeleteInput)
	if r.code != 0 {
		t.Fatalf("exit %d, traces %v", r.code, r.traces)
	}
	if n := len(f.Requests()); n != 0 || f.ProfileCount() != 1 {
		t.Errorf("a dry run sent %d requests; %d profiles left", n, f.ProfileCount())
	}
	if r.summary.Deleted != 2 || !slices0(r.logs, "would delete (POST /api/user/v1/delete") || !slices0(r.logs, `{"identifiers":{"email":"***"}}`) {
		t.Errorf("deleted %d (want the 2 users with a valid key counted); logs %q", r.summary.Deleted, r.logs)
	}
	for _, l := range r.logs {
		if strings.Contains(l, "a@example.com") {
			t.Errorf("a log line holds an identifier value: %s", l)
		}
	}
}
