package fakehubspot

import (
	"net/http"
	"sync"
)

// Answer is a raw answer served in HubSpot's place: a status, headers and a body the caller
// writes, for the answers the fake does not produce itself (a Retry-After header, a particular
// error body, a 404 from a path HubSpot stopped serving). Nothing about it is checked.
type Answer struct {
	Status int
	Header http.Header
	Body   string
}

// answers holds the queued raw answers per endpoint.
type answers struct {
	mu sync.Mutex
	q  map[Endpoint][]Answer
}

// AnswerNext makes the next n requests to ep (EndpointAny: to any endpoint) get a instead of the
// fake's answer. Queued answers are served in order, after dropped connections and before
// FailNext's statuses, before authentication, and they count in the request log.
func (s *Server) AnswerNext(ep Endpoint, n int, a Answer) {
	s.answers.mu.Lock()
	defer s.answers.mu.Unlock()
	if s.answers.q == nil {
		s.answers.q = map[Endpoint][]Answer{}
	}
	for range n {
		s.answers.q[ep] = append(s.answers.q[ep], a)
	}
}

// ClearAnswers removes the answers queued with AnswerNext.
func (s *Server) ClearAnswers() {
	s.answers.mu.Lock()
	defer s.answers.mu.Unlock()
	s.answers.q = nil
}

// takeAnswer serves the answer queued for this request to ep, if any, and reports whether it did.
func (s *Server) takeAnswer(w http.ResponseWriter, r *http.Request, ep Endpoint) bool {
	s.answers.mu.Lock()
	var a Answer
	found := false
	for _, e := range []Endpoint{ep, EndpointAny} {
		if q := s.answers.q[e]; len(q) > 0 {
			a, found = q[0], true
			s.answers.q[e] = q[1:]
			break
		}
	}
	s.answers.mu.Unlock()
	if !found {
		return false
	}
	for k, v := range a.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(a.Status)
	_, _ = w.Write([]byte(a.Body))
	return true
}
