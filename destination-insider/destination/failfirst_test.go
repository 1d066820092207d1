package destination

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
	"github.com/insider-hubspot/connectors/protocol"
)

// logWatch closes seen once a log line containing want is written.
type logWatch struct {
	want string
	seen chan struct{}
	once sync.Once
	mu   sync.Mutex
	buf  []byte
}

func (l *logWatch) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	if bytes.Contains(l.buf, []byte(l.want)) {
		l.once.Do(func() { close(l.seen) })
	}
	return len(p), nil
}

// TestFailureBeforeStopIsReportedNotTheStop: a batch that Insider refused for good (HTTP 401,
// a config_error) ends the run with that error even when the run is then stopped (SIGTERM
// cancels the context) before its input ends, not with the cancellation, which Airbyte
// reports as a transient "the run was stopped" and retries with the same refused key.
func TestFailureBeforeStopIsReportedNotTheStop(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	watch := &logWatch{want: "an upsert batch failed", seen: make(chan struct{})}
	ctx, cancel := context.WithCancel(zerolog.New(watch).WithContext(context.Background()))
	defer cancel()
	r := startStreamRunCtx(t, ctx, baseConfig(f.URL, nil))

	// The attribute metadata was read before the first line is taken: only the upsert fails.
	r.send(contact(1), contact(2), stateLine("contacts", 1))
	f.FailNext(fakeinsider.EndpointUpsert, 1, http.StatusUnauthorized)
	r.tick()
	r.tick() // the input paused: the batch is sent, and refused
	select {
	case <-watch.seen:
	case err := <-r.done:
		t.Fatalf("the write ended (%v) before the batch failed", err)
	case <-time.After(failsafe):
		t.Fatal("the refused batch was not reported")
	}
	cancel() // SIGTERM after the failure
	err := r.end()
	if err == nil {
		t.Fatal("the write succeeded; want the refused key reported")
	}
	if ft := protocol.FailureTypeOf(err); ft != protocol.FailureConfig || !strings.Contains(protocol.UserMessage(err), "api_key") {
		t.Errorf("failure_type %s, error %q; want the config_error of the refused API key, not the stop", ft, err)
	}
}
