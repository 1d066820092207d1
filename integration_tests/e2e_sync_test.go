package integrationtests

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/datagen"
	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

// TestE2EInitialThenIncremental: a first sync delivers every contact; after changes in HubSpot
// a second sync, started from the states the destination echoed, delivers the changes only.
func TestE2EInitialThenIncremental(t *testing.T) {
	e := newE2E(t, datagen.Options{Seed: 1, Count: 1500})
	e.writeConfigs()

	res := e.sync(nil)
	requireOK(t, res)
	if res.Records < 1500 {
		t.Fatalf("first sync read %d records, want at least 1500", res.Records)
	}
	if res.StatesEchoed == 0 {
		t.Fatal("the destination echoed no state")
	}
	e.checkDelivered()
	wm1 := e.watermark()

	// Contacts changed after the first run, at a time inside the next run's window (HubSpot
	// sets lastmodifieddate when the change happens; the window ends at now minus the index lag).
	changedAt := wm1.Add(-time.Minute)
	ids := e.hs.ContactIDs()
	for i := 0; i < 200; i++ {
		id := ids[i*7]
		if err := e.hs.UpdateContact(id, changedAt, map[string]string{"firstname": "Changed" + strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
	newIDs := e.hs.AddContacts(datagen.Contacts(datagen.Options{Seed: 2, Count: 50, FirstID: ids[len(ids)-1] + 10,
		Start: changedAt.Add(-time.Hour), End: changedAt})...)
	for _, id := range newIDs {
		if err := e.hs.TouchContacts(changedAt, id); err != nil {
			t.Fatal(err)
		}
	}

	res = e.sync(nil)
	requireOK(t, res)
	if res.Records < 250 || res.Records > 400 {
		t.Errorf("incremental sync read %d records, want the 250 changed ones (plus a few in the lookback), not a full resync", res.Records)
	}
	e.checkDelivered()
	if wm2 := e.watermark(); !wm2.After(wm1) {
		t.Errorf("watermark did not move forward: %s then %s", wm1, wm2)
	}

	// A third run with nothing changed reads nothing new but still saves a state.
	res = e.sync(nil)
	requireOK(t, res)
	if res.Records > 250 {
		t.Errorf("third sync read %d records with nothing changed", res.Records)
	}
	if res.StatesEchoed == 0 {
		t.Error("a sync without changes must still echo a state")
	}
}

// TestE2ESearchCap: more than 10,000 contacts change in one window, 4,000 of them in the same
// millisecond; every one is delivered, and no search pages past HubSpot's 10,000 cap.
func TestE2ESearchCap(t *testing.T) {
	if testing.Short() {
		t.Skip("large sync")
	}
	e := newE2E(t, datagen.Options{Seed: 3, Count: 500})
	e.writeConfigs()
	requireOK(t, e.sync(nil))
	wm := e.watermark()

	// 11,000 new contacts in the next window; 4,000 share one timestamp.
	at := wm.Add(-30 * time.Second)
	ids := e.hs.ContactIDs()
	gen := datagen.Options{Seed: 4, Count: 11000, FirstID: ids[len(ids)-1] + 10, Start: at.Add(-2 * time.Minute), End: at,
		SharedTimestampCount: 4000, SharedTimestamp: at.Add(-time.Second)}
	newIDs := e.hs.AddContacts(datagen.Contacts(gen)...)
	if err := e.hs.TouchContacts(at, newIDs[:7000]...); err != nil {
		t.Fatal(err)
	}
	e.hs.ResetStats()

	res := e.sync(nil)
	requireOK(t, res)
	if res.Records < 11000 {
		t.Fatalf("read %d records, want all 11,000 changed contacts", res.Records)
	}
	if got := e.hs.MaxSearchAfter(); got+200 > 10000 {
		t.Errorf("the source paged to after=%d; it must re-window before passing 10,000", got)
	}
	if n := e.hs.StatusCount(400); n != 0 {
		t.Errorf("HubSpot answered 400 %d times", n)
	}
	if calls, bound := e.hs.Count(fakehubspot.EndpointSearch), int64((11000+199)/200+3+3); calls > bound {
		t.Errorf("%d search calls for 11,000 contacts, want at most %d", calls, bound)
	}
	e.checkDelivered()
}

// TestE2EBusyPortal: a first sync of 4,000 contacts runs while the portal is busy: after every
// search page HubSpot modifies 20 of the contacts just delivered (a new first name, and a
// lastmodifieddate after the run's window end, so they leave the window the later pages are
// evaluated against). The changes go on during the second sync and stop before the third; the
// syncs run the real binaries piped together, with the state the destination echoed carried from
// one to the next. At the end the fake Insider holds every contact of the fake HubSpot with its
// latest values, and no search ever paged by offset.
func TestE2EBusyPortal(t *testing.T) {
	e := newE2E(t, datagen.Options{Seed: 21, Count: 4000})
	e.writeConfigs()
	// HubSpot stamps a change with the time it happens; the source's window ends at its start
	// minus its 2-minute index lag, so the next run sees a change once it starts at least that
	// long after it. Stamping the changes 2 minutes back stands for that wait: each is after the
	// window end of the run during which it happens, and inside the next run's window.
	e.hs.SetChurn(fakehubspot.Churn{PerPage: 20, At: func() time.Time { return time.Now().Add(-2 * time.Minute) }})

	first := e.sync(nil)
	requireOK(t, first)
	mods, churned := e.hs.Churned()
	// The first sync is a backfill (search and the list endpoint at once), so only the search
	// share of its pages churns: about 200 changes, against about 400 for search alone.
	if mods < 100 {
		t.Fatalf("%d modifications during the first sync; the portal is not busy enough to test anything", mods)
	}
	if first.StatesEchoed == 0 {
		t.Fatal("the destination echoed no state")
	}
	wm := e.watermark()

	second := e.sync(nil)
	requireOK(t, second)
	if second.Records < len(churned) || second.Records > len(churned)+1000 {
		t.Errorf("second sync read %d records for %d contacts changed during the first", second.Records, len(churned))
	}
	if wm2 := e.watermark(); !wm2.After(wm) {
		t.Errorf("watermark did not move forward: %s then %s", wm, wm2)
	}
	e.hs.SetChurn(fakehubspot.Churn{})
	total, churned := e.hs.Churned()
	requireOK(t, e.sync(nil))

	e.checkDelivered()
	// checkDelivered leaves out contacts Insider merged by a shared phone; the changed ones are
	// checked here one by one.
	stale := 0
	for _, id := range churned {
		c, _ := e.hs.Contact(id)
		p, ok := e.ins.FindByUUID(strconv.FormatInt(id, 10))
		if !ok || p.Identifiers.UUID != strconv.FormatInt(id, 10) {
			continue // merged into another profile (checked by checkDelivered's bound)
		}
		if got, _ := p.Attributes["name"].(string); got != c.Properties["firstname"] {
			stale++
			if stale <= 3 {
				t.Errorf("contact %d: Insider has name %q, HubSpot %q", id, got, c.Properties["firstname"])
			}
		}
	}
	if stale > 0 {
		t.Fatalf("%d of %d contacts changed during the syncs (%d changes) hold old values in Insider", stale, len(churned), total)
	}
	for _, r := range e.hs.RequestsTo(fakehubspot.EndpointSearch) {
		if r.After != 0 || strings.Contains(string(r.Body), `"after"`) && !strings.Contains(string(r.Body), `"after":"0"`) {
			t.Errorf("a search paged by offset: %.200s...", r.Body)
			break
		}
	}
}
