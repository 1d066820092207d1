package protocol_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/protocol/protocoltest"
)

type outcome int

const (
	commit outcome = iota
	reject
	fail
)

// op is one input message of a generated destination run.
type op struct {
	stream  string
	isState bool
	seq     int // state number, or record number
	result  outcome
}

func stateLine(stream string, seq int) []byte {
	return []byte(fmt.Sprintf(`{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":%q},"stream_state":{"n":%d,"big":12345678901234567890}},"sourceStats":{"recordCount":1.0}}}`, stream, seq))
}

func inState(t *testing.T, line []byte) *protocol.Input {
	t.Helper()
	var m protocol.Message
	if err := json.Unmarshal(line, &m); err != nil {
		t.Fatal(err)
	}
	return &protocol.Input{Type: protocol.TypeState, State: m.State, Raw: line}
}

// TestStateTrackerProperties drives the tracker with random runs: records and states of three
// streams, outcomes (mostly commits, some rejects, rare failures) reported in random order.
// Echoed states must be in input order, never cover an unresolved or failed record, carry
// correct counts, and every state not behind a failure must be echoed in the end.
func TestStateTrackerProperties(t *testing.T) {
	for seed := uint64(0); seed < 300; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { checkTrackerRun(t, seed, false) })
	}
}

func TestStateTrackerConcurrent(t *testing.T) {
	for seed := uint64(1000); seed < 1020; seed++ {
		checkTrackerRun(t, seed, true)
	}
}

func checkTrackerRun(t *testing.T, seed uint64, concurrent bool) {
	rng := rand.New(rand.NewPCG(seed, seed))
	streams := []string{"contacts", "event_a", "event_b"}
	var ops []op
	for i := 0; i < 200; i++ {
		s := streams[rng.IntN(len(streams))]
		if rng.IntN(5) == 0 {
			ops = append(ops, op{stream: s, isState: true, seq: i})
			continue
		}
		r := commit
		switch n := rng.IntN(100); {
		case n < 3:
			r = fail
		case n < 15:
			r = reject
		}
		ops = append(ops, op{stream: s, seq: i, result: r})
	}

	var out bytes.Buffer
	w := protocol.NewWriter(&out, nil)
	tr := protocol.NewStateTracker(w)
	var pending []pendingRec
	var mu sync.Mutex
	resolve := func(p pendingRec) {
		if err := settle(tr, p.ref, p.res); err != nil {
			t.Error(err)
		}
	}
	var wg sync.WaitGroup
	for _, o := range ops {
		if o.isState {
			if err := tr.State(inState(t, stateLine(o.stream, o.seq))); err != nil {
				t.Fatal(err)
			}
		} else {
			mu.Lock()
			pending = append(pending, pendingRec{ref: tr.Record(protocol.StreamDescriptor{Name: o.stream}), res: o.result})
			mu.Unlock()
		}
		// Resolve a random subset of the outstanding records now.
		for rng.IntN(3) == 0 {
			mu.Lock()
			if len(pending) == 0 {
				mu.Unlock()
				break
			}
			i := rng.IntN(len(pending))
			p := pending[i]
			pending = append(pending[:i], pending[i+1:]...)
			mu.Unlock()
			if concurrent {
				wg.Add(1)
				go func() { defer wg.Done(); resolve(p) }()
			} else {
				resolve(p)
			}
		}
	}
	rng.Shuffle(len(pending), func(i, j int) { pending[i], pending[j] = pending[j], pending[i] })
	for _, p := range pending {
		if concurrent {
			wg.Add(1)
			go func() { defer wg.Done(); resolve(p) }()
		} else {
			resolve(p)
		}
	}
	wg.Wait()
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}

	// The model: which states may and must be echoed, with which counts.
	type expect struct{ committed, rejected int64 }
	want := map[string]expect{}
	var wantOrder []string
	poisoned := map[string]bool{}
	win := map[string]*expect{}
	winFailed := map[string]bool{}
	for _, o := range ops {
		if win[o.stream] == nil {
			win[o.stream] = &expect{}
		}
		if !o.isState {
			switch o.result {
			case commit:
				win[o.stream].committed++
			case reject:
				win[o.stream].rejected++
			default:
				winFailed[o.stream] = true
			}
			continue
		}
		if winFailed[o.stream] {
			poisoned[o.stream] = true
		}
		if !poisoned[o.stream] {
			key := fmt.Sprintf("%s/%d", o.stream, o.seq)
			want[key] = *win[o.stream]
			wantOrder = append(wantOrder, key)
		}
		win[o.stream] = &expect{}
		winFailed[o.stream] = false
	}
	var gotOrder []string
	for _, m := range protocoltest.Messages(t, out.Bytes()) {
		st := m.State
		var ss struct{ N int }
		if err := json.Unmarshal(st.Stream.StreamState, &ss); err != nil {
			t.Fatal(err)
		}
		key := fmt.Sprintf("%s/%d", st.Stream.StreamDescriptor.Name, ss.N)
		gotOrder = append(gotOrder, key)
		e, ok := want[key]
		if !ok {
			t.Fatalf("seed %d: echoed %s, which covers a failed record", seed, key)
		}
		if st.DestinationStats == nil || st.DestinationStats.RecordCount != e.committed || st.DestinationStats.RejectedRecordCount != e.rejected {
			t.Fatalf("seed %d: %s stats %+v, want %+v", seed, key, st.DestinationStats, e)
		}
		if st.SourceStats == nil || st.SourceStats.RecordCount != 1 {
			t.Fatalf("seed %d: sourceStats not kept: %+v", seed, st.SourceStats)
		}
	}
	if strings.Join(gotOrder, " ") != strings.Join(wantOrder, " ") {
		t.Fatalf("seed %d: echoed\n%v\nwant\n%v", seed, gotOrder, wantOrder)
	}
	if !bytes.Contains(out.Bytes(), []byte(`"big":12345678901234567890`)) && len(wantOrder) > 0 {
		t.Fatalf("seed %d: state bytes changed", seed)
	}
}

