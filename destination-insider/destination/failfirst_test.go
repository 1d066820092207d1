package destination

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
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
	raw, _ := json.Marshal(baseConfig(f.URL, nil))
	checks := make(chan func(), 1)
	d := New(
		WithClock(func() time.Time { return time.Date(2026, 1, 5, 3, 4, 5, 0, time.UTC) }),
		WithSleep(func(ctx context.Context, _ time.Duration) error { return ctx.Err() }),
		WithMaxAttempts(3),
		func(d *Destination) {
			d.schedule = func(_ time.Duration, fn func()) func() {
				checks <- fn
				return func() {}
			}
		},
	)
	watch := &logWatch{want: "an upsert batch failed", seen: make(chan struct{})}
	ctx, cancel := context.WithCancel(zerolog.New(watch).WithContext(context.Background()))
	defer cancel()
	pr, pw := io.Pipe()
	t.Cleanup(func() { _ = pw.Close() })
	states := protocol.NewStateTracker(protocol.NewWriter(io.Discard, nil))
	done := make(chan error, 1)
	go func() { done <- d.Write(ctx, raw, nil, protocol.NewReader(pr), states) }()

	// The attribute metadata was read before the first line is taken: only the upsert fails.
	send := func(lines ...string) {
		t.Helper()
		for _, s := range []string{strings.Join(lines, "\n") + "\n", "\n"} {
			if _, err := io.WriteString(pw, s); err != nil {
				t.Fatal(err)
			}
		}
	}
	send(contact(1), contact(2), stateLine("contacts", 1))
	f.FailNext(fakeinsider.EndpointUpsert, 1, http.StatusUnauthorized)
	var check func()
	select {
	case check = <-checks:
	case err := <-done:
		t.Fatalf("the write ended (%v) before its idle flush started", err)
	}
	check()
	check() // the input paused: the batch is sent, and refused
	select {
	case <-watch.seen:
	case err := <-done:
		t.Fatalf("the write ended (%v) before the batch failed", err)
	case <-time.After(failsafe):
		t.Fatal("the refused batch was not reported")
	}
	cancel() // SIGTERM after the failure
	_ = pw.Close()
	err := <-done
	if err == nil {
		t.Fatal("the write succeeded; want the refused key reported")
	}
	if ft := protocol.FailureTypeOf(err); ft != protocol.FailureConfig || !strings.Contains(protocol.UserMessage(err), "api_key") {
		t.Errorf("failure_type %s, error %q; want the config_error of the refused API key, not the stop", ft, err)
	}
}
