package fakeinsider

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Endpoint names an operation of the fake for fault injection and counters.
type Endpoint string

// Endpoints of the fake. EndpointAny matches both for fault injection.
const (
	EndpointUpsert  Endpoint = "upsert"
	EndpointColumns Endpoint = "columns"
	EndpointAny     Endpoint = "any"
)

type statusFault struct {
	status     int
	n          int
	retryAfter time.Duration
}

type faults struct {
	mu          sync.Mutex
	lat         map[Endpoint]time.Duration
	drops       map[Endpoint]int
	statuses    map[Endpoint][]statusFault
	identifiers map[string]int // identifier value -> status served
}

func newFaults() *faults {
	return &faults{lat: map[Endpoint]time.Duration{}, drops: map[Endpoint]int{},
		statuses: map[Endpoint][]statusFault{}, identifiers: map[string]int{}}
}

func itoa(n int) string { return strconv.Itoa(n) }

func (f *faults) latency(ep Endpoint) time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	if d, ok := f.lat[ep]; ok {
		return d
	}
	return f.lat[EndpointAny]
}

func (f *faults) takeDrop(ep Endpoint) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, e := range []Endpoint{ep, EndpointAny} {
		if f.drops[e] > 0 {
			f.drops[e]--
			return true
		}
	}
	return false
}

func (f *faults) takeStatus(ep Endpoint) (statusFault, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, e := range []Endpoint{ep, EndpointAny} {
		q := f.statuses[e]
		if len(q) == 0 {
			continue
		}
		sf := q[0]
		q[0].n--
		if q[0].n <= 0 {
			q = q[1:]
		}
		f.statuses[e] = q
		return sf, true
	}
	return statusFault{}, false
}

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
func (s *Server) SetLatency(ep Endpoint, d time.Duration) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	if d <= 0 {
		delete(s.faults.lat, ep)
		return
	}
	s.faults.lat[ep] = d
}

// RateLimitNext makes the next n requests to ep answer 429 {"error":"rejected: too many
// requests"}, with a Retry-After header in whole seconds when retryAfter > 0.
func (s *Server) RateLimitNext(ep Endpoint, n int, retryAfter time.Duration) {
	s.queue(ep, statusFault{status: 429, n: n, retryAfter: retryAfter})
}

// FailNext makes the next n requests to ep answer status (500, 502, 503, 504, ...) with
// Insider's unknown-error body.
func (s *Server) FailNext(ep Endpoint, n int, status int) {
	s.queue(ep, statusFault{status: status, n: n})
}

func (s *Server) queue(ep Endpoint, f statusFault) {
	if f.n <= 0 {
		return
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.statuses[ep] = append(s.faults.statuses[ep], f)
}

// DropNext makes the next n requests to ep get a connection closed mid-response.
func (s *Server) DropNext(ep Endpoint, n int) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.drops[ep] += n
}

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
	f := newFaults()
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.lat, s.faults.drops, s.faults.statuses, s.faults.identifiers = f.lat, f.drops, f.statuses, f.identifiers
}
