package integrationtests

import (
	"context"
	"testing"
	"time"
)

// deadlineMargin is what runContext leaves before the test binary's deadline: time to stop the
// process and report what it wrote before go test's -timeout panics.
const deadlineMargin = 30 * time.Second

// runContext bounds a build, a connector process or a wait on one by the test binary's own
// deadline (go test -timeout) less deadlineMargin, not by a guess of how long it takes: a hung
// process still fails its test rather than the whole binary, and a slow one on a loaded
// machine is never cut short. Without a deadline (-timeout 0) nothing bounds it.
func runContext(t testing.TB) (context.Context, context.CancelFunc) {
	if tt, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if d, ok := tt.Deadline(); ok {
			return context.WithDeadline(context.Background(), d.Add(-deadlineMargin))
		}
	}
	return context.WithCancel(context.Background())
}
