package fakehubspot

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehttp"
)

// Options configure a fake HubSpot. The zero value is usable: every field has a default.
type Options struct {
	// Clock drives token expiry, index lag and rate-limit windows. Default time.Now.
	Clock func() time.Time
	// Sleep implements SetLatency delays. Default: a timer that also ends when ctx ends.
	Sleep func(ctx context.Context, d time.Duration)

	// OAuth app credentials accepted by the token endpoints.
	// Defaults: "test-client-id", "test-client-secret", "test-refresh-token".
	ClientID, ClientSecret, RefreshToken string
	// AccessTokenTTL is the lifetime of issued access tokens. Default 30 minutes (HubSpot's).
	AccessTokenTTL time.Duration
	// PrivateAppToken is a static bearer token that never expires. Default "pat-na1-test-token".
	PrivateAppToken string
	// PortalID is used for event type names (pe<PortalID>_<name>). Default DefaultPortalID.
	PortalID int64

	// IndexLag hides contacts from search until IndexLag after their lastmodifieddate
	// (by Clock). Zero disables the lag. List, get and batch read are never lagged.
	IndexLag time.Duration

	// RateLimits turns on 429 answers for the limits below. Off by default so unit tests stay
	// deterministic; the X-HubSpot-RateLimit-* headers are sent either way.
	RateLimits bool
	// SearchPerSecond is the search limit per second. Default 5.
	SearchPerSecond int
	// BurstMax and BurstWindow are the ten-secondly limit of non-search calls. Default 100 / 10 s.
	BurstMax    int
	BurstWindow time.Duration
	// DailyMax is the daily limit of non-search calls. Default 250,000.
	DailyMax int

	// Properties is the contact property catalog. Default DefaultProperties().
	Properties []Property
	// EventDefinitions are served by the definitions API. Default DefaultEventDefinitions(PortalID).
	EventDefinitions []EventDefinition

	// Lists configure the Lists API (lists_model.go): evaluation lag and undocumented behaviour.
	Lists ListOptions

	// APIVersions are the date-based versions served (/crm/objects/<v>/contacts, ...).
	// Default DefaultAPIVersions.
	APIVersions []string

	// OpaqueListCursor makes the list endpoint's `after` an opaque token (base64 of the next id),
	// refusing a plain id with a 400. HubSpot documents the token as opaque; that it is in fact
	// the next id, which the fake does by default, is what the source probes for at run time.
	OpaqueListCursor bool

	// MaxLogEntries caps the request log (oldest entries dropped). Default 100,000.
	MaxLogEntries int

	// Journal configures the webhooks journal, its subscriptions and app tokens (journal.go).
	Journal JournalOptions
}

// DefaultAPIVersions are the versions the fake serves unless told otherwise: the released
// 2026-03 and 2026-09 and the 2027-03 beta
// (https://developers.hubspot.com/docs/developer-tooling/platform/versioning).
var DefaultAPIVersions = []string{"2026-03", "2026-09", "2027-03-beta"}

func (o *Options) defaults() {
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = fakehttp.Sleep
	}
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	def(&o.ClientID, "test-client-id")
	def(&o.ClientSecret, "test-client-secret")
	def(&o.RefreshToken, "test-refresh-token")
	def(&o.PrivateAppToken, "pat-na1-test-token")
	if o.AccessTokenTTL <= 0 {
		o.AccessTokenTTL = 30 * time.Minute
	}
	if o.PortalID == 0 {
		o.PortalID = DefaultPortalID
	}
	if o.SearchPerSecond <= 0 {
		o.SearchPerSecond = 5
	}
	if o.BurstMax <= 0 {
		o.BurstMax = 100
	}
	if o.BurstWindow <= 0 {
		o.BurstWindow = 10 * time.Second
	}
	if o.DailyMax <= 0 {
		o.DailyMax = 250000
	}
	if o.Properties == nil {
		o.Properties = DefaultProperties()
	}
	if o.EventDefinitions == nil {
		o.EventDefinitions = DefaultEventDefinitions(o.PortalID)
	}
	if o.MaxLogEntries <= 0 {
		o.MaxLogEntries = 100000
	}
	if o.APIVersions == nil {
		o.APIVersions = DefaultAPIVersions
	}
	o.Journal.defaults()
}

