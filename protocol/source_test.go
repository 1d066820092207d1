package protocol_test

import (
	"bytes"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/protocol/protocoltest"
)

func TestSourceOutputBookkeeping(t *testing.T) {
	var buf bytes.Buffer
	w := protocol.NewWriter(&buf, nil)
	o := protocol.NewSourceOutput(w, func() time.Time { return t0 })
	steps := []func() error{
		func() error { return o.StartStream("contacts") },
		func() error { return o.Estimate("contacts", 3) },
		func() error { return o.Record("contacts", []byte(`{"id":"1"}`)) },
		func() error { return o.Record("contacts", []byte(`{"id":"2"}`)) },
		func() error { return o.State("contacts", map[string]string{"lastmodifieddate": "a"}) },
		func() error { return o.State("contacts", map[string]string{"lastmodifieddate": "a"}) }, // identical: skipped
		func() error { return o.Record("contacts", []byte(`{"id":"3"}`)) },
		func() error { return o.State("contacts", map[string]string{"lastmodifieddate": "a"}) }, // identical: skipped, count kept
		func() error { return o.State("contacts", map[string]string{"lastmodifieddate": "b"}) },
		func() error { return o.CompleteStream("contacts") },
		func() error { return o.StartStream("event_x") },
		func() error { return o.State("event_x", map[string]string{"occurredAt": "c"}) },
		func() error { return o.CompleteStream("event_x") },
	}
	for i, f := range steps {
		if err := f(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	golden(t, "source_output.jsonl", buf.Bytes())
	if o.Failed() != 0 {
		t.Errorf("Failed() = %d", o.Failed())
	}
	msgs := protocoltest.Messages(t, buf.Bytes())
	var counts []int64
	for _, m := range protocoltest.OfType(msgs, protocol.TypeState) {
		counts = append(counts, m.State.SourceStats.RecordCount)
	}
	if want := []int64{2, 1, 0}; !slices.Equal(counts, want) {
		t.Errorf("recordCounts = %v, want %v", counts, want)
	}
	var statuses []string
	for _, m := range protocoltest.OfType(msgs, protocol.TypeTrace) {
		if s := m.Trace.StreamStatus; s != nil {
			statuses = append(statuses, s.StreamDescriptor.Name+":"+string(s.Status))
		}
	}
	want := []string{"contacts:STARTED", "contacts:RUNNING", "contacts:COMPLETE", "event_x:STARTED", "event_x:RUNNING", "event_x:COMPLETE"}
	if !slices.Equal(statuses, want) {
		t.Errorf("statuses = %v, want %v", statuses, want)
	}
}

func TestSourceOutputValidates(t *testing.T) {
	var buf bytes.Buffer
	w := protocol.NewWriter(&buf, nil)
	o := protocol.NewSourceOutput(w, func() time.Time { return t0 })
	_ = o.Record("contacts", []byte(`{"id":"1"}`))
	_ = o.State("contacts", map[string]any{"lastmodifieddate": "2026-01-01T00:00:00Z"})
	_ = o.Analytics("source-hubspot-journal-gap", "deletions between 2026-01-01T00:00:00Z and 2026-01-05T00:00:00Z may be missing")
	_ = o.FailStream("contacts", protocol.NewError(protocol.FailureTransient, "rate limited", nil))
	_ = w.Flush()
	protocoltest.ValidateOutput(t, buf.Bytes())
	var analytics int
	for _, m := range protocoltest.OfType(protocoltest.Messages(t, buf.Bytes()), protocol.TypeTrace) {
		if a := m.Trace.Analytics; a != nil && m.Trace.Type == protocol.TraceAnalytics && a.Type == "source-hubspot-journal-gap" && a.Value != "" {
			analytics++
		}
	}
	if analytics != 1 {
		t.Errorf("%d TRACE ANALYTICS messages, want 1", analytics)
	}
}

// TestSourceOutputStatusMachine pins the stream-status transitions every SourceOutput method
// shares: STARTED → RUNNING → COMPLETE, INCOMPLETE from any status that is not final, and
// nothing after a final status.
func TestSourceOutputStatusMachine(t *testing.T) {
	fail := protocol.NewError(protocol.FailureTransient, "rate limited", nil)
	for _, tc := range []struct {
		name  string
		steps func(o *protocol.SourceOutput) error
		want  []protocol.StreamStatusKind
	}{
		{"complete empty stream", func(o *protocol.SourceOutput) error { return o.CompleteStream("s") },
			[]protocol.StreamStatusKind{"STARTED", "RUNNING", "COMPLETE"}},
		{"fail before start", func(o *protocol.SourceOutput) error { return o.FailStream("s", fail) },
			[]protocol.StreamStatusKind{"INCOMPLETE"}},
		{"fail after start", func(o *protocol.SourceOutput) error {
			return errors.Join(o.StartStream("s"), o.FailStream("s", fail))
		}, []protocol.StreamStatusKind{"STARTED", "INCOMPLETE"}},
		{"record then state then complete", func(o *protocol.SourceOutput) error {
			return errors.Join(o.Record("s", []byte(`{}`)), o.State("s", 1), o.CompleteStream("s"))
		}, []protocol.StreamStatusKind{"STARTED", "RUNNING", "COMPLETE"}},
		{"nothing leaves COMPLETE", func(o *protocol.SourceOutput) error {
			return errors.Join(o.CompleteStream("s"), o.Record("s", []byte(`{}`)), o.State("s", 2),
				o.FailStream("s", fail), o.CompleteStream("s"))
		}, []protocol.StreamStatusKind{"STARTED", "RUNNING", "COMPLETE"}},
		{"nothing leaves INCOMPLETE", func(o *protocol.SourceOutput) error {
			return errors.Join(o.Record("s", []byte(`{}`)), o.FailStream("s", fail), o.Record("s", []byte(`{}`)),
				o.CompleteStream("s"))
		}, []protocol.StreamStatusKind{"STARTED", "RUNNING", "INCOMPLETE"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := protocol.NewWriter(&buf, nil)
			if err := tc.steps(protocol.NewSourceOutput(w, func() time.Time { return t0 })); err != nil {
				t.Fatal(err)
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			var got []protocol.StreamStatusKind
			for _, m := range protocoltest.OfType(protocoltest.Messages(t, buf.Bytes()), protocol.TypeTrace) {
				if s := m.Trace.StreamStatus; s != nil {
					got = append(got, s.Status)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("statuses = %v, want %v", got, tc.want)
			}
		})
	}
}
