package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/insider-hubspot/connectors/internal/jsontext"
)

// This file decodes input lines in one validating pass. encoding/json would scan each line
// twice (validation, then decoding) and copy the record data, which is most of a destination's
// CPU; here the line is scanned once, the record data is kept as a slice of the line, and only
// the few envelope fields are decoded. STATE messages, which are rare, go through encoding/json.

// keyIs reports whether the key (as jsontext.Scanner.Object reports it) is name, ignoring case
// as encoding/json does.
func keyIs(key []byte, escaped bool, name string) bool {
	if !escaped {
		return bytes.EqualFold(key, []byte(name))
	}
	s, err := jsontext.Unquote(key)
	return err == nil && strings.EqualFold(s, name)
}

// decodeLine decodes one input line into a message. The record data is a slice of line.
func decodeLine(line []byte) (*Input, error) {
	if len(line) == 0 || line[0] != '{' {
		return nil, errors.New("not a JSON object")
	}
	var typ, state []byte
	var record *Record
	s := jsontext.NewScanner(line, jsontext.Validate)
	err := s.Object(func(key []byte, escaped bool) error {
		var err error
		switch {
		case keyIs(key, escaped, "type"):
			typ, err = s.Value()
		case keyIs(key, escaped, "record"):
			// Decoded as it is scanned, so the record data is scanned once; the last
			// "record" wins, as encoding/json's does.
			record = nil
			if s.Peek() == '{' {
				record, err = decodeRecord(&s)
			}
		case keyIs(key, escaped, "state"):
			state, err = s.Value()
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := s.End(); err != nil {
		return nil, fmt.Errorf("%w: data after the message", jsontext.ErrSyntax)
	}
	m := &Input{Raw: line}
	if typ != nil {
		if typ[0] != '"' {
			return nil, errors.New("type is not a string")
		}
		t, err := jsontext.Unquote(typ[1 : len(typ)-1])
		if err != nil {
			return nil, errors.New("type is not a string")
		}
		m.Type = MessageType(t)
	}
	switch m.Type {
	case TypeRecord:
		m.Record = record
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

// decodeRecord decodes the record object at the scanner's cursor.
func decodeRecord(s *jsontext.Scanner) (*Record, error) {
	r := &Record{}
	err := s.Object(func(key []byte, escaped bool) error {
		var v []byte
		var err error
		switch {
		case keyIs(key, escaped, "stream"):
			if v, err = s.Value(); err == nil && v[0] == '"' {
				r.Stream, err = jsontext.Unquote(v[1 : len(v)-1])
			}
		case keyIs(key, escaped, "namespace"):
			if v, err = s.Value(); err == nil && v[0] == '"' {
				r.Namespace, err = jsontext.Unquote(v[1 : len(v)-1])
			}
		case keyIs(key, escaped, "data"):
			r.Data, err = s.Value()
		case keyIs(key, escaped, "emitted_at"):
			if v, err = s.Value(); err == nil {
				r.EmittedAt = parseMillis(v)
			}
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
