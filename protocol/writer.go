package protocol

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"

	"github.com/insider-hubspot/connectors/internal/jsontext"
)

// Writer writes Airbyte messages to stdout, one JSON object per line. It is the only thing that
// writes stdout. It is safe for concurrent use: each message is written whole under a mutex.
// Output is buffered and flushed at every STATE, at every TRACE and CONNECTION_STATUS, and by
// Flush. The first write error is kept and returned by every later call, so a broken stdout stops
// the run instead of losing messages silently.
type Writer struct {
	mu       sync.Mutex
	bw       *bufio.Writer
	err      error
	redactor *Redactor
	scratch  []byte
}

// NewWriter returns a Writer on w that redacts the secrets r knows from every LOG, TRACE and
// CONNECTION_STATUS text. r may be nil.
func NewWriter(w io.Writer, r *Redactor) *Writer {
	if r == nil {
		r = NewRedactor()
	}
	return &Writer{bw: bufio.NewWriterSize(w, 64<<10), redactor: r}
}

// Write encodes m as one line. It rejects a message whose payload does not match its type.
func (w *Writer) Write(m *Message) error {
	if err := checkPayload(m); err != nil {
		return err
	}
	m = w.redactMessage(m)
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode %s message: %w", m.Type, err)
	}
	flush := m.Type != TypeRecord && m.Type != TypeLog
	return w.writeLine(b, flush)
}

// WriteRecord writes a RECORD whose data is an already encoded, compact JSON object with no
// newline. It is the fast path for sources: no reflection, no copy of data beyond the buffer.
func (w *Writer) WriteRecord(stream string, data []byte, emittedAt int64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	b := w.scratch[:0]
	b = append(b, `{"type":"RECORD","record":{"stream":`...)
	b = jsontext.AppendString(b, stream)
	b = append(b, `,"data":`...)
	b = append(b, data...)
	b = append(b, `,"emitted_at":`...)
	b = strconv.AppendInt(b, emittedAt, 10)
	b = append(b, "}}\n"...)
	w.scratch = b
	_, err := w.bw.Write(b)
	if cap(w.scratch) > 1<<20 {
		w.scratch = nil
	}
	if err != nil {
		return w.keep(err)
	}
	return nil
}

// WriteLine writes an already encoded message line (without its newline) and flushes. The
// destination uses it to echo STATE messages byte for byte.
func (w *Writer) WriteLine(line []byte) error {
	return w.writeLine(line, true)
}

func (w *Writer) writeLine(b []byte, flush bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	if _, err := w.bw.Write(b); err != nil {
		return w.keep(err)
	}
	if err := w.bw.WriteByte('\n'); err != nil {
		return w.keep(err)
	}
	if flush {
		if err := w.bw.Flush(); err != nil {
			return w.keep(err)
		}
	}
	return nil
}

// keep records err as the Writer's first write error, which every later call returns; w.mu is
// held.
func (w *Writer) keep(err error) error {
	w.err = fmt.Errorf("write stdout: %w", err)
	return w.err
}

// Flush writes any buffered output.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	if err := w.bw.Flush(); err != nil {
		return w.keep(err)
	}
	return nil
}

// Err returns the first write error, if any.
func (w *Writer) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// redactMessage returns m, or a copy of it with secrets removed from its free text.
func (w *Writer) redactMessage(m *Message) *Message {
	r := w.redactor
	switch {
	case m.Log != nil:
		c := *m.Log
		c.Message, c.StackTrace = r.Redact(c.Message), r.Redact(c.StackTrace)
		return &Message{Type: m.Type, Log: &c}
	case m.Trace != nil && m.Trace.Error != nil:
		e := *m.Trace.Error
		e.Message, e.InternalMessage, e.StackTrace = r.Redact(e.Message), r.Redact(e.InternalMessage), r.Redact(e.StackTrace)
		t := *m.Trace
		t.Error = &e
		return &Message{Type: m.Type, Trace: &t}
	case m.ConnectionStatus != nil:
		c := *m.ConnectionStatus
		c.Message = r.Redact(c.Message)
		return &Message{Type: m.Type, ConnectionStatus: &c}
	}
	return m
}

// errPayload is returned for a message whose payload does not match its type.
var errPayload = errors.New("message payload does not match its type")

func checkPayload(m *Message) error {
	payloads := [...]struct {
		typ MessageType
		set bool
	}{
		{TypeRecord, m.Record != nil}, {TypeState, m.State != nil}, {TypeLog, m.Log != nil},
		{TypeSpec, m.Spec != nil}, {TypeConnectionStatus, m.ConnectionStatus != nil},
		{TypeCatalog, m.Catalog != nil}, {TypeTrace, m.Trace != nil}, {TypeControl, m.Control != nil},
		{TypeDestinationCatalog, m.DestinationCatalog != nil},
	}
	n, set := 0, MessageType("")
	for _, p := range payloads {
		if p.set {
			n, set = n+1, p.typ
		}
	}
	if n != 1 || set != m.Type || set == TypeDestinationCatalog && m.DestinationCatalog.Operations == nil {
		return fmt.Errorf("%w: %q", errPayload, m.Type)
	}
	return nil
}
