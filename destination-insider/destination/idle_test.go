package destination

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
	"github.com/insider-hubspot/connectors/internal/httpx/httpxtest"
	"github.com/insider-hubspot/connectors/protocol"
)

// failsafe bounds a wait that only a broken writer makes long.
const failsafe = 30 * time.Second

// streamRun is a Write fed through a pipe, so that the test decides when the
// input pauses, and whose idle flush looks at the input when the test says.
type streamRun struct {
	t      *testing.T
	in     *io.PipeWriter
	checks chan func() // the idle flush's look at the input
	check  func()
	states chan []byte // STATE lines echoed
	done   chan error
}

func startStreamRun(t *testing.T, cfg map[string]any) *streamRun {
	t.Helper()
	logger := zerolog.Nop()
	return startStreamRunCtx(t, logger.WithContext(context.Background()), cfg)
}

// startStreamRunCtx is startStreamRun under ctx, which carries the logger and can stop the run.
func startStreamRunCtx(t *testing.T, ctx context.Context, cfg map[string]any) *streamRun {
	t.Helper()
	raw, _ := json.Marshal(cfg)
	r := &streamRun{t: t, checks: make(chan func(), 1), states: make(chan []byte, 16), done: make(chan error, 1)}
	d := New(
		WithHTTPClient(httpxtest.Client(t)),
		WithClock(func() time.Time { return time.Date(2026, 1, 5, 3, 4, 5, 0, time.UTC) }),
		WithSleep(func(ctx context.Context, _ time.Duration) error { return ctx.Err() }),
		WithMaxAttempts(3),
		func(d *Destination) {
			d.schedule = func(_ time.Duration, f func()) func() {
				r.checks <- f
				return func() {}
			}
		},
	)
	pr, pw := io.Pipe()
	r.in = pw
	states := protocol.NewStateTracker(protocol.NewWriter(&lineWatch{states: r.states}, nil))
	go func() {
		r.done <- d.Write(ctx, raw, nil, protocol.NewReader(pr), states)
	}()
	t.Cleanup(func() { _ = pw.Close() })
	return r
}

// send writes input lines and returns once the writer has handled them and
// waits for more input: a pipe write returns only when the reader has taken
// it all, and the blank line is asked for only after the lines before it.
func (r *streamRun) send(lines ...string) {
	r.t.Helper()
	if _, err := io.WriteString(r.in, strings.Join(lines, "\n")+"\n"); err != nil {
		r.t.Fatal(err)
	}
	if _, err := io.WriteString(r.in, "\n"); err != nil {
		r.t.Fatal(err)
	}
}

// tick makes the idle flush look at the input, as its period would.
func (r *streamRun) tick() {
	r.t.Helper()
	if r.check == nil {
		select {
		case r.check = <-r.checks:
		case err := <-r.done:
			r.t.Fatalf("the write ended (%v) before its idle flush started", err)
		}
	}
	r.check()
}

// end closes the input and returns Write's error.
func (r *streamRun) end() error {
	_ = r.in.Close()
	return <-r.done
}

// lineWatch passes on the STATE lines written to it.
type lineWatch struct {
	mu     sync.Mutex
	buf    []byte
	states chan []byte
}

func (l *lineWatch) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := bytes.Clone(l.buf[:i])
		l.buf = l.buf[i+1:]
		if bytes.Contains(line, []byte(`"type":"STATE"`)) {
			l.states <- line
		}
	}
}

func TestWriteFlushesWhenInputPauses(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	r := startStreamRun(t, baseConfig(f.URL, nil))
	r.send(contact(1), contact(2), stateLine("contacts", 1))
	r.tick() // the lines above arrived since the idle flush started
	r.tick() // nothing arrived for a whole period: the batch is sent
	select {
	case line := <-r.states:
		if !bytes.Contains(line, []byte(`"seq":1`)) || !bytes.Contains(line, []byte(`"recordCount":2`)) {
			t.Errorf("echoed %s, want the state of seq 1 covering 2 records", line)
		}
	case err := <-r.done:
		t.Fatalf("the write ended (%v) before echoing the state", err)
	case <-time.After(failsafe):
		t.Fatal("no STATE was echoed while the input paused: the half-full batch was not sent")
	}
	if n := len(f.users()); n != 2 {
		t.Errorf("Insider got %d users before the input ended, want 2", n)
	}
	r.send(contact(3), stateLine("contacts", 2))
	if err := r.end(); err != nil {
		t.Fatal(err)
	}
	if line := <-r.states; !bytes.Contains(line, []byte(`"seq":2`)) {
		t.Errorf("echoed %s, want the state of seq 2", line)
	}
	if len(f.bodies()) != 2 {
		t.Errorf("%d requests, want 2 (one when the input paused, one at the end)", len(f.bodies()))
	}
}

func TestWriteKeepsFillingWhileInputFlows(t *testing.T) {
	t.Parallel()
	f := newInsider(t, fakeinsider.Options{})
	r := startStreamRun(t, baseConfig(f.URL, nil))
	r.send(contact(1))
	r.tick()
	r.send(contact(2), stateLine("contacts", 1))
	r.tick() // input arrived since the last tick: the batch keeps filling
	r.send(contact(3))
	if err := r.end(); err != nil {
		t.Fatal(err)
	}
	if len(f.bodies()) != 1 || len(f.users()) != 3 {
		t.Errorf("%d requests with %d users, want one request of 3 users", len(f.bodies()), len(f.users()))
	}
	if line := <-r.states; !bytes.Contains(line, []byte(`"seq":1`)) {
		t.Errorf("echoed %s, want the state of seq 1", line)
	}
}
