package fakeinsider

import (
	"bytes"
	"io"
	"net/http"
)

// receive keeps the body of an upsert request as it arrived, before any fault or check answers
// it, and gives the handler the same bytes. A body over MaxBodyBytes is kept to its first
// MaxBodyBytes+1 bytes.
func (s *Server) receive(r *http.Request) {
	b, err := io.ReadAll(io.LimitReader(r.Body, int64(s.opts.MaxBodyBytes)+1))
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(b), r.Body), r.Body}
	if err != nil {
		return
	}
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	s.stats.received = append(s.stats.received, b)
	if len(s.stats.received) > s.stats.maxBody {
		s.stats.received = s.stats.received[1:]
	}
}

// ReceivedBodies returns the bodies of the last Options.MaxLoggedBodies upsert requests, oldest
// first, whatever they were answered: also those a fault, a header check or a limit refused
// (LastBodies holds only the requests the upsert handler read).
func (s *Server) ReceivedBodies() [][]byte {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return append([][]byte(nil), s.stats.received...)
}