// Server is a running fake HubSpot. All methods are safe for concurrent use.
type Server struct {
	// Server gives URL (use it as api_base_url), HTTPServer, Start and Close.
	fakehttp.Server

	opts    Options
	store   *store
	cache   *searchCache
	events  *eventStore
	auth    *authState
	limits  *limits
	faults  *faults
	answers answers    // raw answers queued with AnswerNext
	empty   emptyPages // see EmptySearchPages
	stats   *stats

	lists *listStore // the Lists API (lists_*.go)

	lag     atomic.Int64 // index lag in nanoseconds
	propsMu sync.RWMutex
	props   []Property
	types   map[string]string // property name -> type
	served  map[string]bool   // API versions served

	consent consentState // OAuth consent page and authorization codes (consent.go)

	hookMu     sync.Mutex
	searchHook SearchPageFunc // see OnSearchPage
	churn      churnState

	jr *journal // webhooks journal, subscriptions, app tokens (journal.go)
}

// New starts a fake HubSpot on 127.0.0.1 with a free port. Call Close when done.
func New(opts Options) *Server {
	s := NewUnstarted(opts)
	s.Start()
	return s
}

// NewUnstarted builds the fake without listening, so a caller can set s.HTTPServer().Listener
// (e.g. to bind a fixed address) before calling Start.
func NewUnstarted(opts Options) *Server {
	opts.defaults()
	s := &Server{opts: opts, store: newStore(), cache: newSearchCache(), events: newEventStore(),
		auth: newAuthState(), faults: newFaults(), stats: newStats(opts.MaxLogEntries)}
	s.limits = newLimits(&s.opts)
	s.lists = newListStore(opts.Lists)
	s.served = map[string]bool{}
	for _, v := range opts.APIVersions {
		s.served[v] = true
	}
	s.lag.Store(int64(opts.IndexLag))
	s.setProperties(opts.Properties)
	for _, d := range opts.EventDefinitions {
		s.events.addDefinition(d, opts.PortalID)
	}
	s.initJournal()
	s.Server = fakehttp.NewServer(s.routes())
	return s
}

// Options returns the effective options (defaults filled in).
func (s *Server) Options() Options { return s.opts }

func (s *Server) now() time.Time { return s.opts.Clock() }

func (s *Server) setProperties(ps []Property) {
	s.propsMu.Lock()
	defer s.propsMu.Unlock()
	s.props = append([]Property(nil), ps...)
	s.types = make(map[string]string, len(ps))
	for _, p := range ps {
		s.types[p.Name] = p.Type
	}
}

// SetIndexLag changes the search index lag (see Options.IndexLag); 0 turns it off.
func (s *Server) SetIndexLag(d time.Duration) { s.lag.Store(int64(d)) }

// SetProperties replaces the contact property catalog served by the Properties API.
func (s *Server) SetProperties(ps []Property) { s.setProperties(ps) }

