package httpx

import (
	"math/rand/v2"
	"time"
)

// Backoff is exponential backoff with equal jitter: before retry n (1-based) it waits d/2 plus a
// random part of at most d/2, where d = Base·2^(n-1) capped at Max. Half of every wait is fixed,
// so retries never bunch up at zero; the random half spreads the clients of one outage apart.
type Backoff struct {
	Base, Max time.Duration
}

// Delay is the wait before retry n.
func (b Backoff) Delay(n int) time.Duration {
	d := b.Base << min(max(n-1, 0), 30)
	if d > b.Max || d <= 0 {
		d = b.Max
	}
	half := d / 2
	return half + rand.N(half+1)
}
