package datagen

import (
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

// fillBatch is how many generated contacts Fill adds to a fake at once, so that a million are
// streamed in without a second copy of them all.
const fillBatch = 10000

// Fill adds o.Count generated contacts to hs, fillBatch at a time.
func Fill(hs *fakehubspot.Server, o Options) {
	g := New(o)
	batch := make([]fakehubspot.Contact, 0, min(o.Count, fillBatch))
	for i := 0; i < o.Count; i++ {
		batch = append(batch, g.Contact())
		if len(batch) == cap(batch) || i == o.Count-1 {
			hs.AddContacts(batch...)
			batch = batch[:0]
		}
	}
}

// FillPortal fills hs the way a live portal looks at now: o.Count contacts modified over the
// two years up to an hour ago (o.Start and o.End are set here), then events occurrences of
// hs's event definitions by those contacts over the 60 days up to an hour ago.
func FillPortal(hs *fakehubspot.Server, o Options, events int, now time.Time) {
	o.Start, o.End = now.AddDate(-2, 0, 0), now.Add(-time.Hour)
	Fill(hs, o)
	hs.AddEvents(Events(EventOptions{Seed: o.Seed, ContactIDs: hs.ContactIDs(), Count: events,
		Definitions: hs.EventDefinitions(), Start: now.AddDate(0, 0, -60), End: now.Add(-time.Hour)})...)
}
