package source

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/datagen"
	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/internal/httpx/httpxtest"
	"github.com/insider-hubspot/connectors/protocol"
)

// gate holds each event occurrences request until want of them are in flight at once (or a
// minute passes, which only a sequential reader waits for: a concurrent one on a starved
// machine can take seconds to have its third request out).
type gate struct {
	next     http.RoundTripper
	want     int
	mu       sync.Mutex
	inFlight int
	most     int
	open     chan struct{}
}

func (g *gate) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.Contains(req.URL.Path, "/event-occurrences/") {
		return g.next.RoundTrip(req)
	}
	g.mu.Lock()
	g.inFlight++
	g.most = max(g.most, g.inFlight)
	if g.inFlight >= g.want {
		select {
		case <-g.open:
		default:
			close(g.open)
		}
	}
	g.mu.Unlock()
	select {
	case <-g.open:
	case <-time.After(time.Minute): // failsafe: the reader is sequential
	case <-req.Context().Done():
	}
	defer func() { g.mu.Lock(); g.inFlight--; g.mu.Unlock() }()
	return g.next.RoundTrip(req)
}

// TestEventTypesAreReadConcurrently: three event streams have a call in flight at once, and
// every occurrence of each is delivered.
func TestEventTypesAreReadConcurrently(t *testing.T) {
	t.Parallel()
	e, srv := sharedEnv(t, fakehubspot.Options{})
	g := &gate{next: httpxtest.Transport(t), want: 3, open: make(chan struct{})}
	e.http = &http.Client{Transport: g}
	end := t0.Add(-time.Hour)
	ids := srv.AddContacts(datagen.Contacts(datagen.Options{Seed: 3, Count: 50, End: end})...)
	srv.AddEvents(datagen.Events(datagen.EventOptions{Seed: 3, ContactIDs: ids, Count: 900, Start: end.Add(-48 * time.Hour), End: end})...)
	defs := srv.EventDefinitions()
	if len(defs) < 3 {
		t.Fatalf("the fake has %d event definitions; the test needs 3", len(defs))
	}
	want := map[string]int{}
	var names []string
	for _, d := range defs[:3] {
		names = append(names, "event_"+d.FullyQualifiedName)
	}
	for _, ev := range srv.Events() {
		want["event_"+ev.EventType]++
	}
	res := e.read(e.catalog(protocol.SyncModeIncremental, names...), nil)
	if res.code != 0 {
		t.Fatalf("exit %d: %v", res.code, res.traceErrors())
	}
	for _, n := range names {
		if got := len(res.records(n)); got != want[n] || got == 0 {
			t.Errorf("%s: %d records, want %d", n, got, want[n])
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.most < 3 {
		t.Errorf("at most %d event occurrence calls in flight at once; want the 3 types read concurrently", g.most)
	}
}
