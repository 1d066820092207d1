package insider

import (
	"context"
	"time"

	"github.com/insider-hubspot/connectors/internal/httpx"
)

// backoff is DefaultBackoff's schedule.
var backoff = httpx.Backoff{Base: time.Second, Max: time.Minute}

// DefaultBackoff is exponential backoff with equal jitter (httpx.Backoff): a
// random wait in [d/2, d] where d = 1 s · 2^(attempt-1), capped at 60 s.
func DefaultBackoff(attempt int) time.Duration { return backoff.Delay(attempt) }

// Sleep waits d, returning early with ctx.Err() when ctx is done.
func Sleep(ctx context.Context, d time.Duration) error { return httpx.Sleep(ctx, d) }
