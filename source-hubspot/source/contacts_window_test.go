package source

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// probeHold is a transport that holds every one-result search (the window's probes) until a
// page of 200 after the first one has been answered, so a reader that waits for its probes
// before paging on would never get them answered (the hold then gives up after a guard).
type probeHold struct {
	next    http.RoundTripper
	once    sync.Once
	paged   chan struct{} // closed when a later page was answered while a probe was held
	mu      sync.Mutex
	pages   int
	held    bool // a probe was held when a page was answered
	probe   int  // probes seen
	holding int  // probes held now
}

func (p *probeHold) RoundTrip(r *http.Request) (*http.Response, error) {
	var req struct{ Limit int }
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/search") && r.Body != nil {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if err := json.Unmarshal(body, &req); err != nil {
			return nil, err
		}
	}
	if req.Limit == 1 {
		p.mu.Lock()
		p.probe++
		p.holding++
		p.mu.Unlock()
		select {
		case <-p.paged:
		case <-time.After(probeHoldGuard):
		case <-r.Context().Done():
		}
		p.mu.Lock()
		p.holding--
		p.mu.Unlock()
		return p.next.RoundTrip(r)
	}
	resp, err := p.next.RoundTrip(r)
	if err == nil && req.Limit > 1 {
		p.mu.Lock()
		p.pages++
		if p.pages >= 2 && p.holding > 0 {
			p.held = true
			p.once.Do(func() { close(p.paged) })
		}
		p.mu.Unlock()
	}
	return resp, err
}

// probeHoldGuard ends a hold that nothing releases, so a reader that waits for its probes fails
// the test instead of hanging it.
const probeHoldGuard = 20 * time.Second

// TestWindowPagesOnWhileProbesAreOut: after the first page of a large window, the probes that
// choose how to read the rest (density, highest id) do not stop the paging: the next page is
// read while they are unanswered, and every contact still comes once.
func TestWindowPagesOnWhileProbesAreOut(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	recent := t0.Add(-30 * time.Minute)
	e.fake.addContacts(1, 3000, t0.Add(-48*time.Hour))
	e.fake.addContacts(5001, 6000, recent)
	hold := &probeHold{next: e.fake.HTTPServer().Client().Transport, paged: make(chan struct{})}
	e.http = &http.Client{Transport: hold}
	readWindow(t, e, wantIDs(5001, 6000))
	hold.mu.Lock()
	defer hold.mu.Unlock()
	if !hold.held {
		t.Errorf("no page was read while the window's %d probes were out", hold.probe)
	}
}

// TestSpreadWindowResumesFromEveryState: a window spread over the ids (3 in 8 of them), read by
// search and list because the list pays, resumes from each of its STATEs without losing a
// contact, and a run that is not stopped delivers each contact once.
func TestSpreadWindowResumesFromEveryState(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.opts = append(e.opts, WithCheckpointEvery(700))
	want := e.fake.addInterleaved(20, 500, 300, t0.Add(-48*time.Hour), t0.Add(-30*time.Minute))
	full, cat := readWindow(t, e, want)
	if n := e.fake.callCount(pathList); n < 10 {
		t.Fatalf("%d list calls: the spread window should be read by list too", n)
	}
	if backfills := len(resumeFromEachState(t, e, cat, full, want, isBackfill)); backfills < 3 {
		t.Errorf("only %d backfill checkpoints for %d contacts every 700", backfills, len(want))
	}
}
