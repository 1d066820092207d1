package jsontext

import (
	"bytes"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// Unquote returns the text of a JSON string from its body (the bytes between the quotes, as an
// Object key or a Value without its first and last byte), decoded as encoding/json decodes it.
// It allocates only the result.
func Unquote(body []byte) (string, error) {
	if bytes.IndexByte(body, '\\') < 0 && utf8.Valid(body) {
		return string(body), nil
	}
	b, err := AppendUnquoted(nil, body)
	return string(b), err
}

// AppendUnquoted appends the text of the JSON string body to dst, resolving escapes as
// encoding/json does: a \u escape of a UTF-16 surrogate outside a pair and each byte of invalid
// UTF-8 become U+FFFD. A malformed escape is an error.
func AppendUnquoted(dst, body []byte) ([]byte, error) {
	// One loop on the decoding hot path: moving the escapes into functions made
	// BenchmarkAppendUnquoted about a third slower. Only a surrogate pair is decoded apart.
	for i := 0; i < len(body); {
		c := body[i]
		if c != '\\' {
			if c < utf8.RuneSelf {
				j := i + 1
				for j < len(body) && body[j] != '\\' && body[j] < utf8.RuneSelf {
					j++
				}
				dst = append(dst, body[i:j]...)
				i = j
				continue
			}
			r, size := utf8.DecodeRune(body[i:])
			if r == utf8.RuneError && size == 1 {
				dst = utf8.AppendRune(dst, utf8.RuneError)
			} else {
				dst = append(dst, body[i:i+size]...)
			}
			i += size
			continue
		}
		if i+1 >= len(body) {
			return dst, fmt.Errorf("%w: unterminated escape", ErrSyntax)
		}
		e := body[i+1]
		i += 2
		switch e {
		case '"', '\\', '/':
			dst = append(dst, e)
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r, ok := hex4(body, i)
			if !ok {
				return dst, fmt.Errorf("%w: bad \\u escape", ErrSyntax)
			}
			i += 4
			if utf16.IsSurrogate(r) {
				if dec, ok := pairedSurrogate(body, i, r); ok {
					dst = utf8.AppendRune(dst, dec)
					i += 6
					continue
				}
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
		default:
			return dst, fmt.Errorf("%w: bad escape \\%c", ErrSyntax, e)
		}
	}
	return dst, nil
}

// pairedSurrogate decodes the rune of surrogate r and the \u escape at body[i:], ok false when
// no escape follows or the two are not a pair.
func pairedSurrogate(body []byte, i int, r rune) (rune, bool) {
	if i+1 >= len(body) || body[i] != '\\' || body[i+1] != 'u' {
		return 0, false
	}
	r2, ok := hex4(body, i+2)
	if !ok {
		return 0, false
	}
	dec := utf16.DecodeRune(r, r2)
	return dec, dec != utf8.RuneError
}
