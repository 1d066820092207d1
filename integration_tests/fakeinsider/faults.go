package fakeinsider

import (
	"bytes"
	"net/http"
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
	EndpointProfile   Endpoint = "profile"
	EndpointDelete    Endpoint = "delete"
	EndpointAnonymize Endpoint = "anonymize"
	EndpointIdentity  Endpoint = "identity"
	// EndpointAttributeDelete is POST /api/user/v1/attribute/delete.
	EndpointAttributeDelete Endpoint = "attribute_delete"
	// EndpointIdentityDelete is DELETE /api/user/v1/identity (delete an identifier).
	EndpointIdentityDelete Endpoint = "identity_delete"
	EndpointAny            Endpoint = "any"
)

// faults holds switchable failures: the shared per-endpoint ones and Insider's own.
type faults struct {
	*fakehttp.Faults[Endpoint]
	mu          sync.Mutex
	identifiers map[string]int // identifier value -> status served
	refused     [][]byte       // user bytes that make Insider refuse the whole request
	rejections  []rejection    // user bytes that make Insider reject that user (RejectUserBytes)
	answers     map[Endpoint][]Answer
	denied      bool // answer 403 Access Denied to valid credentials
}

func (f *faults) accessDenied() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.denied
}

// DenyAccess makes every request with valid credentials answer 403 Access Denied (the key's
// package lacks the API, or the IP allow-list excludes the caller) until ClearFaults.
func (s *Server) DenyAccess() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.denied = true
}

func newFaults() *faults {
	return &faults{Faults: fakehttp.NewFaults(EndpointAny), identifiers: map[string]int{}, answers: map[Endpoint][]Answer{}}
}

// Answer is a raw answer served in Insider's place: what a proxy, a CDN page or a web site
// at a wrong address sends. Location, when set, is sent as the Location header.
type Answer struct {
	Status      int
	ContentType string
	Body        string
	Location    string
}

// Answers that are not Insider's, for AnswerNext.
var (
	// AnswerHTML is a 200 HTML page (a CDN challenge or captive portal).
	AnswerHTML = Answer{Status: http.StatusOK, ContentType: "text/html; charset=utf-8",
		Body: "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>"}
	// AnswerEmpty is a 200 with an empty body.
	AnswerEmpty = Answer{Status: http.StatusOK}
	// AnswerOtherJSON is a 200 with JSON that is not Insider's upsert answer.
	AnswerOtherJSON = Answer{Status: http.StatusOK, ContentType: "application/json", Body: `{"status":"ok"}`}
)

// Redirect is a redirect answer to location (301, 302, 307 or 308).
func Redirect(status int, location string) Answer { return Answer{Status: status, Location: location} }

// AnswerNext makes the next n requests to ep get a instead of Insider's answer; nothing of
// them is stored.
func (s *Server) AnswerNext(ep Endpoint, n int, a Answer) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	for range n {
		s.faults.answers[ep] = append(s.faults.answers[ep], a)
	}
}

// takeAnswer returns the queued answer for this request to ep, if any.
func (f *faults) takeAnswer(ep Endpoint) (Answer, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, e := range []Endpoint{ep, EndpointAny} {
		if q := f.answers[e]; len(q) > 0 {
			f.answers[e] = q[1:]
			return q[0], true
		}
	}
	return Answer{}, false
}

func (a Answer) serve(w http.ResponseWriter) {
	if a.ContentType != "" {
		w.Header().Set("Content-Type", a.ContentType)
	}
	if a.Location != "" {
		w.Header().Set("Location", a.Location)
	}
	w.WriteHeader(a.Status)
	_, _ = w.Write([]byte(a.Body))
}

// RefuseUserBytes makes every upsert request holding a user whose JSON contains b answer
// 400 {"error":"invalid request body: bad request"} for the whole request, as Insider does
// when one user spoils the body (a value its parser refuses), until ClearFaults. Nothing of
// such a request is stored. [inferred]: the 400 for an unparseable body is Insider's
// documented status for a bad request; the message is a guess.
func (s *Server) RefuseUserBytes(b string) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.refused = append(s.faults.refused, []byte(b))
}

// refusesUser reports whether user holds bytes set with RefuseUserBytes.
func (f *faults) refusesUser(user []byte) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, b := range f.refused {
		if bytes.Contains(user, b) {
			return true
		}
	}
	return false
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

// FailIdentifierWith is FailIdentifier with another status: 400 refuses the whole request for
// that one user (a connector splits the batch to deliver the others), another 4xx makes the
// batch fail at once (a connector neither retries nor splits it), 500 fails it after the
// connector's retries run out.
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
	s.faults.refused = nil
	s.faults.rejections = nil
	s.faults.answers = map[Endpoint][]Answer{}
	s.faults.denied = false
}
