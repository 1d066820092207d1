// Package httpxtest holds what the tests of both connectors' HTTP clients share: an instant
// sleep that records its waits, servers that fail in each way a transport can, and clients
// whose connections no other test can close.
package httpxtest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Sleeps is an instant sleep (the SleepFunc shape) that records the waits asked of it. The zero
// value is ready; it is safe for concurrent use.
type Sleeps struct {
	mu    sync.Mutex
	waits []time.Duration
}

// Sleep records d and returns at once, with ctx.Err().
func (s *Sleeps) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

// Waits returns the waits recorded so far, in order.
func (s *Sleeps) Waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// Client returns an HTTP client with a transport of its own (a clone of http.DefaultTransport),
// whose idle connections are closed when t ends. Tests use it wherever a connector would
// otherwise fall back to http.DefaultTransport: every httptest.Server.Close, and every connector
// run that closes its client's idle connections, closes those of http.DefaultTransport, and a
// connection closed between the transport's putting it back in its pool and its handing over
// of an answer without a body (a redirect, a 204) fails a request of a test running in
// parallel with "http: CloseIdleConnections called".
func Client(t testing.TB) *http.Client {
	t.Helper()
	return &http.Client{Transport: Transport(t)}
}

// Transport is Client's transport, for tests that wrap it.
func Transport(t testing.TB) *http.Transport {
	t.Helper()
	base, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		t.Fatalf("http.DefaultTransport is a %T, not an *http.Transport: a test replaced it", http.DefaultTransport)
	}
	tr := base.Clone()
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

// Endpoint is a base URL whose requests fail in one way, and the cause a message about the
// failure must name.
type Endpoint struct {
	Name, URL, Cause string
	// Lasting is whether retrying cannot help until something changes.
	Lasting bool
}

// FailingEndpoints starts servers that fail in each way a transport can (a certificate no one
// trusts, a closed port, a host that does not resolve, a server that never answers) and returns
// their URLs; they stop when t ends. The "timeout" one needs a client with a Timeout.
func FailingEndpoints(t testing.TB) []Endpoint {
	t.Helper()
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(tlsSrv.Close)
	hang := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-hang }))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(hang) })
	// Port 1 (tcpmux) is below every ephemeral port range, so unlike a port just freed, no
	// server that a test running in parallel starts on port 0 can be given it.
	closed := "http://127.0.0.1:1"
	return []Endpoint{
		{"untrusted certificate", tlsSrv.URL, "TLS certificate is not signed by an authority this connector trusts", true},
		{"closed port", closed, "connection was refused", false},
		{"host that does not resolve", "https://connector-test.invalid", "connector-test.invalid does not resolve", true},
		{"timeout", slow.URL, "timed out", false},
	}
}