func TestStateTrackerEchoIsByteExact(t *testing.T) {
	var out bytes.Buffer
	w := protocol.NewWriter(&out, nil)
	tr := protocol.NewStateTracker(w)
	in := `{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"c"},"stream_state":{"z":1.50,"a":12345678901234567890}},"sourceStats":{"recordCount":1.0},"x_extra":{"k":true}}}`
	r := tr.Record(protocol.StreamDescriptor{Name: "c"})
	if err := tr.State(inState(t, []byte(in))); err != nil {
		t.Fatal(err)
	}
	if out.Len() != 0 {
		t.Fatal("state echoed before its record was committed")
	}
	if err := tr.Commit(r); err != nil {
		t.Fatal(err)
	}
	_ = w.Flush()
	want := strings.TrimSuffix(in, "}}") + `,"destinationStats":{"recordCount":1.0,"rejectedRecordCount":0.0}}}` + "\n"
	if out.String() != want {
		t.Fatalf("echo\n%s\nwant\n%s", out.String(), want)
	}
	protocoltest.ValidateOutput(t, out.Bytes())
	if err := tr.Commit(r); err == nil {
		t.Error("second outcome for one record: want an error")
	}
}

func TestStateTrackerHeldBack(t *testing.T) {
	var out bytes.Buffer
	tr := protocol.NewStateTracker(protocol.NewWriter(&out, nil))
	c := protocol.StreamDescriptor{Name: "contacts"}
	r1, r2 := tr.Record(c), tr.Record(c)
	_ = tr.State(inState(t, stateLine("contacts", 1)))
	r3 := tr.Record(c)
	_ = tr.State(inState(t, stateLine("contacts", 2)))
	r4 := tr.Record(c)
	_ = tr.Commit(r1)
	_ = tr.Fail(r2)
	_ = tr.Commit(r3)
	_ = tr.Commit(r4)
	if got := tr.HeldBack(); got != 4 {
		t.Errorf("HeldBack = %d, want 4 (every record at or after the failure)", got)
	}
	if tr.Echoed() != 0 || tr.Pending() != 0 {
		t.Errorf("echoed %d pending %d, want 0 and 0", tr.Echoed(), tr.Pending())
	}
}

// pendingRec is a registered record and how the test will resolve it.
type pendingRec struct {
	ref protocol.RecordRef
	res outcome
}

// settle commits, rejects or fails the record ref as res says.
func settle(tr *protocol.StateTracker, ref protocol.RecordRef, res outcome) error {
	switch res {
	case commit:
		return tr.Commit(ref)
	case reject:
		return tr.Reject(ref)
	}
	return tr.Fail(ref)
}

// TestStateTrackerCounts: counts added to records are echoed in the destinationStats of the
// state covering them, summed over its window, and only there.
func TestStateTrackerCounts(t *testing.T) {
	var out bytes.Buffer
	w := protocol.NewWriter(&out, nil)
	tr := protocol.NewStateTracker(w)
	c := protocol.StreamDescriptor{Name: "c"}
	r1, r2 := tr.Record(c), tr.Record(c)
	tr.Count(r1, "deletedCount", 1)
	tr.Count(r2, "deletedCount", 2)
	tr.Count(r2, "clearedCount", 1)
	tr.Count(r2, "unusedCount", 0)
	if err := tr.State(inState(t, stateLine("c", 1))); err != nil {
		t.Fatal(err)
	}
	r3 := tr.Record(c)
	if err := tr.State(inState(t, stateLine("c", 2))); err != nil {
		t.Fatal(err)
	}
	for _, r := range []protocol.RecordRef{r1, r2, r3} {
		if err := tr.Commit(r); err != nil {
			t.Fatal(err)
		}
	}
	_ = w.Flush()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 ||
		!strings.HasSuffix(lines[0], `"destinationStats":{"recordCount":2.0,"rejectedRecordCount":0.0,"clearedCount":1.0,"deletedCount":3.0}}}`) ||
		!strings.HasSuffix(lines[1], `"destinationStats":{"recordCount":1.0,"rejectedRecordCount":0.0}}}`) {
		t.Errorf("echoed:\n%s", out.String())
	}
	protocoltest.ValidateOutput(t, out.Bytes())
}
