package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"
)

// StateTracker holds each STATE a destination receives and echoes it only once every earlier
// record of its scope (its stream for a STREAM state, all streams for GLOBAL, LEGACY or a state
// without a type) has been committed or rejected. Echoes keep input order: a state waits for every
// state received before it. After a record fails for good, no state covering it is ever echoed,
// whatever its shape: not the STREAM state of its window nor any later one of its stream, and no
// later GLOBAL, LEGACY or typeless state at all (each covers every stream). So the platform keeps
// the older state and the next run sends those records again; STREAM states of other streams go
// on being echoed.
//
// The destination registers records and states from its input loop, in input order, and
// reports each record's outcome exactly once, from any goroutine. All methods are safe for
// concurrent use. Echoed lines are the received bytes of the state object plus
// destinationStats {recordCount, rejectedRecordCount} counting that state's window.
type StateTracker struct {
	mu      sync.Mutex
	w       *Writer
	streams map[StreamDescriptor]*trackedStream
	queue   []*pendingState
	echoed  int
	dropped int // states never to be echoed because a record they cover failed
	held    int64
	err     error
}

type trackedStream struct {
	cur      *window
	poisoned bool
}

// window counts the records of one stream between two of its states.
type window struct {
	stream                               *trackedStream
	pending, committed, rejected, failed int64
	counts                               map[string]int64 // Count's, by name
}

func (w *window) total() int64 { return w.pending + w.committed + w.rejected + w.failed }

type pendingState struct {
	raw     []byte
	windows []*window
	// global marks a state that covers every stream (GLOBAL, LEGACY, typeless): it also covers
	// records of windows that earlier states took, so any earlier dropped state kills it.
	global bool
}

// RecordRef identifies a registered record; pass it to exactly one of Commit, Reject or Fail.
type RecordRef struct{ w *window }

// NewStateTracker returns a StateTracker echoing states to w.
func NewStateTracker(w *Writer) *StateTracker {
	return &StateTracker{w: w, streams: map[StreamDescriptor]*trackedStream{}}
}

func (t *StateTracker) stream(sd StreamDescriptor) *trackedStream { return entry(t.streams, sd) }

func (s *trackedStream) window() *window {
	if s.cur == nil {
		s.cur = &window{stream: s}
	}
	return s.cur
}

// Record registers a record of stream and returns its reference.
func (t *StateTracker) Record(stream StreamDescriptor) RecordRef {
	t.mu.Lock()
	defer t.mu.Unlock()
	w := t.stream(stream).window()
	w.pending++
	return RecordRef{w: w}
}

// State registers a received STATE message; it is echoed as soon as its records allow, which may
// be at once.
func (t *StateTracker) State(m *Input) error {
	if m == nil || m.State == nil {
		return fmt.Errorf("register state: not a STATE message")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	p := &pendingState{raw: m.Raw}
	st := m.State
	if st.Type == StateStream || (st.Type == "" && st.Stream != nil) {
		if st.Stream == nil {
			return fmt.Errorf("register state: STREAM state without stream")
		}
		s := t.stream(st.Stream.StreamDescriptor)
		p.windows = []*window{s.window()}
		s.cur = nil
	} else {
		p.global = true
		for _, s := range t.streams {
			if s.cur != nil {
				p.windows = append(p.windows, s.cur)
				s.cur = nil
			}
		}
		if len(p.windows) == 0 {
			p.windows = []*window{{stream: &trackedStream{}}}
		}
	}
	t.queue = append(t.queue, p)
	return t.release()
}

// Commit reports that r was accepted by the API.
func (t *StateTracker) Commit(r RecordRef) error {
	return t.outcome(r, func(w *window) { w.committed++ })
}

// Reject reports that r was deliberately refused (bad data); it counts as handled.
func (t *StateTracker) Reject(r RecordRef) error {
	return t.outcome(r, func(w *window) { w.rejected++ })
}

// Count adds n to the count name of r's window, echoed in the destinationStats of the state that
// covers r (StateStats.Counts). Call it before r's outcome: a state may be echoed as soon as its
// last record is settled.
func (t *StateTracker) Count(r RecordRef, name string, n int64) {
	if r.w == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if r.w.counts == nil {
		r.w.counts = map[string]int64{}
	}
	r.w.counts[name] += n
}

// Fail reports that r could not be delivered; no state covering it is ever echoed.
func (t *StateTracker) Fail(r RecordRef) error { return t.outcome(r, func(w *window) { w.failed++ }) }

func (t *StateTracker) outcome(r RecordRef, f func(*window)) error {
	if r.w == nil {
		return fmt.Errorf("record outcome: zero RecordRef")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if r.w.pending <= 0 {
		return fmt.Errorf("record outcome reported twice")
	}
	r.w.pending--
	f(r.w)
	return t.release()
}

// release echoes ready states from the head of the queue and drops dead ones; t.mu is held.
func (t *StateTracker) release() error {
	for len(t.queue) > 0 {
		p := t.queue[0]
		// Every earlier state is resolved by now; a dropped one covered a failed record, which
		// a state covering all streams covers too.
		dead, ready := p.global && t.dropped > 0, true
		for _, w := range p.windows {
			dead = dead || w.failed > 0 || w.stream.poisoned
			ready = ready && w.pending == 0
		}
		switch {
		case dead:
			for _, w := range p.windows {
				w.stream.poisoned = true
				t.held += w.total()
			}
			t.dropped++
		case ready:
			if t.err == nil {
				t.err = t.echo(p)
			}
			t.echoed++
		default:
			return t.err
		}
		t.queue[0] = nil
		t.queue = t.queue[1:]
	}
	return t.err
}

func (t *StateTracker) echo(p *pendingState) error {
	var stats StateStats
	stats.HasRejected = true
	for _, w := range p.windows {
		stats.RecordCount += w.committed
		stats.RejectedRecordCount += w.rejected
		for k, n := range w.counts {
			if stats.Counts == nil {
				stats.Counts = map[string]int64{}
			}
			stats.Counts[k] += n
		}
	}
	line, err := withDestinationStats(p.raw, stats)
	if err != nil {
		return err
	}
	return t.w.WriteLine(line)
}

// Pending returns how many received states wait for their records.
func (t *StateTracker) Pending() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.queue)
}

