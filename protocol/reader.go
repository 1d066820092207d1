package protocol

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// MaxLineBytes is the longest input line the Reader accepts. Longer lines are skipped whole and
// reported as a *LineError.
const MaxLineBytes = 64 << 20

// Input is a message read from stdin. Raw is the line as received (without the newline). For
// RECORD messages Raw and Record.Data point into the reader's buffer and are only valid until the
// next call to Next; for STATE messages Raw is the caller's to keep. Record.Data is always a
// valid JSON object.
type Input struct {
	Type   MessageType
	Record *Record
	State  *State
	Raw    []byte
}

// LineError reports an input line that is not an Airbyte message. Reading may continue.
type LineError struct {
	Line int   // the line's number in the input, counted from 1
	Err  error // what is wrong with it
}

// Error names the line (counted from 1) and what is wrong with it.
func (e *LineError) Error() string { return fmt.Sprintf("stdin line %d: %v", e.Line, e.Err) }

// Unwrap returns the cause, for errors.Is and errors.As.
func (e *LineError) Unwrap() error { return e.Err }

// Reader reads Airbyte messages from stdin, one per line. It is not safe for concurrent use.
type Reader struct {
	br   *bufio.Reader
	line int
	buf  []byte
}

// NewReader returns a Reader on r.
func NewReader(r io.Reader) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 1<<20)}
}

// Next returns the next message. It returns io.EOF at the end of input, a *LineError for a line
// that is not an Airbyte message (the caller logs it and calls Next again), and any other error
// when reading fails. Blank lines are skipped.
func (r *Reader) Next() (*Input, error) {
	for {
		line, err := r.readLine()
		if err != nil {
			return nil, err
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		m, err := decodeLine(line)
		if err != nil {
			return nil, &LineError{Line: r.line, Err: fmt.Errorf("not an Airbyte message: %w", err)}
		}
		switch m.Type {
		case TypeRecord:
			if m.Record == nil || m.Record.Stream == "" || !isObject(m.Record.Data) {
				return nil, &LineError{Line: r.line, Err: errors.New("RECORD without stream or object data")}
			}
		case TypeState:
			if m.State == nil {
				return nil, &LineError{Line: r.line, Err: errors.New("STATE without state")}
			}
			m.Raw = bytes.Clone(line)
		case "":
			return nil, &LineError{Line: r.line, Err: errors.New("message without type")}
		}
		return m, nil
	}
}

// readLine returns the next line without its newline. The result is valid until the next call.
func (r *Reader) readLine() ([]byte, error) {
	r.buf = r.buf[:0]
	tooLong := false
	for {
		chunk, err := r.br.ReadSlice('\n')
		if !tooLong {
			if len(r.buf)+len(chunk) > MaxLineBytes+1 {
				tooLong = true
				r.buf = r.buf[:0]
			} else {
				r.buf = append(r.buf, chunk...)
			}
		}
		switch {
		case err == nil:
			r.line++
			if tooLong {
				return nil, &LineError{Line: r.line, Err: fmt.Errorf("line longer than %d bytes skipped", MaxLineBytes)}
			}
			return r.buf[:len(r.buf)-1], nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if len(r.buf) == 0 && !tooLong {
				return nil, io.EOF
			}
			r.line++
			if tooLong {
				return nil, &LineError{Line: r.line, Err: fmt.Errorf("line longer than %d bytes skipped", MaxLineBytes)}
			}
			return r.buf, nil
		default:
			return nil, fmt.Errorf("read stdin: %w", err)
		}
	}
}

func isObject(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) >= 2 && raw[0] == '{'
}
