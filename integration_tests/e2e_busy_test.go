package integrationtests

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/datagen"
	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

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
		if r.After != 0 || strings.Contains(string(r.Body), `"after"`) {
			t.Errorf("a search paged by offset: %.200s...", r.Body)
			break
		}
	}
}
