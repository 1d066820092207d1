package hubspot

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

// TestDailyRemainingIgnoresStaleAnswers: answers to concurrent requests arrive out of order, so
// an answer that says more requests are left than an earlier one is stale and must not raise the
// count the backfill's daily reserve is checked against; a higher count long after the last drop
// is the daily reset and is believed.
func TestDailyRemainingIgnoresStaleAnswers(t *testing.T) {
	clock := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	lt := newLimitTransport(nil, Limits{}, nil, func() time.Time { return clock })
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
