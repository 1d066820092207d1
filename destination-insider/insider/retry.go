package insider

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Backoff bounds used by DefaultBackoff.
const (
	backoffBase = time.Second
	backoffCap  = time.Minute
)

// DefaultBackoff is exponential backoff with full jitter: a random wait in
// [d/2, d] where d = 1 s · 2^(attempt-1), capped at 60 s.
func DefaultBackoff(attempt int) time.Duration {
	d := backoffCap
	if attempt < 7 {
		d = min(backoffBase<<max(attempt-1, 0), backoffCap)
	}
	half := d / 2
	return half + rand.N(half+1)
}

// Sleep waits d, returning early with ctx.Err() when ctx is done.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// parseRetryAfter reads a Retry-After header given in seconds or as an
// HTTP date; it returns 0 when the header is absent or unreadable.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s > maxRetryAfter.Seconds() {
			return maxRetryAfter
		}
		return max(time.Duration(s*float64(time.Second)), 0)
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), maxRetryAfter)
	}
	return 0
}