func (s *Server) propertyType(name string) (string, bool) {
	s.propsMu.RLock()
	defer s.propsMu.RUnlock()
	t, ok := s.types[name]
	return t, ok
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	// Every operation answers on its date-based path and, until HubSpot retires them in 2027,
	// on its legacy v1/v3 path; legacy calls are counted (LegacyCalls).
	type route struct {
		method, dated, legacy string
		ep                    Endpoint
		fn                    http.HandlerFunc
	}
	for _, rt := range []route{
		{"POST", "/oauth/2026-03/token", "/oauth/v1/token", EndpointToken, s.handleToken},
		{"GET", "/crm/properties/{version}/contacts", "/crm/v3/properties/contacts", EndpointProperties, s.handleProperties},
		{"GET", "/crm/properties/{version}/0-1", "/crm/v3/properties/0-1", EndpointProperties, s.handleProperties},
		{"POST", "/crm/objects/{version}/contacts/search", "/crm/v3/objects/contacts/search", EndpointSearch, s.handleSearch},
		{"POST", "/crm/objects/{version}/contacts/batch/read", "/crm/v3/objects/contacts/batch/read", EndpointBatchRead, s.handleBatchRead},
		{"GET", "/crm/objects/{version}/contacts", "/crm/v3/objects/contacts", EndpointList, s.handleList},
		{"GET", "/crm/objects/{version}/contacts/{id}", "/crm/v3/objects/contacts/{id}", EndpointGet, s.handleGet},
		{"GET", "/events/custom/{version}/event-definitions", "/events/v3/event-definitions", EndpointEventDefinitions, s.handleEventDefinitions},
		{"GET", "/events/event-occurrences/{version}", "/events/v3/events", EndpointEvents, s.handleEvents},
	} {
		mux.Handle(rt.method+" "+rt.dated, s.wrap(rt.ep, false, s.versioned(rt.fn)))
		mux.Handle(rt.method+" "+rt.legacy, s.wrap(rt.ep, true, rt.fn))
	}
	s.listRoutes(mux)
	s.journalRoutes(mux)
	s.accountRoutes(mux)
	// The consent page is on app.hubspot.com, not the API host: no API logging, limits or faults.
	mux.HandleFunc("GET /oauth/authorize", s.handleAuthorize)
	mux.Handle("/", s.wrap(EndpointOther, false, s.handleUnknown))
	return mux
}

// handleUnknown answers a path the fake does not serve. HubSpot's answer to a path it does not
// serve (such as an API version it does not have) is not documented; the fake guesses a 404
// whose body looks like a missing object's, so a client cannot tell the two apart by the body.
func (s *Server) handleUnknown(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusNotFound, "OBJECT_NOT_FOUND", "Unable to find a resource for "+r.Method+" "+r.URL.Path)
}

// versioned serves fn for the API versions in Options.APIVersions, and handleUnknown otherwise.
func (s *Server) versioned(fn http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if v := r.PathValue("version"); v != "" && !s.served[v] {
			s.handleUnknown(w, r)
			return
		}
		fn(w, r)
	}
}

// wrap applies, in this order: counting and logging (legacy marks a v1-v4 path), dropped connection, injected
// status, authentication, scope checks, rate limits (plus rate-limit headers), latency, the handler.
func (s *Server) wrap(ep Endpoint, legacy bool, fn http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &fakehttp.StatusRecorder{ResponseWriter: w}
		entry := s.stats.begin(ep, legacy, r, s.now())
		defer func() { s.stats.end(entry, rec.Status) }()
		if len(r.RequestURI) > MaxURLLength {
			writeURITooLong(rec)
			return
		}
		if s.faults.TakeDrop(ep) {
			entry.Dropped = true
			fakehttp.DropConnection(w, `{"results":[{"id":`)
			return
		}
		if s.takeAnswer(rec, r, ep) {
			return
		}
		if sf, ok := s.faults.TakeStatus(ep); ok {
			status := sf.Status
			if status == http.StatusTooManyRequests {
				policy := PolicyTenSecondly
				if ep == EndpointSearch {
					policy = PolicySecondly
				}
				writeRateLimited(rec, policy)
			} else {
				writeServerError(rec, status)
			}
			return
		}
		if ep == EndpointToken || ep == EndpointOther || ep == EndpointJournalFile {
			s.delay(r, ep)
			fn(rec, r)
			return
		}
		kind, ok := s.authenticateFor(ep, rec, r) // journal_auth.go
		entry.Auth = kind
		if !ok {
			return
		}
		if scope := s.missingScope(ep); scope != "" {
			writeMissingScopes(rec, scope)
			return
		}
		if !s.limits.admit(rec, ep, kind, s.now()) {
			return
		}
		s.delay(r, ep)
		fn(rec, r)
	})
}

// delay applies the endpoint's latency (SetLatency) to an answer the handler gives. It comes
// after the rate limits: HubSpot's limiter counts a request when it arrives, not when its answer
// is ready, and a refused one is answered at once (how HubSpot counts is not documented; this is
// the model's guess, the one an API gateway in front of the service gives).
func (s *Server) delay(r *http.Request, ep Endpoint) {
	if d := s.faults.Latency(ep); d > 0 {
		s.opts.Sleep(r.Context(), d)
	}
}

func splitList(v string) []string {
	if v == "" {
		return nil
	}
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
