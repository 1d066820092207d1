package main

import (
	"runtime"
	"runtime/debug"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/datagen"
	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

// fakes are the two fake APIs of one measured size, listening on 127.0.0.1 in this process.
// Their CPU is this process's, not the connectors'.
type fakes struct {
	hubspot *fakehubspot.Server
	insider *fakeinsider.Server
}

// startFakes starts both fakes and streams n generated contacts (about 40 properties each)
// into HubSpot. rateLimits turns on the fake HubSpot's 429 answers; tier sets its general and
// daily limits (zero: the fake's defaults).
func startFakes(n int, seed uint64, rateLimits bool, tier fakehubspot.TierLimit) *fakes {
	f := &fakes{
		hubspot: fakehubspot.New(fakehubspot.Options{RateLimits: rateLimits, BurstMax: tier.BurstMax, DailyMax: tier.DailyMax}),
		insider: fakeinsider.New(fakeinsider.Options{}),
	}
	datagen.Fill(f.hubspot, datagen.Options{Seed: seed, Count: n})
	releaseMemory()
	return f
}

// reset clears both fakes' counters and the profiles Insider holds, so each step counts its own
// requests and the bench process does not keep a million profiles from the step before.
func (f *fakes) reset() {
	f.hubspot.ResetStats()
	f.insider.ResetStats()
	f.insider.ResetProfiles()
	releaseMemory()
}

// profileTrimEvery is how often the fake Insider's profiles are dropped while a step runs.
const profileTrimEvery = time.Second

// trimProfiles drops the fake Insider's profiles every profileTrimEvery until the returned
// function is called. The steps count requests and users from the fakes' counters, not from
// profiles, and a million merged profiles would otherwise make this process several GB large
// and its garbage collector compete with the connectors for the CPUs.
func (f *fakes) trimProfiles() (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(profileTrimEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				f.insider.ResetProfiles()
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// close stops both fakes.
func (f *fakes) close() {
	f.hubspot.Close()
	f.insider.Close()
	releaseMemory()
}

// releaseMemory returns freed heap to the OS between steps, so the bench process stays small
// while a connector runs.
func releaseMemory() {
	runtime.GC()
	debug.FreeOSMemory()
}
