package convert

import (
	"bytes"
	"unicode/utf8"

	"github.com/insider-hubspot/connectors/internal/jsontext"
)

// Value is one JSON value found in a record, as its raw bytes.
type Value struct {
	Raw []byte // nil when the field is absent
}

// JSONKind classifies a raw JSON value by its first byte: '"', '{', '[', 't', 'f' or 'n' as
// the value starts, '0' for a number, 0 for an absent value.
func (v Value) JSONKind() byte {
	if len(v.Raw) == 0 {
		return 0
	}
	switch c := v.Raw[0]; c {
	case '"', '{', '[', 't', 'f', 'n':
		return c
	default:
		return '0' // number
	}
}

// Absent reports whether the value is missing, null, an empty string or a
// whitespace-only string: all are left out of what is sent.
func (v Value) Absent() bool {
	switch v.JSONKind() {
	case 0, 'n':
		return true
	case '"':
		if len(v.Raw) < 2 {
			return true
		}
		for _, c := range v.Raw[1 : len(v.Raw)-1] {
			switch c {
			case ' ', '\t', '\n', '\r', '\v', '\f':
			case '\\':
				s, ok := v.Unquoted() // escapes: decode to tell \n from \u0041
				return !ok || IsBlank(s)
			default:
				return false
			}
		}
		return true
	}
	return false
}

// Unquoted returns the value of a JSON string; ok is false for other kinds.
func (v Value) Unquoted() (string, bool) {
	if v.JSONKind() != '"' || len(v.Raw) < 2 {
		return "", false
	}
	inner := v.Raw[1 : len(v.Raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner), true
	}
	s, err := jsontext.Unquote(inner)
	return s, err == nil
}

// Text returns a scalar as text: a string's value, or a number's or
// boolean's literal. ok is false for null, objects and arrays.
func (v Value) Text() (string, bool) {
	switch v.JSONKind() {
	case '"':
		return v.Unquoted()
	case '0', 't', 'f':
		return string(v.Raw), true
	}
	return "", false
}

// IsBlank reports whether s is empty or only white space.
func IsBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r', '\v', '\f':
		default:
			return false
		}
	}
	return true
}
