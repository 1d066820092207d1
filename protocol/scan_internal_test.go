package protocol

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/internal/jsontext"
)

func FuzzDecodeLineMatchesUnmarshal(f *testing.F) {
	f.Add([]byte(`{"type":"RECORD","record":{"stream":"contacts","namespace":"n","data":{"id":"1","n":12345678901234567890},"emitted_at":1700000000000}}`))
	f.Add([]byte(`{"record":{"data":{"a":1},"stream":"s\u00e9","emitted_at":2},"type":"RECORD","extra":[1,{}]}`))
	f.Add([]byte(`{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"c"},"stream_state":{"a":1}}}}`))
	f.Add([]byte(`{"type":"LOG","log":{"level":"INFO","message":"x"}}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		m, err := decodeLine(line)
		var env struct {
			Type   MessageType `json:"type"`
			Record *Record     `json:"record"`
			State  *State      `json:"state"`
		}
		uerr := json.Unmarshal(line, &env)
		if err != nil {
			if uerr == nil && json.Valid(line) && bytes.HasPrefix(line, []byte("{")) && env.Type != TypeState {
				t.Fatalf("decodeLine refused %q (%v) which encoding/json decodes", line, err)
			}
			return
		}
		if !json.Valid(line) {
			t.Fatalf("decodeLine accepted invalid JSON %q", line)
		}
		if uerr != nil {
			return // a field of an unexpected type: encoding/json refuses the line, the scanner is lenient
		}
		if m.Type != env.Type {
			t.Fatalf("type %q, want %q", m.Type, env.Type)
		}
		if m.Type == TypeRecord && env.Record != nil && m.Record != nil {
			if m.Record.Stream != env.Record.Stream || m.Record.Namespace != env.Record.Namespace {
				t.Fatalf("record %+v, want %+v", m.Record, env.Record)
			}
			if env.Record.Data != nil && !bytes.Equal(m.Record.Data, env.Record.Data) {
				t.Fatalf("data %s, want %s", m.Record.Data, env.Record.Data)
			}
		}
	})
}

func TestDecodeLineDeepNesting(t *testing.T) {
	deep := `{"type":"RECORD","record":{"stream":"s","data":{"a":` + strings.Repeat("[", jsontext.MaxDepth+5) + strings.Repeat("]", jsontext.MaxDepth+5) + `}}}`
	if _, err := decodeLine([]byte(deep)); err == nil {
		t.Fatal("no error for nesting deeper than the limit")
	}
}

func BenchmarkReadRecord(b *testing.B) {
	line := benchRecordLine()
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeLine(line); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadRecordEncodingJSON(b *testing.B) {
	line := benchRecordLine()
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		var env struct {
			Type   MessageType `json:"type"`
			Record *Record     `json:"record"`
		}
		if err := json.Unmarshal(line, &env); err != nil {
			b.Fatal(err)
		}
	}
}

// benchRecordLine is a RECORD line of a contact with 40 string properties.
func benchRecordLine() []byte {
	var sb strings.Builder
	sb.WriteString(`{"type":"RECORD","record":{"stream":"contacts","data":{"id":"51000000001"`)
	for i := 0; i < 40; i++ {
		sb.WriteString(`,"property_` + strings.Repeat("x", i%7) + `":"value with some text \"quoted\" ünicode 12345"`)
	}
	sb.WriteString(`},"emitted_at":1767323045678}}`)
	return []byte(sb.String())
}
