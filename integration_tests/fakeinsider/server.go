package fakeinsider

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehttp"
)

// Options configure a fake Insider One. The zero value is usable.
type Options struct {
	// PartnerName is the account name X-PARTNER-NAME must equal exactly; it is lower-cased, so a
	// header in any other case is refused. Default "testpartner".
	PartnerName string
	// APIKey is the UCD token X-REQUEST-TOKEN must equal. Default "test-api-key".
	APIKey string
	// Clock stamps requests and profile updates. Default time.Now.
	Clock func() time.Time
	// Sleep implements SetLatency delays. Default: a timer that also ends when ctx ends.
	Sleep func(ctx context.Context, d time.Duration)
	// MaxUsers per upsert request (Insider: 1,000) and MaxBodyBytes (Insider: 5 MB, taken as
	// 5,000,000 bytes). Defaults to those values.
	MaxUsers, MaxBodyBytes int
	// MaxLoggedBodies is how many request bodies the log keeps (oldest dropped). Default 20.
	MaxLoggedBodies int
	// CustomAttributes are the custom attributes the account declares, name (without c_) ->
	// type ("string", "number", "boolean", "date", "array"). nil: DefaultCustomAttributes.
	// Values of undeclared or mistyped attributes are left out (see account.go).
	CustomAttributes map[string]string
	// IdentityIdentifiers are the identifier types enabled in the account's Identity Resolution
	// Management ("email", "phone_number", "uuid", "custom.<name>"); nil: all of them, every
	// custom identifier included. Identifiers of other types are kept as attributes by upserts
	// and refused by the identity API with 400 "no valid identifier: bad request".
	IdentityIdentifiers []string
	// IdentifierPriority is the priority order of identifier types when an upsert's identifiers
	// lead to profiles that cannot all be unified (identity.go); "custom" stands for the custom
	// identifiers not listed by name. nil: DefaultIdentifierPriority.
	IdentifierPriority []string
	// EventRetention is how long custom events are kept; older ones are not written. Default
	// DefaultEventRetention (90 days); purchase events are kept at least 730 days.
	EventRetention time.Duration
	// PIIAttributes are the custom attributes the account marks as PII: the anonymize API
	// removes them with the default PII attributes (deletes.go). Default none.
	PIIAttributes []string
	// EmptyAttributeDeleteAnswer makes POST /api/user/v1/attribute/delete answer 200 {} (the
	// form its documentation page shows) instead of the counts (its sample answer) when no user
	// failed. Insider documents both.
	EmptyAttributeDeleteAnswer bool
	// RateLimits are the per-minute budgets the fake enforces, by endpoint (budget.go); nil:
	// none. DefaultRateLimits holds Insider's documented ones; a test may pass smaller ones.
	RateLimits map[Endpoint]int
	// NoMetadata makes POST /api/user/v3/metadata/columns answer 404, as on a host without it.
	NoMetadata bool
}

func (o *Options) defaults() {
	if o.PartnerName == "" {
		o.PartnerName = "testpartner"
	}
	o.PartnerName = strings.ToLower(o.PartnerName) // Insider account names are lowercase
	if o.APIKey == "" {
		o.APIKey = "test-api-key"
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = fakehttp.Sleep
	}
	if o.MaxUsers <= 0 {
		o.MaxUsers = 1000
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 5000000
	}
	if o.MaxLoggedBodies <= 0 {
		o.MaxLoggedBodies = 20
	}
	if o.EventRetention <= 0 {
		o.EventRetention = DefaultEventRetention
	}
}

// Server is a running fake Insider One UCD API. All methods are safe for concurrent use.
type Server struct {
	// Server gives URL (use it as api_base_url), HTTPServer, Start and Close.
	fakehttp.Server

	opts    Options
	db      *profileDB
	faults  *faults
	stats   *stats
	account *account
	budgets *budgets
}

// New starts a fake Insider on 127.0.0.1 with a free port. Call Close when done.
func New(opts Options) *Server {
	s := NewUnstarted(opts)
	s.Start()
	return s
}

