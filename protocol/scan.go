package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/insider-hubspot/connectors/internal/jsontext"
)

// This file decodes input lines in one validating pass. encoding/json would scan each line
// twice (validation, then decoding) and copy the record data, which is most of a destination's
// CPU; here the line is scanned once, the record data is kept as a slice of the line, and only
// the few envelope fields are decoded. STATE messages, which are rare, go through encoding/json.

// maxDepth bounds nesting, as encoding/json does, so deep input cannot exhaust the stack.
const maxDepth = 10000

var errSyntax = errors.New("invalid JSON")

// scanValue returns the end of the JSON value starting at b[i] (after leading whitespace), or an
// error when it is not valid JSON.
func scanValue(b []byte, i, depth int) (int, error) {
	i = skipSpace(b, i)
	if i >= len(b) {
		return 0, fmt.Errorf("%w: unexpected end of input", errSyntax)
	}
	switch c := b[i]; {
	case c == '{':
		return scanObject(b, i, depth+1, nil)
	case c == '[':
		return scanArray(b, i, depth+1)
	case c == '"':
		return scanString(b, i)
	case c == '-' || (c >= '0' && c <= '9'):
		return scanNumber(b, i)
	case c == 't':
		return scanLiteral(b, i, "true")
	case c == 'f':
		return scanLiteral(b, i, "false")
	case c == 'n':
		return scanLiteral(b, i, "null")
	default:
		return 0, fmt.Errorf("%w: unexpected %q at offset %d", errSyntax, c, i)
	}
}

// scanObject scans the object at b[i]; member, when set, is called with each key (still quoted
// and escaped) and the span of its value.
func scanObject(b []byte, i, depth int, member func(key, value []byte) error) (int, error) {
	if depth > maxDepth {
		return 0, fmt.Errorf("%w: nested too deeply", errSyntax)
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return 0, fmt.Errorf("%w: expected a member name at offset %d", errSyntax, i)
		}
		kEnd, err := scanString(b, i)
		if err != nil {
			return 0, err
		}
		key := b[i:kEnd]
		i = skipSpace(b, kEnd)
		if i >= len(b) || b[i] != ':' {
			return 0, fmt.Errorf("%w: expected ':' at offset %d", errSyntax, i)
		}
		vStart := skipSpace(b, i+1)
		vEnd, err := scanValue(b, vStart, depth)
		if err != nil {
			return 0, err
		}
		if member != nil {
			if err := member(key, b[vStart:vEnd]); err != nil {
				return 0, err
			}
		}
		i = skipSpace(b, vEnd)
		if i >= len(b) {
			return 0, fmt.Errorf("%w: unexpected end of object", errSyntax)
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return i + 1, nil
		default:
			return 0, fmt.Errorf("%w: expected ',' or '}' at offset %d", errSyntax, i)
		}
	}
}

func scanArray(b []byte, i, depth int) (int, error) {
	if depth > maxDepth {
		return 0, fmt.Errorf("%w: nested too deeply", errSyntax)
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, nil
	}
	for {
		end, err := scanValue(b, i, depth)
		if err != nil {
			return 0, err
		}
		i = skipSpace(b, end)
		if i >= len(b) {
			return 0, fmt.Errorf("%w: unexpected end of array", errSyntax)
		}
		switch b[i] {
		case ',':
			i++
		case ']':
			return i + 1, nil
		default:
			return 0, fmt.Errorf("%w: expected ',' or ']' at offset %d", errSyntax, i)
		}
	}
}

