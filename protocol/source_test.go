package protocol_test

import (
	"bytes"
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
	if want := []int64{2, 1, 0}; !equalInts(counts, want) {
		t.Errorf("recordCounts = %v, want %v", counts, want)
	}
	var statuses []string
	for _, m := range protocoltest.OfType(msgs, protocol.TypeTrace) {
		if s := m.Trace.StreamStatus; s != nil {
			statuses = append(statuses, s.StreamDescriptor.Name+":"+string(s.Status))
		}
	}
	want := []string{"contacts:STARTED", "contacts:RUNNING", "contacts:COMPLETE", "event_x:STARTED", "event_x:RUNNING", "event_x:COMPLETE"}
	if !equalStrings(statuses, want) {
		t.Errorf("statuses = %v, want %v", statuses, want)
	}
}

func TestSourceOutputValidates(t *testing.T) {
	var buf bytes.Buffer
	w := protocol.NewWriter(&buf, nil)
	o := protocol.NewSourceOutput(w, func() time.Time { return t0 })
	_ = o.Record("contacts", []byte(`{"id":"1"}`))
	_ = o.State("contacts", map[string]any{"lastmodifieddate": "2026-01-01T00:00:00Z"})
	_ = o.FailStream("contacts", protocol.NewError(protocol.FailureTransient, "rate limited", nil))
	_ = w.Flush()
	protocoltest.ValidateOutput(t, buf.Bytes())
}

func equalInts(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
