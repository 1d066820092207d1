package protocol

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// Source is a connector that reads from an API.
//
// RunSource calls exactly one method per process, after it has parsed the command line and
// validated the config against Spec's connectionSpecification. Every method receives a context
// that is cancelled when the process gets SIGTERM or SIGINT; methods must return promptly after
// that, with ctx.Err() or an error wrapping it. The context carries the run's logger
// (zerolog.Ctx) and redactor (AddSecret). Methods are never called concurrently.
//
// Errors should be *Error values so that their failure type and user-facing message are known;
// anything else is reported as a system_error.
type Source interface {
	// Spec returns the connector specification. It must not use the network.
	Spec(ctx context.Context) (*Spec, error)
	// Check verifies that the config can read data. A config_error becomes a FAILED
	// connection status (exit 0); any other error becomes a TRACE error (exit 1).
	Check(ctx context.Context, config json.RawMessage) error
	// Discover returns the streams this config can read.
	Discover(ctx context.Context, config json.RawMessage) (*Catalog, error)
	// Read reads the configured streams, writing records and states to out. A stream that
	// fails alone is reported with out.FailStream and the others go on; an error returned
	// from Read ends the run.
	Read(ctx context.Context, config json.RawMessage, catalog *ConfiguredCatalog, state *InputState, out *SourceOutput) error
}

// SourceOutput writes a source's messages and keeps the bookkeeping the protocol asks of a
// source: per-stream sourceStats.recordCount (records since that stream's previous STATE) on
// every STATE, stream statuses STARTED → RUNNING → COMPLETE or INCOMPLETE, and no two identical
// consecutive STATEs of a stream. It is safe for concurrent use.
type SourceOutput struct {
	w   *Writer
	now func() time.Time

	mu      sync.Mutex
	streams map[string]*streamProgress
	failed  int
}

// streamProgress is the bookkeeping of one stream.
type streamProgress struct {
	status    StreamStatusKind
	count     int64 // records since the previous STATE
	lastState []byte
}

// NewSourceOutput returns a SourceOutput writing to w with the given clock.
func NewSourceOutput(w *Writer, now func() time.Time) *SourceOutput {
	if now == nil {
		now = time.Now
	}
	return &SourceOutput{w: w, now: now, streams: map[string]*streamProgress{}}
}

// Now returns the current time of the run's clock.
func (o *SourceOutput) Now() time.Time { return o.now() }

func (o *SourceOutput) book(stream string) *streamProgress { return entry(o.streams, stream) }

// entry returns m[k], adding a zero value first if m has none.
func entry[K comparable, V any](m map[K]*V, k K) *V {
	v := m[k]
	if v == nil {
		v = new(V)
		m[k] = v
	}
	return v
}

// StartStream emits STREAM_STATUS STARTED for stream.
func (o *SourceOutput) StartStream(stream string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	b := o.book(stream)
	if b.status != "" {
		return fmt.Errorf("stream %q started twice", stream)
	}
	return o.advance(stream, b, StreamStarted)
}

// nextStatus is the stream-status state machine: the status that follows cur on the way to
// target, or "" when the stream is done (COMPLETE or INCOMPLETE, which nothing leaves) or
// already at target. A stream passes STARTED → RUNNING → COMPLETE; INCOMPLETE follows
// any status that is not final.
func nextStatus(cur, target StreamStatusKind) StreamStatusKind {
	switch {
	case cur == target, cur == StreamComplete, cur == StreamIncomplete:
		return ""
	case target == StreamIncomplete:
		return StreamIncomplete
	case cur == "":
		return StreamStarted
	case cur == StreamStarted:
		return StreamRunning
	}
	return target
}

// advance writes the status changes that take stream from its status to target; o.mu is held.
func (o *SourceOutput) advance(stream string, b *streamProgress, target StreamStatusKind) error {
	for s := nextStatus(b.status, target); s != ""; s = nextStatus(b.status, target) {
		b.status = s
		err := o.w.Write(&Message{Type: TypeTrace, Trace: &Trace{Type: TraceStreamStatus, EmittedAt: o.now().UnixMilli(),
			StreamStatus: &StreamStatus{StreamDescriptor: StreamDescriptor{Name: stream}, Status: s}}})
		if err != nil {
			return err
		}
	}
	return nil
}

