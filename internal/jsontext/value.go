package jsontext

import (
	"encoding/binary"
	"fmt"
	"math/bits"
)

// valueEnd returns the end of the value starting at b[i], nested depth levels deep.
func (s *Scanner) valueEnd(i, depth int) (int, error) {
	b := s.b
	if i >= len(b) {
		return 0, fmt.Errorf("%w: unexpected end of input", ErrSyntax)
	}
	if s.mode == Trusted {
		return s.trustedEnd(i)
	}
	switch c := b[i]; {
	case c == '"':
		end, _, err := s.stringEnd(i)
		return end, err
	case c == '{':
		return s.objectEnd(i, depth+1)
	case c == '[':
		return s.arrayEnd(i, depth+1)
	case c == '-' || (c >= '0' && c <= '9'):
		end := NumberEnd(b, i)
		if end < 0 {
			return 0, fmt.Errorf("%w: bad number at offset %d", ErrSyntax, i)
		}
		return end, nil
	case c == 't':
		return literalEnd(b, i, "true")
	case c == 'f':
		return literalEnd(b, i, "false")
	case c == 'n':
		return literalEnd(b, i, "null")
	default:
		return 0, fmt.Errorf("%w: unexpected %q at offset %d", ErrSyntax, c, i)
	}
}

func literalEnd(b []byte, i int, lit string) (int, error) {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return 0, fmt.Errorf("%w: unexpected literal at offset %d", ErrSyntax, i)
	}
	return i + len(lit), nil
}

// objectEnd validates the object at b[i].
func (s *Scanner) objectEnd(i, depth int) (int, error) {
	if depth > MaxDepth {
		return 0, fmt.Errorf("%w: nested too deeply", ErrSyntax)
	}
	b := s.b
	i = SkipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return 0, fmt.Errorf("%w: expected a member name at offset %d", ErrSyntax, i)
		}
		kEnd, _, err := s.stringEnd(i)
		if err != nil {
			return 0, err
		}
		i = SkipSpace(b, kEnd)
		if i >= len(b) || b[i] != ':' {
			return 0, fmt.Errorf("%w: expected ':' at offset %d", ErrSyntax, i)
		}
		vEnd, err := s.valueEnd(SkipSpace(b, i+1), depth)
		if err != nil {
			return 0, err
		}
		i = SkipSpace(b, vEnd)
		if i >= len(b) {
			return 0, fmt.Errorf("%w: unexpected end of object", ErrSyntax)
		}
		switch b[i] {
		case ',':
			i = SkipSpace(b, i+1)
		case '}':
			return i + 1, nil
		default:
			return 0, fmt.Errorf("%w: expected ',' or '}' at offset %d", ErrSyntax, i)
		}
	}
}

// arrayEnd validates the array at b[i].
func (s *Scanner) arrayEnd(i, depth int) (int, error) {
	if depth > MaxDepth {
		return 0, fmt.Errorf("%w: nested too deeply", ErrSyntax)
	}
	b := s.b
	i = SkipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, nil
	}
	for {
		end, err := s.valueEnd(i, depth)
		if err != nil {
			return 0, err
		}
		i = SkipSpace(b, end)
		if i >= len(b) {
			return 0, fmt.Errorf("%w: unexpected end of array", ErrSyntax)
		}
		switch b[i] {
		case ',':
			i = SkipSpace(b, i+1)
		case ']':
			return i + 1, nil
		default:
			return 0, fmt.Errorf("%w: expected ',' or ']' at offset %d", ErrSyntax, i)
		}
	}
}

// stringEnd returns the end of the string starting at s.b[i] == '"' and whether it holds
// escapes. Validating, it checks the escapes and refuses control characters; like
// encoding/json it accepts invalid UTF-8.
func (s *Scanner) stringEnd(i int) (end int, escaped bool, err error) {
	b := s.b
	if s.mode == Trusted {
		return trustedStringEnd(b, i)
	}
	j := i + 1
	for {
		// Eight bytes at a time while none is a quote, a backslash or a control character.
		for j+8 <= len(b) {
			x := binary.LittleEndian.Uint64(b[j:])
			q, bs := x^(lsb*'"'), x^(lsb*'\\')
			m := ((x - lsb*0x20) &^ x) | ((q - lsb) &^ q) | ((bs - lsb) &^ bs)
			if m &= msb; m != 0 {
				j += bits.TrailingZeros64(m) >> 3
				break
			}
			j += 8
		}
		if j >= len(b) {
			return 0, false, fmt.Errorf("%w: unterminated string", ErrSyntax)
		}
		switch c := b[j]; {
		case c == '"':
			return j + 1, escaped, nil
		case c == '\\':
			escaped = true
			j++
			if j >= len(b) {
				return 0, false, fmt.Errorf("%w: unterminated string", ErrSyntax)
			}
			switch b[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j++
			case 'u':
				if _, ok := hex4(b, j+1); !ok {
					return 0, false, fmt.Errorf("%w: bad \\u escape at offset %d", ErrSyntax, j)
				}
				j += 5
			default:
				return 0, false, fmt.Errorf("%w: bad escape at offset %d", ErrSyntax, j)
			}
		case c < 0x20:
			return 0, false, fmt.Errorf("%w: control character in string at offset %d", ErrSyntax, j)
		default:
			j++
		}
	}
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// trustedStringEnd finds the closing quote of the string at b[i], the first quote not escaped,
// looking at eight bytes at a time while none is a quote or a backslash.
func trustedStringEnd(b []byte, i int) (end int, escaped bool, err error) {
	j := i + 1
	for {
		for j+8 <= len(b) {
			x := binary.LittleEndian.Uint64(b[j:])
			q, bs := x^(lsb*'"'), x^(lsb*'\\')
			if m := ((q - lsb) &^ q) | ((bs - lsb) &^ bs); m&msb != 0 {
				j += bits.TrailingZeros64(m&msb) >> 3
				break
			}
			j += 8
		}
		if j >= len(b) {
			return 0, false, fmt.Errorf("%w: unterminated string", ErrSyntax)
		}
		switch b[j] {
		case '"':
			return j + 1, escaped, nil
		case '\\':
			escaped = true
			j += 2
		default:
			j++
		}
	}
}

// trustedEnd finds the end of the value at b[i] without validating it.
func (s *Scanner) trustedEnd(i int) (int, error) {
	b := s.b
	switch b[i] {
	case '"':
		end, _, err := trustedStringEnd(b, i)
		return end, err
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, _, err := trustedStringEnd(b, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, fmt.Errorf("%w: unexpected end of input", ErrSyntax)
	}
	j := i
	for j < len(b) && scalar[b[j]] {
		j++
	}
	if j == i {
		return 0, fmt.Errorf("%w: unexpected %q at offset %d", ErrSyntax, b[i], i)
	}
	return j, nil
}

// scalar marks the bytes numbers and the literals true, false and null are made of.
var scalar = func() (t [256]bool) {
	for _, c := range []byte("0123456789+-.eEtrufalsn") {
		t[c] = true
	}
	return t
}()

// hex4 reads the four hex digits at b[i:].
func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
