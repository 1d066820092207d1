package jsontext

import (
	"errors"
	"fmt"
)

// ErrSyntax is wrapped by every error a Scanner returns for text that is not JSON.
var ErrSyntax = errors.New("invalid JSON")

// MaxDepth bounds the nesting a validating Scanner accepts, as encoding/json does, so deep
// input cannot exhaust the stack.
const MaxDepth = 10000

// Mode says how much a Scanner checks.
type Mode uint8

const (
	// Validate checks every byte against the JSON grammar: a value is accepted exactly when
	// json.Valid accepts it (invalid UTF-8 in strings included, as encoding/json allows). It is
	// for input from outside the program.
	Validate Mode = iota
	// Trusted is for text the program wrote itself or has already validated. Strings end at
	// their closing quote, objects and arrays at their matching bracket, numbers and literals at
	// the first byte that cannot be part of one; nothing else is checked. On valid JSON it gives
	// the same answers as Validate. On other text it never panics or reads past the input, and
	// returns an error or some span of the text.
	Trusted
)

// Scanner walks one JSON text from a cursor. The spans it returns are slices of the text.
// A Scanner is a value: copy it to keep a position, declare it on the stack to scan without
// allocating. It is not safe for concurrent use.
type Scanner struct {
	b     []byte
	i     int
	depth int
	mode  Mode
}

// NewScanner returns a Scanner at the start of b.
func NewScanner(b []byte, m Mode) Scanner { return Scanner{b: b, mode: m} }

// Peek returns the next byte after whitespace, moving the cursor onto it; 0 at the end.
func (s *Scanner) Peek() byte {
	s.i = SkipSpace(s.b, s.i)
	if s.i >= len(s.b) {
		return 0
	}
	return s.b[s.i]
}

// End returns an error unless only whitespace is left.
func (s *Scanner) End() error {
	if s.i = SkipSpace(s.b, s.i); s.i != len(s.b) {
		return fmt.Errorf("%w: data after the value at offset %d", ErrSyntax, s.i)
	}
	return nil
}

// Value scans the value at the cursor (after whitespace) and returns its text.
func (s *Scanner) Value() ([]byte, error) {
	start := SkipSpace(s.b, s.i)
	end, err := s.valueEnd(start, s.depth)
	if err != nil {
		return nil, err
	}
	s.i = end
	return s.b[start:end], nil
}

// String scans the string at the cursor (after whitespace) and returns its body, the bytes
// between the quotes; escaped says it holds escapes to resolve with Unquote.
func (s *Scanner) String() (body []byte, escaped bool, err error) {
	i := SkipSpace(s.b, s.i)
	if i >= len(s.b) || s.b[i] != '"' {
		return nil, false, s.unexpected(i, "a string")
	}
	end, escaped, err := s.stringEnd(i)
	if err != nil {
		return nil, false, err
	}
	s.i = end
	return s.b[i+1 : end-1], escaped, nil
}

// Object scans the object at the cursor. For each member it calls member with the key's text
// (without quotes; escaped says it holds escapes to resolve with Unquote) and the cursor on the
// value. member may scan the value (Value, Object, Array); a value it leaves is skipped. An
// error from member stops the scan and is returned.
func (s *Scanner) Object(member func(key []byte, escaped bool) error) error {
	b := s.b
	i := SkipSpace(b, s.i)
	if i >= len(b) || b[i] != '{' {
		return s.unexpected(i, "an object")
	}
	if err := s.enter(); err != nil {
		return err
	}
	s.i = SkipSpace(b, i+1)
	if s.i < len(b) && b[s.i] == '}' {
		s.i++
		s.depth--
		return nil
	}
	for {
		k := s.i
		if k >= len(b) || b[k] != '"' {
			return fmt.Errorf("%w: expected a member name at offset %d", ErrSyntax, k)
		}
		kEnd, escaped, err := s.stringEnd(k)
		if err != nil {
			return err
		}
		i := SkipSpace(b, kEnd)
		if i >= len(b) || b[i] != ':' {
			return fmt.Errorf("%w: expected ':' at offset %d", ErrSyntax, i)
		}
		s.i = SkipSpace(b, i+1)
		start := s.i
		if err := member(b[k+1:kEnd-1], escaped); err != nil {
			return err
		}
		if s.i == start {
			if _, err := s.Value(); err != nil {
				return err
			}
		}
		i = SkipSpace(b, s.i)
		if i < len(b) && b[i] == ',' {
			s.i = SkipSpace(b, i+1)
			continue
		}
		if i < len(b) && b[i] == '}' {
			s.i = i + 1
			s.depth--
			return nil
		}
		return s.after(i, '}', "object")
	}
}

// Array scans the array at the cursor, calling elem with the cursor on each element. elem may
// scan the element; an element it leaves is skipped. An error from elem stops the scan and is
// returned.
func (s *Scanner) Array(elem func() error) error {
	b := s.b
	i := SkipSpace(b, s.i)
	if i >= len(b) || b[i] != '[' {
		return s.unexpected(i, "an array")
	}
	if err := s.enter(); err != nil {
		return err
	}
	s.i = SkipSpace(b, i+1)
	if s.i < len(b) && b[s.i] == ']' {
		s.i++
		s.depth--
		return nil
	}
	for {
		start := s.i
		if err := elem(); err != nil {
			return err
		}
		if s.i == start {
			if _, err := s.Value(); err != nil {
				return err
			}
		}
		i := SkipSpace(b, s.i)
		if i < len(b) && b[i] == ',' {
			s.i = SkipSpace(b, i+1)
			continue
		}
		if i < len(b) && b[i] == ']' {
			s.i = i + 1
			s.depth--
			return nil
		}
		return s.after(i, ']', "array")
	}
}

// enter counts one more level of nesting.
func (s *Scanner) enter() error {
	s.depth++
	if s.depth > MaxDepth && s.mode == Validate {
		return fmt.Errorf("%w: nested too deeply", ErrSyntax)
	}
	return nil
}

// after is the error for b[i], after a member or element, which is neither ',' nor closing.
func (s *Scanner) after(i int, closing byte, what string) error {
	if i >= len(s.b) {
		return fmt.Errorf("%w: unexpected end of %s", ErrSyntax, what)
	}
	return fmt.Errorf("%w: expected ',' or '%c' at offset %d", ErrSyntax, closing, i)
}

// unexpected is the error for the byte at b[i] where the scan wanted what.
func (s *Scanner) unexpected(i int, what string) error {
	if i >= len(s.b) {
		return fmt.Errorf("%w: unexpected end of input, want %s", ErrSyntax, what)
	}
	return fmt.Errorf("%w: unexpected %q at offset %d, want %s", ErrSyntax, s.b[i], i, what)
}

// SkipSpace returns the index of the first byte at or after i that is not JSON whitespace.
func SkipSpace(b []byte, i int) int {
	for i < len(b) && space[b[i]] {
		i++
	}
	return i
}

var space = [256]bool{' ': true, '\t': true, '\n': true, '\r': true}
