package protocol_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/protocol"
)

// readAll drains r, returning messages and line errors.
func readAll(t *testing.T, r *protocol.Reader) ([]*protocol.Input, []error) {
	t.Helper()
	var msgs []*protocol.Input
	var lineErrs []error
	for {
		m, err := r.Next()
		if errors.Is(err, io.EOF) {
			return msgs, lineErrs
		}
		var le *protocol.LineError
		if errors.As(err, &le) {
			lineErrs = append(lineErrs, err)
			continue
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		msgs = append(msgs, m)
	}
}

func TestReaderMessagesAndBadLines(t *testing.T) {
	in := strings.Join([]string{
		`{"type":"RECORD","record":{"stream":"contacts","data":{"id":"1","n":12345678901234567890},"emitted_at":1}}`,
		`not json`,
		``,
		`{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"contacts"},"stream_state":{"a":1}}}}`,
		`{"type":"RECORD","record":{"stream":"contacts","data":[1]}}`,
		`{"record":{}}`,
		`{"type":"LOG","log":{"level":"INFO","message":"hi"}}`,
		`{"type":"RECORD","record":{"stream":"contacts","data":{"id":"2"},"emitted_at":2}}`, // no newline at EOF
	}, "\n")
	msgs, bad := readAll(t, protocol.NewReader(strings.NewReader(in)))
	if len(bad) != 3 {
		t.Errorf("line errors = %v, want 3", bad)
	}
	var types []protocol.MessageType
	for _, m := range msgs {
		types = append(types, m.Type)
	}
	want := []protocol.MessageType{protocol.TypeRecord, protocol.TypeState, protocol.TypeLog, protocol.TypeRecord}
	if len(types) != len(want) {
		t.Fatalf("types = %v, want %v", types, want)
	}
	if got := string(msgs[0].Record.Data); got != `{"id":"1","n":12345678901234567890}` {
		t.Errorf("record data = %s: big numbers must pass through unchanged", got)
	}
	if msgs[1].State.Stream.StreamDescriptor.Name != "contacts" {
		t.Errorf("state = %+v", msgs[1].State)
	}
}

func TestReaderTenMegabyteLine(t *testing.T) {
	big := strings.Repeat("x", 10<<20)
	in := `{"type":"RECORD","record":{"stream":"s","data":{"v":"` + big + `"},"emitted_at":1}}` + "\n" +
		`{"type":"RECORD","record":{"stream":"s","data":{"v":"small"},"emitted_at":2}}` + "\n"
	msgs, bad := readAll(t, protocol.NewReader(strings.NewReader(in)))
	if len(bad) != 0 || len(msgs) != 2 {
		t.Fatalf("got %d messages, errors %v", len(msgs), bad)
	}
}

func TestReaderSkipsOverlongLine(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds and reads a line of over 64 MiB")
	}
	var in bytes.Buffer
	in.WriteString(`{"type":"RECORD","record":{"stream":"s","data":{"v":"`)
	in.Write(bytes.Repeat([]byte("y"), protocol.MaxLineBytes+10))
	in.WriteString(`"},"emitted_at":1}}` + "\n")
	in.WriteString(`{"type":"RECORD","record":{"stream":"s","data":{"v":"after"},"emitted_at":2}}` + "\n")
	msgs, bad := readAll(t, protocol.NewReader(&in))
	if len(bad) != 1 || len(msgs) != 1 || !strings.Contains(string(msgs[0].Record.Data), "after") {
		t.Fatalf("got %d messages and errors %v; want the overlong line reported and the next one read", len(msgs), bad)
	}
}

func FuzzReader(f *testing.F) {
	f.Add([]byte(`{"type":"RECORD","record":{"stream":"s","data":{},"emitted_at":1}}` + "\n"))
	f.Add([]byte(`{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"s"}}}}`))
	f.Add([]byte("\n\n{\n"))
	f.Add([]byte(`{"type":"STATE","state":null}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		r := protocol.NewReader(bytes.NewReader(in))
		for i := 0; i < 10000; i++ {
			m, err := r.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			var le *protocol.LineError
			if err != nil && !errors.As(err, &le) {
				t.Fatalf("unexpected error: %v", err)
			}
			if err == nil && m.Type == protocol.TypeRecord && (m.Record == nil || m.Record.Stream == "") {
				t.Fatalf("record without stream accepted: %q", in)
			}
			if err == nil && m.Type == protocol.TypeState && m.State == nil {
				t.Fatalf("state without payload accepted: %q", in)
			}
		}
		t.Fatal("reader did not reach EOF")
	})
}
