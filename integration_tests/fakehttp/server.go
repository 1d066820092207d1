package fakehttp

import (
	"net/http"
	"net/http/httptest"
)

// Server is the httptest server a fake answers on, built unstarted so that a caller can set
// HTTPServer().Listener (to bind a fixed address) before Start. Fakes embed it.
type Server struct {
	// URL is the base URL once started, e.g. http://127.0.0.1:12345; use it as api_base_url.
	URL string

	http *httptest.Server
}

// NewServer returns an unstarted Server answering with h.
func NewServer(h http.Handler) Server { return Server{http: httptest.NewUnstartedServer(h)} }

// HTTPServer exposes the underlying httptest server (for custom listeners).
func (s *Server) HTTPServer() *httptest.Server { return s.http }

// Start starts the server on its listener (127.0.0.1 and a free port unless replaced) and sets URL.
func (s *Server) Start() {
	s.http.Start()
	s.URL = s.http.URL
}

// Close shuts the server down, closing client connections.
func (s *Server) Close() {
	s.http.CloseClientConnections()
	s.http.Close()
}

// Copies returns the values ps points to, in order: a snapshot of a log of *T that its owner
// goes on changing.
func Copies[T any](ps []*T) []T {
	out := make([]T, len(ps))
	for i, p := range ps {
		out[i] = *p
	}
	return out
}
