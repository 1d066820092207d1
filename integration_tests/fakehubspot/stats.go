package fakehubspot

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehttp"
)

// Endpoint names one API operation of the fake, for counters, the log and fault injection.
type Endpoint string

// Endpoints of the fake. EndpointAny is only meaningful for fault injection: it matches all.
const (
	EndpointToken            Endpoint = "token"
	EndpointProperties       Endpoint = "properties"
	EndpointSearch           Endpoint = "search"
	EndpointList             Endpoint = "list"
	EndpointGet              Endpoint = "get"
	EndpointBatchRead        Endpoint = "batch_read"
	EndpointEventDefinitions Endpoint = "event_definitions"
	EndpointEvents           Endpoint = "events"
	EndpointOther            Endpoint = "other"
	EndpointAny              Endpoint = "any"
)

var allEndpoints = []Endpoint{EndpointToken, EndpointProperties, EndpointSearch, EndpointList, EndpointGet,
	EndpointBatchRead, EndpointEventDefinitions, EndpointEvents, EndpointOther}

// Auth kinds recorded in the request log.
const (
	AuthNone       = ""
	AuthOAuth      = "oauth"
	AuthPrivateApp = "private_app"
)

// LoggedRequest is one request as the fake saw it. Search requests also carry the parsed
// After and Limit of the body (-1 when absent or unparsable).
type LoggedRequest struct {
	Time     time.Time
	Endpoint Endpoint
	Method   string
	Path     string
	Query    string
	Body     []byte // request body for POST endpoints
	Legacy   bool   // a v1-v4 path, which HubSpot stops serving in 2027
	Auth     string // AuthOAuth, AuthPrivateApp or AuthNone
	Status   int    // 0 when the connection was dropped
	Dropped  bool
	After    int
	Limit    int
}

type stats struct {
	counts   map[Endpoint]*atomic.Int64
	status   map[int]*atomic.Int64
	statusMu sync.Mutex
	maxAfter atomic.Int64
	legacy   atomic.Int64
	mu       sync.Mutex
	log      []*LoggedRequest
	maxLog   int
}

func newStats(maxLog int) *stats {
	st := &stats{counts: map[Endpoint]*atomic.Int64{}, status: map[int]*atomic.Int64{}, maxLog: maxLog}
	for _, ep := range slices.Concat(allEndpoints, listsEndpoints, journalEndpoints, []Endpoint{EndpointAccount}) {
		st.counts[ep] = new(atomic.Int64)
	}
	st.maxAfter.Store(-1)
	return st
}

func (st *stats) begin(ep Endpoint, legacy bool, r *http.Request, now time.Time) *LoggedRequest {
	st.counts[ep].Add(1)
	if legacy {
		st.legacy.Add(1)
	}
	e := &LoggedRequest{Time: now, Endpoint: ep, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
		Legacy: legacy, After: -1, Limit: -1}
	if r.Method == http.MethodPost && r.Body != nil {
		b, err := io.ReadAll(r.Body)
		if err == nil {
			e.Body = b
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
	}
	if ep == EndpointSearch {
		e.After, e.Limit = searchPaging(e.Body)
		for {
			cur := st.maxAfter.Load()
			if int64(e.After) <= cur || st.maxAfter.CompareAndSwap(cur, int64(e.After)) {
				break
			}
		}
	}
	return e
}

// searchPaging reads after and limit from a search body: -1 where the body does not say, after 0
// when it names no after.
func searchPaging(body []byte) (after, limit int) {
	after, limit = -1, -1
	var pg struct {
		After json.RawMessage `json:"after"`
		Limit *int            `json:"limit"`
	}
	if json.Unmarshal(body, &pg) != nil {
		return after, limit
	}
	if pg.Limit != nil {
		limit = *pg.Limit
	}
	if a, err := strconv.Atoi(string(bytes.Trim(pg.After, `"`))); err == nil {
		after = a
	} else if len(pg.After) == 0 {
		after = 0
	}
	return after, limit
}

func (st *stats) end(e *LoggedRequest, status int) {
	e.Status = status
	if status != 0 {
		st.statusMu.Lock()
		c := st.status[status]
		if c == nil {
			c = new(atomic.Int64)
			st.status[status] = c
		}
		st.statusMu.Unlock()
		c.Add(1)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if len(st.log) >= st.maxLog {
		st.log = st.log[1:]
	}
	st.log = append(st.log, e)
}

// Count returns how many requests reached an endpoint (including rejected ones).
func (s *Server) Count(ep Endpoint) int64 {
	if ep == EndpointAny {
		var n int64
		for _, c := range s.stats.counts {
			n += c.Load()
		}
		return n
	}
	if c, ok := s.stats.counts[ep]; ok {
		return c.Load()
	}
	return 0
}

// StatusCount returns how many responses with an HTTP status were served (e.g. 429, 503).
func (s *Server) StatusCount(status int) int64 {
	s.stats.statusMu.Lock()
	defer s.stats.statusMu.Unlock()
	if c := s.stats.status[status]; c != nil {
		return c.Load()
	}
	return 0
}

// Served429 returns the number of 429 answers served.
func (s *Server) Served429() int64 { return s.StatusCount(http.StatusTooManyRequests) }

// LegacyCalls returns how many requests went to a legacy v1-v4 path (/oauth/v1/token,
// /crm/v3/..., /events/v3/...), which HubSpot stops serving in 2027.
func (s *Server) LegacyCalls() int64 { return s.stats.legacy.Load() }

// MaxSearchAfter returns the largest search `after` offset seen (-1 before any search).
func (s *Server) MaxSearchAfter() int { return int(s.stats.maxAfter.Load()) }

// Requests returns a copy of the request log, oldest first.
func (s *Server) Requests() []LoggedRequest {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return fakehttp.Copies(s.stats.log)
}

// RequestsTo returns the logged requests of one endpoint, oldest first.
func (s *Server) RequestsTo(ep Endpoint) []LoggedRequest {
	var out []LoggedRequest
	for _, r := range s.Requests() {
		if r.Endpoint == ep {
			out = append(out, r)
		}
	}
	return out
}

// ResetStats clears counters and the request log.
func (s *Server) ResetStats() {
	s.stats.mu.Lock()
	s.stats.log = nil
	s.stats.mu.Unlock()
	for _, c := range s.stats.counts {
		c.Store(0)
	}
	s.stats.statusMu.Lock()
	s.stats.status = map[int]*atomic.Int64{}
	s.stats.statusMu.Unlock()
	s.stats.maxAfter.Store(-1)
	s.stats.legacy.Store(0)
}
