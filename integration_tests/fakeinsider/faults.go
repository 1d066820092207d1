package fakeinsider

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehttp"
)

// Endpoint names an operation of the fake for fault injection and counters.
type Endpoint string

// Endpoints of the fake. EndpointAny matches both for fault injection.
const (
	EndpointUpsert    Endpoint = "upsert"
	EndpointColumns   Endpoint = "columns"
	EndpointDelete    Endpoint = "delete"
	EndpointAnonymize Endpoint = "anonymize"
	EndpointIdentity  Endpoint = "identity"
	EndpointAny       Endpoint = "any"
)

// faults holds switchable failures: the shared per-endpoint ones and Insider's own.
type faults struct {
	*fakehttp.Faults[Endpoint]
	mu          sync.Mutex
	identifiers map[string]int // identifier value -> status served
}

func newFaults() *faults {
	return &faults{Faults: fakehttp.NewFaults(EndpointAny), identifiers: map[string]int{}}
}

func itoa(n int) string { return strconv.Itoa(n) }

// failingIdentifier returns the status to serve when one of values was made to fail, or 0.
func (f *faults) failingIdentifier(values []string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, v := range values {
		if st := f.identifiers[v]; st != 0 {
			return st
		}
	}
	return 0
}

// SetLatency delays every answer of ep (EndpointAny: all) by d using Options.Sleep; 0 removes it.
func (s *Server) SetLatency(ep Endpoint, d time.Duration) { s.faults.SetLatency(ep, d) }

// RateLimitNext makes the next n requests to ep answer 429 {"error":"rejected: too many
// requests"}, with a Retry-After header in whole seconds when retryAfter > 0.
func (s *Server) RateLimitNext(ep Endpoint, n int, retryAfter time.Duration) {
	s.faults.Queue(ep, fakehttp.StatusFault{Status: 429, N: n, RetryAfter: retryAfter})
}

// FailNext makes the next n requests to ep answer status (500, 502, 503, 504, ...) with
// Insider's unknown-error body.
func (s *Server) FailNext(ep Endpoint, n int, status int) {
	s.faults.Queue(ep, fakehttp.StatusFault{Status: status, N: n})
}

// DropNext makes the next n requests to ep get a connection closed mid-response.
func (s *Server) DropNext(ep Endpoint, n int) { s.faults.AddDrops(ep, n) }

// FailIdentifier makes every upsert request containing a user with this identifier value (email,
// phone_number, uuid, a custom identifier value or insider_id) answer 500, persistently, until
// ClearFaults. Nothing of such a request is stored.
func (s *Server) FailIdentifier(value string) {
	s.FailIdentifierWith(value, http.StatusInternalServerError)
}

// FailIdentifierWith is FailIdentifier with another status: 400 makes the batch fail at once
// (a connector does not retry it), 500 after the connector's retries run out.
func (s *Server) FailIdentifierWith(value string, status int) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.identifiers[value] = status
}

// ClearFaults removes all latency, queued failures, drops and failing identifiers.
func (s *Server) ClearFaults() {
	s.faults.Clear()
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.identifiers = map[string]int{}
}
