package destination

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

// TestLongRetryAfterEndsTheWriteWithTransientError checks the shared wait rule on the Insider
// side: a 429 asking for half an hour is not waited out (before, each of 7 retries waited 5
// minutes, silently); the run logs the wait with the endpoint, holds the batch back and ends
// with a transient_error saying when to run again.
func TestLongRetryAfterEndsTheWriteWithTransientError(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	f.RateLimitNext(fakeinsider.EndpointUpsert, 100, 30*time.Minute) // Retry-After: 1800
	url := f.URL
	var mu sync.Mutex
	var slept []time.Duration
	r := runCmd(t, "write", baseConfig(url, nil), []string{contact(1), stateLine("contacts", 1)},
		WithMaxAttempts(8),
		WithClock(func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }),
		WithSleep(func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			slept = append(slept, d)
			mu.Unlock()
			return ctx.Err()
		}))
	if r.code == 0 {
		t.Fatal("the write succeeded")
	}
	if len(slept) != 0 {
		t.Errorf("the write waited %v", slept)
	}
	if len(r.states) != 0 {
		t.Errorf("a state was echoed for a record that was not delivered: %v", r.states)
	}
	if len(r.traces) == 0 {
		t.Fatal("no TRACE")
	}
	te := r.traces[len(r.traces)-1]["error"].(map[string]any)
	if te["failure_type"] != "transient_error" {
		t.Errorf("failure_type %v, want transient_error", te["failure_type"])
	}
	msg := te["message"].(string)
	for _, want := range []string{"30m0s", "POST /api/user/v1/upsert", "run the sync again after 2026-01-02 03:34 UTC", "held back"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not contain %q", msg, want)
		}
	}
	warned := false
	for _, l := range r.logs {
		warned = warned || (strings.Contains(l, "30m0s") && strings.Contains(l, "/api/user/v1/upsert"))
	}
	if !warned {
		t.Errorf("no log names the wait and the endpoint: %v", r.logs)
	}
}

// TestBackoffOptionSetsTheRetryWaits: a 503 without Retry-After is retried after the wait
// WithBackoff gives for each attempt, and WithMaxAttempts bounds the tries.
func TestBackoffOptionSetsTheRetryWaits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		failures int
		succeeds bool
	}{{2, true}, {3, false}} {
		f := newInsider(t, fakeinsider.Options{})
		f.FailNext(fakeinsider.EndpointUpsert, tc.failures, 503)
		var mu sync.Mutex
		var slept []time.Duration
		r := runCmd(t, "write", baseConfig(f.URL, nil), []string{contact(1), stateLine("contacts", 1)},
			WithMaxAttempts(3),
			WithBackoff(func(attempt int) time.Duration { return time.Duration(attempt) * 7 * time.Millisecond }),
			WithSleep(func(ctx context.Context, d time.Duration) error {
				mu.Lock()
				slept = append(slept, d)
				mu.Unlock()
				return ctx.Err()
			}))
		if (r.code == 0) != tc.succeeds {
			t.Errorf("%d failures with WithMaxAttempts(3): exit %d", tc.failures, r.code)
		}
		if want := []time.Duration{7 * time.Millisecond, 14 * time.Millisecond}; !slices.Equal(slept, want) {
			t.Errorf("%d failures: retry waits %v, want %v from WithBackoff", tc.failures, slept, want)
		}
	}
}
