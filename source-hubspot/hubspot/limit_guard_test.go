package hubspot

import (
	"context"
	"net/http"
	"net/http/httptrace"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/insider-hubspot/connectors/internal/httpx"
)

// TestSearchGuardKeepsFiveSendsPerSecond: a search sent late (five went out within 0.4 s of
// each other) makes the sixth wait until the first is 1.05 s old; with search lifted above
// HubSpot's limit there is no guard.
func TestSearchGuardKeepsFiveSendsPerSecond(t *testing.T) {
	clock := time.Unix(1000, 0)
	var slept []time.Duration
	sleep := clockSleep(&clock, &slept)
	lt := newClassLimit(nil, Limits{Search: 4.75}, sleep, func() time.Time { return clock })
	for i := 0; i < 5; i++ {
		if _, err := lt.searchGuard(context.Background()); err != nil {
			t.Fatal(err)
		}
		clock = clock.Add(100 * time.Millisecond)
	}
	if len(slept) != 0 {
		t.Fatalf("the first five sends waited %v", slept)
	}
	if _, err := lt.searchGuard(context.Background()); err != nil {
		t.Fatal(err)
	}
	if want := []time.Duration{550 * time.Millisecond}; len(slept) != 1 || slept[0] != want[0] {
		t.Errorf("the sixth send waited %v, want %v", slept, want)
	}
	if lifted := newClassLimit(nil, Limits{Search: 100}, sleep, time.Now); lifted.sends != nil {
		t.Error("a search budget above HubSpot's limit should have no guard")
	}
}

// TestSearchGuardCountsFromTheWrite: a search released on time but written to the connection
// 300 ms later counts from the write, so the sixth search waits until that write is 1.05 s old.
// RoundTrip reports the write through the request's httptrace.
func TestSearchGuardCountsFromTheWrite(t *testing.T) {
	clock := time.Unix(1000, 0)
	var slept []time.Duration
	sleep := clockSleep(&clock, &slept)
	var writeDelay time.Duration
	next := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		clock = clock.Add(writeDelay)
		if tr := httptrace.ContextClientTrace(r.Context()); tr != nil && tr.WroteRequest != nil {
			tr.WroteRequest(httptrace.WroteRequestInfo{})
		}
		return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Header: http.Header{}}, nil
	})
	lt := newClassLimit(next, Limits{Search: rate.Inf}, sleep, func() time.Time { return clock })
	lt.sends = make([]send, searchWindowCalls) // the guard alone, without the token bucket
	search := func() {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, "http://x/crm/objects/2026-09/contacts/search", http.NoBody)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := lt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
	}
	writeDelay = 300 * time.Millisecond
	search() // released at 0, written at 0.3 s
	writeDelay = 0
	for i := 0; i < 4; i++ {
		clock = clock.Add(100 * time.Millisecond)
		search()
	}
	if len(slept) != 0 {
		t.Fatalf("the first five sends waited %v", slept)
	}
	search() // at 0.7 s: must wait until 0.3 + 1.05 s
	if want := 650 * time.Millisecond; len(slept) != 1 || slept[0] != want {
		t.Errorf("the sixth send waited %v, want %v (from the first one's write, not its release)", slept, want)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// clockSleep is an httpx.SleepFunc that notes each wait and moves *clock on by it.
func clockSleep(clock *time.Time, slept *[]time.Duration) httpx.SleepFunc {
	return func(_ context.Context, d time.Duration) error {
		*slept = append(*slept, d)
		*clock = clock.Add(d)
		return nil
	}
}
