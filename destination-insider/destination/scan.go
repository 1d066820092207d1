package destination

import (
	"bytes"
	"unicode/utf8"

	"github.com/insider-hubspot/connectors/internal/jsontext"
)

// This file pulls the mapped fields out of a record in one pass of
// jsontext's scanner, without building a map of the whole record: record
// data is decoded once and only where the mapping needs it.

// value is one JSON value found in a record, as its raw bytes.
type value struct {
	raw []byte // nil when the field is absent
}

// jsonKind classifies a raw JSON value by its first byte.
func (v value) jsonKind() byte {
	if len(v.raw) == 0 {
		return 0
	}
	switch c := v.raw[0]; c {
	case '"', '{', '[', 't', 'f', 'n':
		return c
	default:
		return '0' // number
	}
}

// absent reports whether the value is missing, null, an empty string or a
// whitespace-only string: all are left out of what is sent.
func (v value) absent() bool {
	switch v.jsonKind() {
	case 0, 'n':
		return true
	case '"':
		if len(v.raw) < 2 {
			return true
		}
		for _, c := range v.raw[1 : len(v.raw)-1] {
			switch c {
			case ' ', '\t', '\n', '\r', '\v', '\f':
			case '\\':
				s, ok := v.str() // escapes: decode to tell \n from \u0041
				return !ok || isBlank(s)
			default:
				return false
			}
		}
		return true
	}
	return false
}

// str returns the value of a JSON string; ok is false for other kinds.
func (v value) str() (string, bool) {
	if v.jsonKind() != '"' || len(v.raw) < 2 {
		return "", false
	}
	inner := v.raw[1 : len(v.raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner), true
	}
	s, err := jsontext.Unquote(inner)
	return s, err == nil
}

// text returns a scalar as text: a string's value, or a number's or
// boolean's literal. ok is false for null, objects and arrays.
func (v value) text() (string, bool) {
	switch v.jsonKind() {
	case '"':
		return v.str()
	case '0', 't', 'f':
		return string(v.raw), true
	}
	return "", false
}

func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r', '\v', '\f':
		default:
			return false
		}
	}
	return true
}

// pathNode is one level of the compiled set of source paths. A path
// "contact.email" is the child "contact" holding the child "email".
type pathNode struct {
	children map[string]*pathNode
	slot     int // index into the values slice, -1 when no path ends here
}

func newPathNode() *pathNode { return &pathNode{slot: -1} }

// add registers a dotted path and returns its slot; equal paths share one.
func (n *pathNode) add(segments []string, next *int) int {
	for _, s := range segments {
		if n.children == nil {
			n.children = map[string]*pathNode{}
		}
		c := n.children[s]
		if c == nil {
			c = newPathNode()
			n.children[s] = c
		}
		n = c
	}
	if n.slot < 0 {
		n.slot = *next
		*next++
	}
	return n.slot
}

// extract scans the JSON object data and stores in vals the raw value of
// every registered path. It reports false when data is not a JSON object or
// is malformed. data is record data the protocol reader has validated, so
// it is scanned in jsontext's trusted mode.
func (n *pathNode) extract(data []byte, vals []value) bool {
	s := jsontext.NewScanner(data, jsontext.Trusted)
	if s.Peek() != '{' {
		return false
	}
	err := s.Object(func(key []byte, escaped bool) error {
		var child *pathNode
		if !escaped {
			child = n.children[string(key)]
		} else if k, err := jsontext.Unquote(key); err == nil {
			child = n.children[k]
		}
		if child == nil {
			return nil // skipped by the scanner
		}
		raw, err := s.Value()
		if err != nil {
			return err
		}
		if child.slot >= 0 {
			vals[child.slot] = value{raw: raw}
		}
		if child.children != nil && raw[0] == '{' {
			child.extract(raw, vals)
		}
		return nil
	})
	return err == nil
}
