package hubspot

import (
	"context"
	"testing"
	"time"
)

// TestSearchGuardKeepsFiveSendsPerSecond: a search sent late (five went out within 0.4 s of
// each other) makes the sixth wait until the first is 1.05 s old; with search lifted above
// HubSpot's limit there is no guard.
func TestSearchGuardKeepsFiveSendsPerSecond(t *testing.T) {
	clock := time.Unix(1000, 0)
	var slept []time.Duration
	sleep := func(_ context.Context, d time.Duration) error {
		slept = append(slept, d)
		clock = clock.Add(d)
		return nil
	}
	lt := newLimitTransport(nil, Limits{Search: 4.75}, sleep, func() time.Time { return clock })
	for i := 0; i < 5; i++ {
		if err := lt.searchGuard(context.Background()); err != nil {
			t.Fatal(err)
		}
		clock = clock.Add(100 * time.Millisecond)
	}
	if len(slept) != 0 {
		t.Fatalf("the first five sends waited %v", slept)
	}
	if err := lt.searchGuard(context.Background()); err != nil {
		t.Fatal(err)
	}
	if want := []time.Duration{550 * time.Millisecond}; len(slept) != 1 || slept[0] != want[0] {
		t.Errorf("the sixth send waited %v, want %v", slept, want)
	}
	if lifted := newLimitTransport(nil, Limits{Search: 100}, sleep, time.Now); lifted.sends != nil {
		t.Error("a search budget above HubSpot's limit should have no guard")
	}
}
