package main

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/datagen"
	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

// fakes are the two fake APIs the demo syncs between, listening on 127.0.0.1.
type fakes struct {
	hubspot *fakehubspot.Server
	insider *fakeinsider.Server
	lists   demoLists
}

// startFakes starts both fakes and fills HubSpot with generated contacts (modified within the
// last two years, up to an hour ago, some with invalid emails or phones), custom events
// (within the last 60 days) and the demo's lists (lists.go).
func startFakes(o Options, now time.Time) (*fakes, error) {
	f := &fakes{
		hubspot: fakehubspot.New(fakehubspot.Options{RateLimits: o.RateLimits}),
		insider: fakeinsider.New(fakeinsider.Options{}),
	}
	datagen.FillPortal(f.hubspot, datagen.Options{Seed: o.Seed, Count: o.Contacts}, o.Events, now)
	var err error
	if f.lists, err = addLists(f.hubspot); err != nil {
		f.close()
		return nil, err
	}
	return f, nil
}

// close stops both fakes.
func (f *fakes) close() {
	f.hubspot.Close()
	f.insider.Close()
}

// changeHubSpot changes o.Updates contacts, adds o.NewEvents occurrences and changes the lists
// (changeLists), all stamped at
// `at`. The source ends each window two minutes before its own clock (HubSpot's search index
// lags) and re-reads lookback_minutes before the saved watermark, so changes stamped just
// before the first sync's watermark are what a second sync started at once must pick up.
func (f *fakes) changeHubSpot(o Options, at time.Time) (updated int, err error) {
	rng := rand.New(rand.NewPCG(o.Seed, 2))
	ids := f.hubspot.ContactIDs()
	stages := fakehubspot.LifecycleStages
	for i, k := range rng.Perm(len(ids))[:o.Updates] {
		props := map[string]string{
			"lifecyclestage": stages[rng.IntN(len(stages))],
			"jobtitle":       fmt.Sprintf("Promoted %d", i),
		}
		if err := f.hubspot.UpdateContact(ids[k], at.Add(-time.Duration(i)*time.Millisecond), props); err != nil {
			return updated, fmt.Errorf("update contact %d in the fake HubSpot: %w", ids[k], err)
		}
		updated++
	}
	evs := datagen.Events(datagen.EventOptions{Seed: o.Seed + 1, ContactIDs: ids, Count: o.NewEvents,
		Definitions: f.hubspot.EventDefinitions(), Start: at.Add(-time.Minute), End: at})
	f.hubspot.AddEvents(evs...)
	if _, err := changeLists(f.hubspot, f.lists, at); err != nil {
		return updated, err
	}
	return updated, nil
}