// NewUnstarted builds the fake without listening, so a caller can replace
// HTTPServer().Listener before Start.
func NewUnstarted(opts Options) *Server {
	opts.defaults()
	s := &Server{opts: opts, db: newProfileDB(), faults: newFaults(), stats: newStats(opts.MaxLoggedBodies), account: newAccount(opts),
		budgets: newBudgets(opts.RateLimits)}
	mux := http.NewServeMux()
	mux.Handle("POST /api/user/v1/upsert", s.wrap(EndpointUpsert, s.handleUpsert))
	if !opts.NoMetadata {
		mux.Handle("POST /api/user/v3/metadata/columns", s.wrap(EndpointColumns, s.handleColumns))
	}
	mux.Handle("POST /api/user/v1/profile", s.wrap(EndpointProfile, s.handleProfile))
	mux.Handle("POST /api/user/v1/attribute/delete", s.wrap(EndpointAttributeDelete, s.handleAttributeDelete))
	mux.Handle("POST /api/user/v1/delete", s.wrap(EndpointDelete, s.handleDelete))
	mux.Handle("POST /api/user/v1/anonymize", s.wrap(EndpointAnonymize, s.handleAnonymize))
	mux.Handle("PATCH /api/user/v1/identity", s.wrap(EndpointIdentity, s.handleIdentity))
	mux.Handle("DELETE /api/user/v1/identity", s.wrap(EndpointIdentityDelete, s.handleDeleteIdentity))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not found: " + r.URL.Path})
	})
	s.Server = fakehttp.NewServer(mux)
	return s
}

// Options returns the effective options.
func (s *Server) Options() Options { return s.opts }

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// Documented error bodies (Insider's Postman collection; the status-code page).
var (
	bodyAccessDenied = map[string]any{"success": false,
		"message": "Access Denied. You do not have sufficient access to perform this action."}
	bodyUnknownError = map[string]any{"success": false,
		"message": "The request processing has failed because of an unknown error."}
	bodyTooMany        = map[string]string{"error": "rejected: too many requests"}
	bodyPartnerInvalid = map[string]any{"success": false, "message": "Partner is invalid."}
	bodyBadToken       = map[string]any{"success": false, "message": "Partner token authentication failed."}
)

// wrap applies, in order: logging, latency, dropped connection, injected status, header auth.
func (s *Server) wrap(ep Endpoint, fn func(http.ResponseWriter, *http.Request, *Request)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &fakehttp.StatusRecorder{ResponseWriter: w}
		req := &Request{Time: s.opts.Clock(), Endpoint: ep, PartnerName: r.Header.Get("X-PARTNER-NAME")}
		defer func() { s.stats.record(req, rec.Status) }()
		if ep == EndpointUpsert {
			s.receive(r)
		}
		if d := s.faults.Latency(ep); d > 0 {
			s.opts.Sleep(r.Context(), d)
		}
		if s.faults.TakeDrop(ep) {
			req.Dropped = true
			fakehttp.DropConnection(w, `{"data":{"succ`)
			return
		}
		if a, ok := s.faults.takeAnswer(ep); ok {
			a.serve(rec)
			return
		}
		if f, ok := s.faults.TakeStatus(ep); ok {
			if f.Status == http.StatusTooManyRequests {
				if f.RetryAfter > 0 {
					rec.Header().Set("Retry-After", strconv.Itoa(int(f.RetryAfter/time.Second)))
				}
				writeJSON(rec, f.Status, bodyTooMany)
			} else {
				writeJSON(rec, f.Status, bodyUnknownError)
			}
			return
		}
		switch {
		case r.Header.Get("X-PARTNER-NAME") != s.opts.PartnerName:
			// 400 "Partner is invalid." (from a third-party copy of Insider's status
			// page). The partner name must be lowercase, so a name that differs only in case is
			// refused too.
			writeJSON(rec, http.StatusBadRequest, bodyPartnerInvalid)
			return
		case r.Header.Get("X-REQUEST-TOKEN") != s.opts.APIKey:
			// 401 "Partner token authentication failed." (same page; which of its two 401 texts
			// goes with which case is a guess).
			writeJSON(rec, http.StatusUnauthorized, bodyBadToken)
			return
		case s.faults.accessDenied():
			// 403 Access Denied: the key lacks this API in the account's package, or the
			// caller's IP is not in the key's allow-list.
			writeJSON(rec, http.StatusForbidden, bodyAccessDenied)
			return
		case ep != EndpointProfile && s.throttle(rec, ep, 1):
			return // the profile API's cost depends on its body: its handler takes it
		}
		fn(rec, r, req)
	})
}
