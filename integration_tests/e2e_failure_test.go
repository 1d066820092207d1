package integrationtests

import (
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/datagen"
	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
	"github.com/insider-hubspot/connectors/integration_tests/pipeline"
)

// TestE2EFaultsOnBothSides: 429s, 5xx, dropped connections and an expired OAuth token at
// HubSpot, and 429s, 5xx and dropped connections at Insider, in one sync: nothing is lost.
func TestE2EFaultsOnBothSides(t *testing.T) {
	e := newE2E(t, datagen.Options{Seed: 5, Count: 2500})
	e.writeConfigs()
	e.hs.RateLimitNext(fakehubspot.EndpointSearch, 2)
	e.hs.FailNext(fakehubspot.EndpointSearch, 2, 502)
	e.hs.DropNext(fakehubspot.EndpointSearch, 1)
	e.hs.FailNext(fakehubspot.EndpointList, 1, 503)
	e.hs.DropNext(fakehubspot.EndpointList, 1)
	e.ins.RateLimitNext(fakeinsider.EndpointUpsert, 2, time.Second)
	e.ins.FailNext(fakeinsider.EndpointUpsert, 2, 503)
	e.ins.DropNext(fakeinsider.EndpointUpsert, 1)

	expired := false
	res := e.sync(func(s *pipeline.Sync) {
		inner := s.SourceLine
		n := 0
		s.SourceLine = func(line []byte) {
			inner(line)
			if strings.HasPrefix(string(line), `{"type":"RECORD"`) {
				if n++; n == 1000 && !expired {
					expired = true
					e.hs.ExpireAccessTokens() // the next call gets 401 and must refresh
				}
			}
		}
	})
	requireOK(t, res)
	if res.Records < 2500 {
		t.Fatalf("read %d records, want 2500", res.Records)
	}
	if e.hs.TokensIssued() < 2 {
		t.Errorf("tokens issued = %d: the source did not refresh after the token expired", e.hs.TokensIssued())
	}
	if e.ins.StatusCount(429) < 2 || e.ins.Count5xx() < 2 {
		t.Errorf("Insider faults not all served: 429=%d 5xx=%d", e.ins.StatusCount(429), e.ins.Count5xx())
	}
	e.checkDelivered()
}

// TestE2EKilledSourceResumes: the source is killed mid-run; the destination echoes what was
// delivered, and the next run resumes from there instead of starting over.
func TestE2EKilledSourceResumes(t *testing.T) {
	const total = 7000
	e := newE2E(t, datagen.Options{Seed: 6, Count: total})
	e.writeConfigs()
	res := e.sync(func(s *pipeline.Sync) { s.KillSourceAfterRecords = 5000 })
	if !res.SourceKilled || res.SourceExit == 0 {
		t.Fatalf("source not killed: %+v", res)
	}
	if res.StatesEchoed == 0 {
		t.Fatalf("nothing echoed before the kill (source emitted %d states): no resume point", res.StatesEmitted)
	}
	res = e.sync(nil)
	requireOK(t, res)
	if res.Records > total*6/10 {
		t.Errorf("the resumed run read %d of %d records: it restarted instead of resuming", res.Records, total)
	}
	e.checkDelivered()
}

// TestE2EFailedBatchIsHeldBackAndRetried: Insider fails every batch holding one contact. The
// rest is delivered, no state past that contact is echoed, the run fails, and the next run
// delivers the held-back contacts.
func TestE2EFailedBatchIsHeldBackAndRetried(t *testing.T) {
	e := newE2E(t, datagen.Options{Seed: 7, Count: 3000})
	e.writeConfigs()
	ids := e.hs.ContactIDs()
	victimID := ids[2500]
	victim, _ := e.hs.Contact(victimID)
	// 422: neither retried nor split, so the batch fails for good at once; retries running out
	// are unit-tested, and a 400 (split down to the user) has its own test.
	e.ins.FailIdentifierWith(pipelineUUID(victimID), 422)

	res := e.sync(nil)
	if res.DestinationExit == 0 {
		t.Fatal("the destination exited 0 although a batch failed for good")
	}
	if len(res.DestinationErrors) == 0 || !strings.Contains(strings.Join(res.DestinationErrors, " "), "held back") {
		t.Errorf("destination errors %q do not say records were held back", res.DestinationErrors)
	}
	if _, ok := e.ins.FindByUUID(pipelineUUID(victimID)); ok {
		t.Fatal("the failing contact is in Insider")
	}
	if n := e.ins.ProfileCount(); n < 1900 {
		t.Errorf("only %d profiles delivered: the rest of the input must still be delivered", n)
	}

	e.ins.ClearFaults()
	res = e.sync(nil)
	requireOK(t, res)
	if _, ok := e.ins.FindByUUID(pipelineUUID(victimID)); !ok {
		t.Fatalf("contact %d (%s) was not delivered by the next run", victimID, victim.Properties["firstname"])
	}
	e.checkDelivered()
}

// TestE2EOneRefusedContactIsRejectedNotHeldBack: Insider answers 400 to every request holding
// one contact (its bytes spoil the body). The destination splits that contact's batch until it
// stands alone, rejects it, delivers every other contact, and the sync succeeds: a later run
// does not stall on it.
func TestE2EOneRefusedContactIsRejectedNotHeldBack(t *testing.T) {
	e := newE2E(t, datagen.Options{Seed: 11, Count: 1500})
	e.writeConfigs()
	ids := e.hs.ContactIDs()
	victimID := ids[700]
	e.ins.FailIdentifierWith(pipelineUUID(victimID), 400)

	res := e.sync(nil)
	requireOK(t, res)
	if _, ok := e.ins.FindByUUID(pipelineUUID(victimID)); ok {
		t.Fatal("the refused contact is in Insider")
	}
	for _, id := range ids {
		if _, ok := e.ins.FindByUUID(pipelineUUID(id)); !ok && id != victimID {
			t.Fatalf("contact %d, not refused, is not in Insider", id)
		}
	}
	if !strings.Contains(strings.Join(res.DestinationLogs, "\n"), "refused_by_insider=1") {
		t.Errorf("the write summary does not count one refused record:\n%s", strings.Join(res.DestinationLogs, "\n"))
	}
}
