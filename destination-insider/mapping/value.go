package mapping

import (
	"bytes"
	"unicode/utf8"

	"github.com/insider-hubspot/connectors/internal/jsontext"
)

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
