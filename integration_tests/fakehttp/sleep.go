package fakehttp

import (
	"context"
	"time"
)

// Sleep waits d, or until ctx ends: the fakes' default way to add latency.
func Sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