// Echoed returns how many states were echoed.
func (t *StateTracker) Echoed() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.echoed
}

// HeldBack returns how many records are not covered by an echoed state because a record failed:
// the records of every dropped state's window, and those after it in a poisoned stream.
func (t *StateTracker) HeldBack() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := t.held
	for _, s := range t.streams {
		if s.cur != nil && (s.poisoned || s.cur.failed > 0) {
			n += s.cur.total()
		}
	}
	for _, p := range t.queue {
		for _, w := range p.windows {
			if w.failed > 0 || w.stream.poisoned || (p.global && t.dropped > 0) {
				n += w.total()
			}
		}
	}
	return n
}

// withDestinationStats returns the STATE message line raw with destinationStats set, keeping
// the bytes of the state object otherwise as received.
func withDestinationStats(raw []byte, stats StateStats) ([]byte, error) {
	var env map[string]json.RawMessage
	if err := json.Unmarshal(raw, &env); err != nil {
		return nil, fmt.Errorf("echo state: %w", err)
	}
	st := bytes.TrimSpace(env["state"])
	if len(st) < 2 || st[0] != '{' {
		return nil, fmt.Errorf("echo state: state is not an object")
	}
	statsJSON, _ := stats.MarshalJSON() // never fails
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(st, &obj); err != nil {
		return nil, fmt.Errorf("echo state: %w", err)
	}
	var out []byte
	if _, has := obj["destinationStats"]; has {
		obj["destinationStats"] = statsJSON
		b, err := json.Marshal(obj)
		if err != nil {
			return nil, fmt.Errorf("echo state: %w", err)
		}
		out = b
	} else {
		body := bytes.TrimSpace(st[:len(st)-1])
		out = make([]byte, 0, len(st)+len(statsJSON)+24)
		out = append(out, body...)
		if len(obj) > 0 {
			out = append(out, ',')
		}
		out = append(out, `"destinationStats":`...)
		out = append(out, statsJSON...)
		out = append(out, '}')
	}
	line := make([]byte, 0, len(out)+32)
	line = append(line, `{"type":"STATE","state":`...)
	line = append(line, out...)
	return append(line, '}'), nil
}

// resumePoint says, for a run stopped early, what was saved and what the next run sends again.
func (t *StateTracker) resumePoint() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.echoed == 0 {
		return fmt.Sprintf("no state was echoed, so the next run resumes from the state this run started from (%d received states were not confirmed)", len(t.queue)+t.dropped)
	}
	return fmt.Sprintf("%d states were echoed, each only once every record before it was delivered, and the next run resumes from the last of them; "+
		"the records after it (%d received states were not confirmed) are sent again", t.echoed, len(t.queue)+t.dropped)
}
