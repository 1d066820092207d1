package hubspot

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// TestDailyRemainingIgnoresStaleAnswers: answers to concurrent requests arrive out of order, so
// an answer that says more requests are left than an earlier one is stale and must not raise the
// count the backfill's daily reserve is checked against; a higher count long after the last drop
// is the daily reset and is believed.
func TestDailyRemainingIgnoresStaleAnswers(t *testing.T) {
	clock := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	lt := newClassLimit(nil, Limits{}, nil, func() time.Time { return clock })
	c := &Client{limiter: lt}
	answer := func(left int) {
		h := http.Header{}
		h.Set("X-HubSpot-RateLimit-Daily", "40")
		h.Set("X-HubSpot-RateLimit-Daily-Remaining", strconv.Itoa(left))
		lt.observeDaily(h)
	}
	steps := []struct {
		advance time.Duration
		left    int
		want    int
	}{
		{0, 10, 10},
		{10 * time.Millisecond, 8, 8},
		{10 * time.Millisecond, 9, 8}, // sent before the answer that said 8
		{10 * time.Millisecond, 7, 7},
		{dailyRecount - time.Millisecond, 9, 7},
		{dailyRecount, 40000, 40000}, // the limit reset at midnight
	}
	for i, s := range steps {
		clock = clock.Add(s.advance)
		answer(s.left)
		if got, limit, known := c.DailyRemaining(); got != s.want || limit != 40 || !known {
			t.Fatalf("step %d: answer %d left: DailyRemaining = %d of %d (known %v), want %d of 40", i, s.left, got, limit, known, s.want)
		}
	}
}

// TestDailyReserveStopsEveryCall: once the daily count (minus the requests still in flight) is
// down to the reserve, no call of any kind is sent; each fails with a *DailyReserveError that
// names the count. Before any answer carried the daily headers (OAuth), nothing is refused.
func TestDailyReserveStopsEveryCall(t *testing.T) {
	var mu sync.Mutex
	left, sent := 60, 0                // the fake account's daily count (its limit is 100: a reserve of 2) and the calls it got
	var arrived, release chan struct{} // when set, each call says it arrived and its answer waits for release
	next := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		h := http.Header{}
		mu.Lock()
		sent++
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/search") {
			left--
			h.Set("X-HubSpot-RateLimit-Daily", "100")
			h.Set("X-HubSpot-RateLimit-Daily-Remaining", strconv.Itoa(left))
		}
		mu.Unlock()
		if arrived != nil {
			arrived <- struct{}{}
			<-release
		}
		return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Header: h}, nil
	})
	lt := newClassLimit(next, Limits{Search: rate.Inf, Other: rate.Inf}, nil, time.Now)
	call := func(method, path string) error {
		req, err := http.NewRequestWithContext(context.Background(), method, "http://x"+path, http.NoBody)
		if err != nil {
			return err
		}
		resp, err := lt.RoundTrip(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	const list, search, batch, events = "/crm/objects/2026-09/contacts", "/crm/objects/2026-09/contacts/search",
		"/crm/objects/2026-09/contacts/batch/read", "/events/2026-03/events/occurrences"
	if err := call(http.MethodPost, search); err != nil {
		t.Fatalf("a search before the daily count is known: %v", err)
	}
	for left > 2 {
		if err := call(http.MethodGet, list); err != nil {
			t.Fatalf("list with %d left: %v", left, err)
		}
	}
	before := sent
	for _, c := range [][2]string{{http.MethodGet, list}, {http.MethodPost, search}, {http.MethodPost, batch}, {http.MethodGet, events}} {
		err := call(c[0], c[1])
		var de *DailyReserveError
		if !errors.As(err, &de) || de.Left != 2 || de.Limit != 100 || de.Reserve != 2 || de.Path != c[1] ||
			!strings.Contains(err.Error(), "2 of 100") {
			t.Errorf("%s %s with 2 of 100 left: err %v, want a *DailyReserveError naming 2 of 100", c[0], c[1], err)
		}
	}
	if sent != before {
		t.Errorf("%d calls sent past the reserve", sent-before)
	}

	// Requests in flight count before their answers do: with 5 left, three go out at once and
	// the fourth is refused.
	left = 5
	lt = newClassLimit(next, Limits{Search: rate.Inf, Other: rate.Inf}, nil, time.Now)
	lt.observeDaily(http.Header{"X-Hubspot-Ratelimit-Daily": {"100"}, "X-Hubspot-Ratelimit-Daily-Remaining": {"5"}})
	arrived, release = make(chan struct{}), make(chan struct{})
	errs := make(chan error, 3)
	for range 3 {
		go func() { errs <- call(http.MethodGet, list) }()
		<-arrived
	}
	var de *DailyReserveError
	if err := call(http.MethodGet, list); !errors.As(err, &de) || de.Left != 2 {
		t.Errorf("a fourth call with 5 left and 3 in flight: err %v, want a *DailyReserveError with 2 left", err)
	}
	close(release)
	for range 3 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
