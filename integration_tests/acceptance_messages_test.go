package integrationtests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/protocol/protocoltest"
)

// payloads returns pick(m) for each message m of type typ that pick accepts (ok).
func payloads[T any](msgs []protocol.Message, typ protocol.MessageType, pick func(protocol.Message) (T, bool)) []T {
	var out []T
	for _, m := range protocoltest.OfType(msgs, typ) {
		if p, ok := pick(m); ok {
			out = append(out, p)
		}
	}
	return out
}

// records returns the RECORD payloads of msgs.
func records(msgs []protocol.Message) []*protocol.Record {
	return payloads(msgs, protocol.TypeRecord, func(m protocol.Message) (*protocol.Record, bool) { return m.Record, true })
}

// streamStates returns the STATE payloads of msgs.
func streamStates(msgs []protocol.Message) []*protocol.State {
	return payloads(msgs, protocol.TypeState, func(m protocol.Message) (*protocol.State, bool) { return m.State, true })
}

// traceErrors returns the TRACE ERROR payloads of msgs.
func traceErrors(msgs []protocol.Message) []*protocol.ErrorTrace {
	return payloads(msgs, protocol.TypeTrace, func(m protocol.Message) (*protocol.ErrorTrace, bool) {
		if m.Trace == nil || m.Trace.Type != protocol.TraceError {
			return nil, false
		}
		return m.Trace.Error, true
	})
}

// latestStates is the last STATE of each stream, without sourceStats, as a --state array.
func latestStates(t testing.TB, msgs []protocol.Message) []json.RawMessage {
	t.Helper()
	last := map[string]*protocol.State{}
	var order []string
	for _, st := range streamStates(msgs) {
		if st.Stream == nil {
			t.Fatalf("state is not a STREAM state: %+v", st)
		}
		name := st.Stream.StreamDescriptor.Name
		if _, seen := last[name]; !seen {
			order = append(order, name)
		}
		last[name] = st
	}
	out := make([]json.RawMessage, 0, len(order))
	for _, name := range order {
		out = append(out, stateInput(t, last[name]))
	}
	return out
}

// stateInput is st as a --state entry: the STREAM state without the stats.
func stateInput(t testing.TB, st *protocol.State) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(protocol.State{Type: protocol.StateStream, Stream: st.Stream})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// recordField returns a top-level field of a record's data as a string ("" when absent/null).
func recordField(t testing.TB, r *protocol.Record, field string) string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(r.Data, &m); err != nil {
		t.Fatalf("record of %s is not an object: %v", r.Stream, err)
	}
	raw, ok := m[field]
	if !ok || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// cursorField is the cursor of a configured stream (its cursor_field or the default).
func cursorField(cs protocol.ConfiguredStream) string {
	f := cs.CursorField
	if len(f) == 0 {
		f = cs.Stream.DefaultCursorField
	}
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

// stateCursor reads the cursor value (RFC 3339) named key from a stream_state.
func stateCursor(t testing.TB, st *protocol.State, key string) time.Time {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(st.Stream.StreamState, &m); err != nil {
		t.Fatalf("stream_state %s: %v", st.Stream.StreamState, err)
	}
	var s string
	if err := json.Unmarshal(m[key], &s); err != nil {
		t.Fatalf("stream_state %s has no string %q", st.Stream.StreamState, key)
	}
	ts, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("stream_state %s: %q is not RFC 3339: %v", st.Stream.StreamState, key, err)
	}
	return ts
}

// mustTime parses an RFC 3339 record value.
func mustTime(t testing.TB, s, what string) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("%s %q is not RFC 3339: %v", what, s, err)
	}
	return ts
}

// primaryKey returns the primary key values of a record as one comparable string.
func primaryKey(t testing.TB, r *protocol.Record, pk [][]string) string {
	t.Helper()
	var data any
	if err := json.Unmarshal(r.Data, &data); err != nil {
		t.Fatalf("record of %s: %v", r.Stream, err)
	}
	var key bytes.Buffer
	for _, path := range pk {
		v := data
		for _, p := range path {
			obj, _ := v.(map[string]any)
			v = obj[p]
		}
		fmt.Fprintf(&key, "%v|", v)
	}
	return key.String()
}
