package destination

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

func TestWriteLargeRequestsFlyAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: sends requests of 4.4 MB each, which takes seconds")
	}
	t.Parallel()
	// Every request holds four users of 1.1 MB (4.4 MB, near Insider's
	// limit); each is answered only once max_concurrent_requests of them
	// are in flight together.
	const concurrent = 4
	var mu sync.Mutex
	inflight, most := 0, 0
	all, giveUp := make(chan struct{}), make(chan struct{})
	// Each answer waits, as a slow Insider's does, until all are in flight.
	f := newInsider(t, fakeinsider.Options{Sleep: func(context.Context, time.Duration) {
		mu.Lock()
		inflight++
		most = max(most, inflight)
		if inflight == concurrent {
			close(all)
		}
		mu.Unlock()
		select {
		case <-all:
		case <-giveUp:
		}
		mu.Lock()
		inflight--
		mu.Unlock()
	}})
	f.SetLatency(fakeinsider.EndpointUpsert, time.Nanosecond)
	go func() {
		select {
		case <-all:
		case <-time.After(4 * failsafe):
			// Longer than the other tests' failsafe: on a starved machine the four
			// requests of 4.4 MB have been seen to reach the fake 10 s apart.
			close(giveUp)
		}
	}()
	big := strings.Repeat("x", 1_100_000)
	var in []string
	for i := range 4 * concurrent {
		in = append(in, recordLine("contacts", fmt.Sprintf(`{"id":"%d","hs_object_id":"%d","lifecyclestage":%q}`, i, i+10, big)))
	}
	in = append(in, stateLine("contacts", 1))
	cfg := baseConfig(f.URL, func(c map[string]any) { c["batch_size"] = 4; c["max_concurrent_requests"] = concurrent })
	r := runCmd(t, "write", cfg, in)
	if r.code != 0 {
		t.Fatalf("exit %d: %v", r.code, r.traces)
	}
	if len(f.bodies()) != concurrent || most != concurrent {
		t.Errorf("%d requests, at most %d in flight at once; want %d requests of about 4.4 MB, all in flight together",
			len(f.bodies()), most, concurrent)
	}
	if diff := echoes(r); len(diff) != 1 || diff[0].Count != 4*concurrent {
		t.Errorf("echoed %v, want one state covering %d records", diff, 4*concurrent)
	}
}
