package destination

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// This file is a small JSON scanner that pulls the mapped fields out of a
// record in one pass, without building a map of the whole record: record
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
	var s string
	if err := json.Unmarshal(v.raw, &s); err != nil {
		return "", false
	}
	return s, true
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
// is malformed.
func (n *pathNode) extract(data []byte, vals []value) bool {
	it := objectMembers(data)
	for qkey, raw, ok := it.next(); ok; qkey, raw, ok = it.next() {
		var child *pathNode
		if it.escaped {
			var k string
			if json.Unmarshal(qkey, &k) == nil {
				child = n.children[k]
			}
		} else {
			child = n.children[string(qkey[1:len(qkey)-1])]
		}
		if child != nil {
			if child.slot >= 0 {
				vals[child.slot] = value{raw: raw}
			}
			if child.children != nil && raw[0] == '{' {
				child.extract(raw, vals)
			}
		}
	}
	return it.valid()
}

// memberIter walks the members of one JSON object, in order.
type memberIter struct {
	data    []byte
	i       int  // where the next member starts
	escaped bool // the last key returned has escapes
	end     bool // the closing brace was reached
	bad     bool // the object is malformed
}

// objectMembers starts walking the JSON object data; when data does not
// start with one the walk has no members and is not valid.
func objectMembers(data []byte) memberIter {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return memberIter{bad: true}
	}
	it := memberIter{data: data, i: skipSpace(data, i+1)}
	it.end = it.i < len(data) && data[it.i] == '}'
	return it
}

// next returns the next member's key, quoted as in data, and raw value;
// more is false past the last member or at malformed input.
func (it *memberIter) next() (qkey, raw []byte, more bool) {
	if it.end || it.bad {
		return nil, nil, false
	}
	data, i := it.data, it.i
	it.bad = true // until the member is read whole
	if i >= len(data) || data[i] != '"' {
		return nil, nil, false
	}
	kEnd, esc, ok := scanString(data, i)
	if !ok {
		return nil, nil, false
	}
	qkey, it.escaped = data[i:kEnd], esc
	i = skipSpace(data, kEnd)
	if i >= len(data) || data[i] != ':' {
		return nil, nil, false
	}
	i = skipSpace(data, i+1)
	vEnd, ok := scanValue(data, i)
	if !ok {
		return nil, nil, false
	}
	raw = data[i:vEnd]
	// The member is returned even when what follows it is malformed; the
	// walk then ends, invalid.
	j := skipSpace(data, vEnd)
	switch {
	case j >= len(data):
	case data[j] == '}':
		it.bad, it.end = false, true
	case data[j] == ',':
		it.bad, it.i = false, skipSpace(data, j+1)
	}
	return qkey, raw, true
}

// valid reports whether the walk reached the object's closing brace with
// every member well formed.
func (it *memberIter) valid() bool { return it.end && !it.bad }

func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// scanString returns the index after the string starting at b[i] == '"'
// and whether it holds escapes.
func scanString(b []byte, i int) (end int, escaped, ok bool) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '"':
			return j + 1, escaped, true
		case '\\':
			escaped = true
			j++
		}
	}
	return 0, false, false
}

// scanValue returns the index after the JSON value starting at b[i].
func scanValue(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '"':
		end, _, ok := scanString(b, i)
		return end, ok
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, _, ok := scanString(b, j)
				if !ok {
					return 0, false
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	default:
		j := i
		for j < len(b) {
			switch c := b[j]; {
			case c >= '0' && c <= '9', c == '-', c == '+', c == '.', c == 'e', c == 'E',
				c >= 'a' && c <= 'z':
				j++
				continue
			}
			break
		}
		if j == i {
			return 0, false
		}
		return j, true
	}
}
