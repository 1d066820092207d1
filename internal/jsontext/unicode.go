package jsontext

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// ValidUnicode reports whether the JSON text raw is valid UTF-8 and every \u escape of a UTF-16
// surrogate is half of a pair: text any JSON parser reads as valid Unicode. Backslashes occur only
// inside strings in valid JSON, so raw is scanned as a whole.
func ValidUnicode(raw []byte) bool {
	if !utf8.Valid(raw) {
		return false
	}
	for i := bytes.IndexByte(raw, '\\'); i >= 0 && i < len(raw); {
		next := i + 2 // past \x
		if i+1 < len(raw) && raw[i+1] == 'u' {
			r := hex4or(raw, i+2)
			next = i + 6
			switch {
			case r >= 0xd800 && r < 0xdc00:
				lo := rune(-1)
				if i+7 < len(raw) && raw[i+6] == '\\' && raw[i+7] == 'u' {
					lo = hex4or(raw, i+8)
				}
				if lo < 0xdc00 || lo > 0xdfff {
					return false
				}
				next = i + 12
			case r >= 0xdc00 && r <= 0xdfff:
				return false
			}
		}
		j := bytes.IndexByte(raw[min(next, len(raw)):], '\\')
		if j < 0 {
			break
		}
		i = next + j
	}
	return true
}

// hex4or reads the four hex digits at raw[at:]; -1 when there are none.
func hex4or(raw []byte, at int) rune {
	if r, ok := hex4(raw, at); ok {
		return r
	}
	return -1
}

// AppendValidUnicode appends the JSON text raw (a valid JSON value, such as a record's raw field) to
// dst with every string made valid Unicode: invalid UTF-8 and lone surrogate escapes become
// U+FFFD, which is how encoding/json reads them. Text that is already valid is appended as it is.
func AppendValidUnicode(dst, raw []byte) []byte {
	if ValidUnicode(raw) {
		return append(dst, raw...)
	}
	for i := 0; i < len(raw); {
		if raw[i] != '"' {
			dst = append(dst, raw[i])
			i++
			continue
		}
		end, _, err := trustedStringEnd(raw, i)
		if err != nil {
			end = len(raw)
		}
		tok := raw[i:end]
		var s string
		switch {
		case ValidUnicode(tok):
			dst = append(dst, tok...)
		case json.Unmarshal(tok, &s) == nil:
			dst = AppendString(dst, s)
		default: // not a whole string: keep its text, as text
			dst = AppendString(dst, tok[1:])
		}
		i = end
	}
	return dst
}
