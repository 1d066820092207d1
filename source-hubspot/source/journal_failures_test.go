package source

import (
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/protocol"
)

// journalWithDeletions is journalEnv after a first sync, with contacts 1 to n deleted
// permanently since, one journal entry each; it returns the first sync's last STATE.
func journalWithDeletions(t *testing.T, n int64) (*env, *protocol.ConfiguredCatalog, []byte) {
	t.Helper()
	e := journalEnv(t, nil)
	e.fake.addContacts(1, int(n)+10, t0.Add(-48*time.Hour))
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	st := mustRead(t, e, cat, nil).lastState(t, "contacts")
	for id := int64(1); id <= n; id++ {
		e.fake.must(e.fake.PermanentlyDeleteContact(id, t0.Add(10*time.Minute+time.Duration(id)*time.Second)))
	}
	e.clk.Set(t0.Add(time.Hour))
	return e, cat, st
}

// Rate limits, server errors and dropped connections on the journal's reads and downloads are
// waited out like any other call's: every deletion is delivered once.
func TestPermanentDeletionsRetryTheJournal(t *testing.T) {
	e, cat, st := journalWithDeletions(t, 30)
	f := e.fake
	f.RateLimitNext(fakehubspot.EndpointJournal, 1)
	f.FailNext(fakehubspot.EndpointJournal, 1, 503)
	f.FailNext(fakehubspot.EndpointJournalFile, 2, 500)
	f.DropNext(fakehubspot.EndpointJournalFile, 1)
	res := mustRead(t, e, cat, st)
	if got := permanentRecords(t, res); len(got) != 30 {
		t.Errorf("deleted permanently: %d records, want 30", len(got))
	}
	events := f.JournalEvents()
	if off := journalOffset(t, res.lastState(t, "contacts")); off != events[len(events)-1].Offset {
		t.Errorf("journal_offset %q, want the newest entry's %q", off, events[len(events)-1].Offset)
	}
}

// A journal HubSpot keeps failing fails the run with a TRACE error; no STATE moves the journal
// position past a deletion not delivered, so the next run delivers them all.
func TestPermanentDeletionsJournalFailureLosesNothing(t *testing.T) {
	e, cat, st := journalWithDeletions(t, 30)
	f := e.fake
	f.FailNext(fakehubspot.EndpointJournalFile, 1000, 500)
	res := e.read(cat, st)
	if res.code == 0 || len(res.traceErrors()) == 0 {
		t.Fatalf("exit %d with TRACE errors %v; want a failed run", res.code, res.traceErrors())
	}
	if got := permanentRecords(t, res); len(got) != 0 {
		t.Errorf("delivered %d deletions without their journal entries", len(got))
	}
	before := journalOffset(t, st)
	for _, s := range res.states("contacts") {
		if off := journalOffset(t, s); off != before {
			t.Fatalf("STATE %s moved journal_offset from %q with nothing delivered", s, before)
		}
	}
	f.ClearFaults()
	again := mustRead(t, e, cat, res.lastState(t, "contacts"))
	if got := permanentRecords(t, again); len(got) != 30 {
		t.Errorf("the next run delivered %d deletions, want 30", len(got))
	}
}
