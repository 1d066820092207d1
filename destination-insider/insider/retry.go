package insider

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/insider-hubspot/connectors/internal/httpx"
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
func Sleep(ctx context.Context, d time.Duration) error { return httpx.Sleep(ctx, d) }
