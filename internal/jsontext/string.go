// Package jsontext holds the JSON helpers the connectors share on their hot paths: one scanner
// (validating for input from outside, trusted for text already validated), string decoding, a
// string encoder that appends to reused buffers, the JSON number grammar and the repair of text
// that is not valid Unicode. encoding/json/jsontext (AppendQuote, a Decoder returning raw
// values) is the planned replacement once it leaves GOEXPERIMENT.
package jsontext

import "unicode/utf8"

// AppendString appends s to dst as a JSON string literal, the way the connectors build JSON in
// reused buffers on their hot paths. Control characters, quotes and backslashes are escaped;
// invalid UTF-8 becomes U+FFFD, as encoding/json does. Unlike encoding/json it leaves <, > and &
// as they are, which JSON allows.
func AppendString[T ~string | ~[]byte](dst []byte, s T) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if plainASCII[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		// At most 4 bytes: the conversion stays on the stack.
		r, size := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

const hexDigits = "0123456789abcdef"

// plainASCII marks the bytes that go into a JSON string as they are.
var plainASCII = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()
