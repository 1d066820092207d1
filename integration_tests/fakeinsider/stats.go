package fakeinsider

import (
	"maps"
	"sync"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehttp"
)

// Request is one request as the fake saw it.
type Request struct {
	Time        time.Time
	Endpoint    Endpoint
	PartnerName string
	Status      int // 0 when the connection was dropped
	Dropped     bool
	// For upserts that passed auth and size checks:
	Users     int   // users in the request
	Succeeded int   // users accepted
	Failed    int   // users rejected by validation
	SkipHook  *bool // top-level skip_hook as sent (nil when absent)
	// ErrorCallback is the top-level error_callback_endpoint as sent ("" when absent).
	ErrorCallback string
	BodySize      int
	Body          []byte // kept only for the last Options.MaxLoggedBodies requests
}

type stats struct {
	mu       sync.Mutex
	reqs     []*Request
	bodies   []*Request // requests still holding a Body, oldest first
	received [][]byte   // upsert bodies as they arrived (ReceivedBodies)
	status   map[int]int
	users    int
	ok, fail int
	maxBody  int
	ignored  map[string]int // values left out by account rules, by reason
}

func newStats(maxBodies int) *stats {
	return &stats{status: map[int]int{}, maxBody: maxBodies, ignored: map[string]int{}}
}

func (st *stats) ignore(n map[string]int) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for k, v := range n {
		st.ignored[k] += v
	}
}

// Ignored returns how many values of accepted users were left out by the account's rules, by
// reason (Ignored* constants): undeclared or mistyped custom attributes, invalid countries,
// identifiers sent as attributes, identifiers outside identity resolution, expired events.
func (s *Server) Ignored() map[string]int {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return maps.Clone(s.stats.ignored)
}

func (st *stats) record(r *Request, status int) {
	r.Status = status
	st.mu.Lock()
	defer st.mu.Unlock()
	if status != 0 {
		st.status[status]++
	}
	st.users += r.Users
	st.ok += r.Succeeded
	st.fail += r.Failed
	st.reqs = append(st.reqs, r)
	if r.Body != nil {
		st.bodies = append(st.bodies, r)
		if len(st.bodies) > st.maxBody {
			st.bodies[0].Body = nil
			st.bodies = st.bodies[1:]
		}
	}
}

// Requests returns a copy of the request log, oldest first.
func (s *Server) Requests() []Request {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return fakehttp.Copies(s.stats.reqs)
}

// LastBodies returns up to n most recent upsert request bodies, oldest first.
func (s *Server) LastBodies(n int) [][]byte {
	var out [][]byte
	reqs := s.Requests()
	for i := len(reqs) - 1; i >= 0 && len(out) < n; i-- {
		if reqs[i].Body != nil {
			out = append([][]byte{reqs[i].Body}, out...)
		}
	}
	return out
}

// RequestCount returns the number of requests to ep (EndpointAny: all), including rejected ones.
func (s *Server) RequestCount(ep Endpoint) int {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	n := 0
	for _, r := range s.stats.reqs {
		if ep == EndpointAny || r.Endpoint == ep {
			n++
		}
	}
	return n
}

// UsersReceived returns the number of users in upsert requests that reached validation.
func (s *Server) UsersReceived() int {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return s.stats.users
}

// UsersAccepted and UsersRejected count users accepted or rejected by per-user validation.
func (s *Server) UsersAccepted() int {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return s.stats.ok
}

// UsersRejected counts users rejected by per-user validation (reported in data.fail).
func (s *Server) UsersRejected() int {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return s.stats.fail
}

// StatusCount returns how many answers with an HTTP status were served.
func (s *Server) StatusCount(status int) int {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return s.stats.status[status]
}

// Count4xx returns the number of 4xx answers served.
func (s *Server) Count4xx() int { return s.countRange(400, 499) }

// Count5xx returns the number of 5xx answers served.
func (s *Server) Count5xx() int { return s.countRange(500, 599) }

func (s *Server) countRange(lo, hi int) int {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	n := 0
	for st, c := range s.stats.status {
		if st >= lo && st <= hi {
			n += c
		}
	}
	return n
}

// SkipHooks returns the top-level skip_hook of every upsert that reached validation, in order
// (nil where the request did not send it).
func (s *Server) SkipHooks() []*bool {
	var out []*bool
	for _, r := range s.Requests() {
		if r.Endpoint == EndpointUpsert && r.Users > 0 {
			out = append(out, r.SkipHook)
		}
	}
	return out
}

// ResetStats clears the request log and counters (profiles are kept).
func (s *Server) ResetStats() {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	s.stats.reqs, s.stats.bodies, s.stats.status = nil, nil, map[int]int{}
	s.stats.received = nil
	s.stats.users, s.stats.ok, s.stats.fail = 0, 0, 0
	s.stats.ignored = map[string]int{}
}