// scanString scans the string at b[i] (which is '"'). Like encoding/json it accepts invalid UTF-8.
func scanString(b []byte, i int) (int, error) {
	for i++; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return i + 1, nil
		case c == '\\':
			i++
			if i >= len(b) {
				return 0, fmt.Errorf("%w: unterminated string", errSyntax)
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(b) || !isHex(b[i+1]) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) {
					return 0, fmt.Errorf("%w: bad \\u escape at offset %d", errSyntax, i)
				}
				i += 4
			default:
				return 0, fmt.Errorf("%w: bad escape at offset %d", errSyntax, i)
			}
		case c < 0x20:
			return 0, fmt.Errorf("%w: control character in string at offset %d", errSyntax, i)
		}
	}
	return 0, fmt.Errorf("%w: unterminated string", errSyntax)
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// scanNumber scans the JSON number at b[i].
func scanNumber(b []byte, i int) (int, error) {
	end := jsontext.NumberEnd(b, i)
	if end < 0 {
		return 0, fmt.Errorf("%w: bad number at offset %d", errSyntax, i)
	}
	return end, nil
}

func scanLiteral(b []byte, i int, lit string) (int, error) {
	if !bytes.HasPrefix(b[i:], []byte(lit)) {
		return 0, fmt.Errorf("%w: unexpected literal at offset %d", errSyntax, i)
	}
	return i + len(lit), nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// unquote returns the text of a scanned JSON string.
func unquote(q []byte) (string, error) {
	if len(q) >= 2 && bytes.IndexByte(q, '\\') < 0 && utf8.Valid(q) {
		return string(q[1 : len(q)-1]), nil
	}
	var s string
	if err := json.Unmarshal(q, &s); err != nil {
		return "", err
	}
	return s, nil
}

// keyIs reports whether the scanned key q is name, ignoring case as encoding/json does.
func keyIs(q []byte, name string) bool {
	if bytes.IndexByte(q, '\\') < 0 {
		return bytes.EqualFold(q[1:len(q)-1], []byte(name))
	}
	s, err := unquote(q)
	return err == nil && strings.EqualFold(s, name)
}

// decodeLine decodes one input line into a message. The record data is a slice of line.
func decodeLine(line []byte) (*InMessage, error) {
	if len(line) == 0 || line[0] != '{' {
		return nil, errors.New("not a JSON object")
	}
	var typ, record, state []byte
	end, err := scanObject(line, 0, 1, func(key, value []byte) error {
		switch {
		case keyIs(key, "type"):
			typ = value
		case keyIs(key, "record"):
			record = value
		case keyIs(key, "state"):
			state = value
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if skipSpace(line, end) != len(line) {
		return nil, fmt.Errorf("%w: data after the message", errSyntax)
	}
	m := &InMessage{Raw: line}
	if typ != nil {
		t, err := unquote(typ)
		if err != nil || typ[0] != '"' {
			return nil, errors.New("type is not a string")
		}
		m.Type = MessageType(t)
	}
	switch m.Type {
	case TypeRecord:
		if record == nil || record[0] != '{' {
			return m, nil
		}
		m.Record, err = decodeRecord(record)
		if err != nil {
			return nil, err
		}
	case TypeState:
		if state == nil || state[0] != '{' {
			return m, nil
		}
		m.State = &State{}
		if err := json.Unmarshal(state, m.State); err != nil {
			return nil, fmt.Errorf("state: %w", err)
		}
	}
	return m, nil
}

// decodeRecord decodes a scanned record object.
func decodeRecord(b []byte) (*Record, error) {
	r := &Record{}
	var err error
	_, err = scanObject(b, 0, 1, func(key, value []byte) error {
		switch {
		case keyIs(key, "stream"):
			if value[0] == '"' {
				r.Stream, err = unquote(value)
			}
		case keyIs(key, "namespace"):
			if value[0] == '"' {
				r.Namespace, err = unquote(value)
			}
		case keyIs(key, "data"):
			r.Data = value
		case keyIs(key, "emitted_at"):
			r.EmittedAt = parseMillis(value)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("record: %w", err)
	}
	return r, nil
}

// parseMillis reads emitted_at written as an integer or a float; anything else is 0.
func parseMillis(v []byte) int64 {
	if n, err := strconv.ParseInt(string(v), 10, 64); err == nil {
		return n
	}
	if f, err := strconv.ParseFloat(string(v), 64); err == nil {
		return int64(f)
	}
	return 0
}