// Record writes a RECORD of stream. data must be a compact JSON object without newlines. The
// first record of a stream is preceded by STREAM_STATUS RUNNING.
func (o *SourceOutput) Record(stream string, data []byte) error {
	o.mu.Lock()
	b := o.book(stream)
	if err := o.advance(stream, b, StreamRunning); err != nil {
		o.mu.Unlock()
		return err
	}
	b.count++
	o.mu.Unlock()
	return o.w.WriteRecord(stream, data, o.now().UnixMilli())
}

// State writes a STREAM STATE of stream with state as its stream_state and the count of records
// since the previous STATE of that stream. A state identical to the previous one is not
// written; its records are counted in the next. The output is flushed.
func (o *SourceOutput) State(stream string, state any) error {
	raw, err := json.Marshal(state)
	if err != nil {
		return fmt.Errorf("encode state of %s: %w", stream, err)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	b := o.book(stream)
	if bytes.Equal(raw, b.lastState) {
		return nil
	}
	if err := o.advance(stream, b, StreamRunning); err != nil {
		return err
	}
	msg := &Message{Type: TypeState, State: &State{Type: StateStream,
		Stream:      &StreamState{StreamDescriptor: StreamDescriptor{Name: stream}, StreamState: raw},
		SourceStats: &StateStats{RecordCount: b.count}}}
	if err := o.w.Write(msg); err != nil {
		return err
	}
	b.lastState, b.count = raw, 0
	return nil
}

// Estimate writes a TRACE ESTIMATE of the rows stream will read.
func (o *SourceOutput) Estimate(stream string, rows int64) error {
	return o.w.Write(&Message{Type: TypeTrace, Trace: &Trace{Type: TraceEstimate, EmittedAt: o.now().UnixMilli(),
		Estimate: &Estimate{Name: stream, Type: "STREAM", RowEstimate: rows}}})
}

// Analytics writes a TRACE ANALYTICS event of the static type typ with value.
func (o *SourceOutput) Analytics(typ, value string) error {
	return o.w.Write(&Message{Type: TypeTrace, Trace: &Trace{Type: TraceAnalytics, EmittedAt: o.now().UnixMilli(),
		Analytics: &Analytics{Type: typ, Value: value}}})
}

// CompleteStream marks stream COMPLETE (after RUNNING, which an empty stream gets here).
func (o *SourceOutput) CompleteStream(stream string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.advance(stream, o.book(stream), StreamComplete)
}

// FailStream reports that stream failed with err: a TRACE ERROR naming the stream, then
// STREAM_STATUS INCOMPLETE. The run goes on with other streams and exits non-zero at its end.
func (o *SourceOutput) FailStream(stream string, err error) error {
	if werr := o.w.Write(errorTrace(err, stream, o.now())); werr != nil {
		return werr
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.failed++
	return o.advance(stream, o.book(stream), StreamIncomplete)
}

// Control writes a CONTROL message asking the platform to store config as the new config.
func (o *SourceOutput) Control(config json.RawMessage) error {
	return o.w.Write(&Message{Type: TypeControl, Control: &Control{Type: "CONNECTOR_CONFIG",
		EmittedAt: o.now().UnixMilli(), ConnectorConfig: &ConnectorConfig{Config: config}}})
}

// Failed returns how many streams FailStream reported.
func (o *SourceOutput) Failed() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.failed
}

// closeOpen marks every stream still STARTED or RUNNING as INCOMPLETE; the runner calls it when
// Read returns an error.
func (o *SourceOutput) closeOpen() {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, name := range slices.Sorted(maps.Keys(o.streams)) {
		_ = o.advance(name, o.streams[name], StreamIncomplete) // a write error is already kept by the Writer
	}
}

// resumePoints says, for a run stopped early, where the next run resumes each stream it
// touched: from the last STATE this run wrote for it, or where this run started.
func (o *SourceOutput) resumePoints() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var parts []string
	for _, name := range slices.Sorted(maps.Keys(o.streams)) {
		b := o.streams[name]
		if b.status == StreamComplete {
			continue
		}
		part := "stream " + name + " resumes from where this run started (no checkpoint was reached)"
		if b.lastState != nil {
			part = fmt.Sprintf("stream %s resumes from this run's last checkpoint %s", name, excerpt(b.lastState, 300))
		}
		parts = append(parts, part)
	}
	if len(parts) == 0 {
		return "the next run resumes from the last checkpoint"
	}
	return "the next run resumes where each stream stopped: " + strings.Join(parts, "; ")
}

// excerpt returns at most n bytes of b, marking a cut.
func excerpt(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + "…"
}
