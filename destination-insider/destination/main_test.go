package destination

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a test leaves goroutines behind (senders,
// retries).
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
