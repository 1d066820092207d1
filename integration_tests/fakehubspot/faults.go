package fakehubspot

import (
	"sync"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehttp"
)

// faults holds switchable failures: the shared per-endpoint ones and HubSpot's own.
type faults struct {
	*fakehttp.Faults[Endpoint]
	mu            sync.Mutex
	contacts      map[int64]int // contact id -> status answered for any call touching it
	eventsDenied  bool
	contactsScope bool
}

func newFaults() *faults {
	return &faults{Faults: fakehttp.NewFaults(EndpointAny), contacts: map[int64]int{}}
}

func (f *faults) missingScope(ep Endpoint) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch ep {
	case EndpointEvents, EndpointEventDefinitions:
		if f.eventsDenied {
			if ep == EndpointEvents {
				return "oauth"
			}
			return "behavioral_events.event_definitions.read_write"
		}
	case EndpointProperties, EndpointSearch, EndpointList, EndpointGet, EndpointBatchRead:
		if f.contactsScope {
			return "crm.objects.contacts.read"
		}
	}
	return ""
}

// contactFault returns the status to answer when any of ids is marked failing.
func (f *faults) contactFault(ids ...int64) (int, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.contacts) == 0 {
		return 0, false
	}
	for _, id := range ids {
		if st, ok := f.contacts[id]; ok {
			return st, true
		}
	}
	return 0, false
}

// SetLatency delays every answer of ep (or of all endpoints for EndpointAny) by d, using
// Options.Sleep. Zero removes the delay.
func (s *Server) SetLatency(ep Endpoint, d time.Duration) { s.faults.SetLatency(ep, d) }

// RateLimitNext makes the next n requests to ep answer 429 with HubSpot's body (policyName
// SECONDLY for search, TEN_SECONDLY_ROLLING otherwise), before authentication.
func (s *Server) RateLimitNext(ep Endpoint, n int) { s.FailNext(ep, n, 429) }

// FailNext makes the next n requests to ep answer status (e.g. 500, 502, 503, 504) with a
// HubSpot-style JSON body. Queued faults are served in the order they were added.
func (s *Server) FailNext(ep Endpoint, n int, status int) {
	s.faults.Queue(ep, fakehttp.StatusFault{Status: status, N: n})
}

// DropNext makes the next n requests to ep get a connection that closes mid-response.
func (s *Server) DropNext(ep Endpoint, n int) { s.faults.AddDrops(ep, n) }

// FailContact makes every call whose answer would include contact id (a search, list or batch
// page, a get, an event page) answer status with a HubSpot error body, until cleared with
// status 0.
func (s *Server) FailContact(id int64, status int) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	if status == 0 {
		delete(s.faults.contacts, id)
		return
	}
	s.faults.contacts[id] = status
}

// DenyEvents makes both event endpoints answer 403 MISSING_SCOPES (as for a portal without the
// Enterprise tier or scope) while on.
func (s *Server) DenyEvents(on bool) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.eventsDenied = on
}

// DenyContactsScope makes every contacts endpoint (properties, search, list, get, batch read)
// answer 403 MISSING_SCOPES while on.
func (s *Server) DenyContactsScope(on bool) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.contactsScope = on
}

// ClearFaults removes all latency, queued failures and answers, drops, empty search pages,
// failing contacts and 403 switches.
func (s *Server) ClearFaults() {
	s.faults.Clear()
	s.ClearAnswers()
	s.empty.clear()
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.contacts = map[int64]int{}
	s.faults.eventsDenied, s.faults.contactsScope = false, false
	s.DenyListsScope(false)
}
