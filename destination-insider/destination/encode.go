package destination

import "github.com/insider-hubspot/connectors/protocol"

// This file appends JSON to byte slices; the upsert body is built with it
// in reused buffers instead of through encoding/json and maps.

// appendKey appends "key": after a comma when the object already has members.
func appendKey(dst []byte, key []byte, first *bool) []byte {
	if !*first {
		dst = append(dst, ',')
	}
	*first = false
	dst = append(dst, key...)
	return append(dst, ':')
}

// encodedKey returns the JSON encoding of an object key, ready for appendKey.
func encodedKey(name string) []byte { return protocol.AppendJSONString(nil, name) }

// isJSONNumber reports whether s is a JSON number literal.
func isJSONNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i >= len(s):
		return false
	case s[i] == '0':
		i++
	case s[i] >= '1' && s[i] <= '9':
		i = skipDigits(s, i)
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		d := i + 1
		if i = skipDigits(s, d); i == d {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		d := i
		if i = skipDigits(s, d); i == d {
			return false
		}
	}
	return i == len(s)
}

// skipDigits returns the index of the first byte at or after i in s that is
// not a decimal digit.
func skipDigits(s string, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}
