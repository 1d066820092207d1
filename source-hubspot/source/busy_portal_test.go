package source

import (
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/datagen"
	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// latestValues folds the records of runs, in order, into each contact's last delivered
// firstname (null as "").
func latestValues(t *testing.T, runs ...*result) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, r := range runs {
		for _, rec := range r.records("contacts") {
			var v struct {
				ID        string  `json:"id"`
				FirstName *string `json:"firstname"`
			}
			if err := json.Unmarshal(rec, &v); err != nil {
				t.Fatal(err)
			}
			out[v.ID] = ""
			if v.FirstName != nil {
				out[v.ID] = *v.FirstName
			}
		}
	}
	return out
}

// checkLatest fails unless every live contact of the fake was delivered with its current
// firstname.
func checkLatest(t *testing.T, srv *fakehubspot.Server, got map[string]string) {
	t.Helper()
	missing, stale := 0, 0
	for _, id := range srv.ContactIDs() {
		c, _ := srv.Contact(id)
		v, ok := got[strconv.FormatInt(id, 10)]
		switch {
		case !ok:
			missing++
			if missing <= 3 {
				t.Errorf("contact %d was never delivered", id)
			}
		case v != c.Properties["firstname"]:
			stale++
			if stale <= 3 {
				t.Errorf("contact %d delivered with firstname %q, HubSpot holds %q", id, v, c.Properties["firstname"])
			}
		}
	}
	if missing+stale > 0 {
		t.Fatalf("%d of %d contacts missing, %d with old values", missing, srv.ContactCount(), stale)
	}
}

// TestBusyPortalLosesNoContact: while a window is read, contacts it already delivered are
// modified after every page (their lastmodifieddate moves past the window end, so they leave
// the window HubSpot evaluates each page against). Every contact is still delivered by that run,
// and the next run, started from its state, delivers the modified ones with their new values.
func TestBusyPortalLosesNoContact(t *testing.T) {
	for _, conc := range []int{1, 3} {
		t.Run(fmt.Sprintf("concurrency %d", conc), func(t *testing.T) {
			t.Parallel()
			e, srv := sharedEnv(t, fakehubspot.Options{})
			e.opts = append(e.opts, WithSearchConcurrency(conc))
			// A start date makes the first run a search window (a run from the beginning is a
			// backfill, which no date filter can lose contacts from: backfill_test.go).
			e.cfg["start_date"] = stream.FormatTime(t0.Add(-31 * 24 * time.Hour))
			srv.AddContacts(datagen.Contacts(datagen.Options{Seed: 11, Count: 3000,
				Start: t0.Add(-30 * 24 * time.Hour), End: t0.Add(-time.Hour)})...)
			cat := e.catalog(protocol.SyncModeIncremental, "contacts")

			// Each page, 25 of the contacts just delivered change, stamped with the clock (after
			// the window end, which is the clock minus the index lag).
			srv.SetChurn(fakehubspot.Churn{PerPage: 25})
			first := e.read(cat, nil)
			if first.code != 0 {
				t.Fatalf("first run exit %d: %v", first.code, first.traceErrors())
			}
			mods, churned := srv.Churned()
			if mods < 300 {
				t.Fatalf("only %d modifications during the run; the test needs a busy portal", mods)
			}
			// Every contact not modified during the run was delivered by it (a modified one may
			// have left the window before its page: the next run has it).
			seen := map[string]bool{}
			for _, id := range ids(t, first.records("contacts")) {
				seen[id] = true
			}
			for _, id := range churned {
				seen[strconv.FormatInt(id, 10)] = true
			}
			lost := 0
			for _, id := range srv.ContactIDs() {
				if !seen[strconv.FormatInt(id, 10)] {
					lost++
				}
			}
			if lost > 0 {
				t.Errorf("the run modified %d contacts while reading and skipped %d untouched ones", len(churned), lost)
			}

			// The next run (the changes are now older than the index lag) gets the new values.
			srv.SetChurn(fakehubspot.Churn{})
			e.clk.Add(10 * time.Minute)
			second := e.read(cat, []byte(statesOf(first)))
			if second.code != 0 {
				t.Fatalf("second run exit %d: %v", second.code, second.traceErrors())
			}
			checkLatest(t, srv, latestValues(t, first, second))
			if n := len(second.records("contacts")); n > len(churned)+200 {
				t.Errorf("second run read %d records for %d changed contacts", n, len(churned))
			}
		})
	}
}
