package hubspot

import (
	"encoding/json"
	"errors"
	"strconv"
)

// decodePage reads a search, list or batch answer: {"total", "results": [objects], "paging"}.
// It walks the bytes once with the scanner instead of encoding/json's validate-then-reflect, and
// the objects' Properties point into data, which the caller must not reuse while the page is in
// use. An answer of an unexpected shape falls back to encoding/json, so nothing is misread.
func decodePage(data []byte) (*Page, error) {
	if p, ok := fastPage(data); ok {
		return p, nil
	}
	var pb pageBody
	if err := json.Unmarshal(data, &pb); err != nil {
		return nil, err
	}
	return pb.page(), nil
}

var errShape = errors.New("unexpected shape")

func fastPage(data []byte) (*Page, bool) {
	s := scanner{b: data}
	p := &Page{Total: -1}
	err := s.object(func(key []byte) error {
		switch string(key) {
		case "total":
			v, ok := s.value()
			if !ok {
				return errShape
			}
			n, err := strconv.Atoi(string(v))
			if err != nil {
				return errShape
			}
			p.Total = n
		case "results":
			return s.array(func() error {
				p.Results = append(p.Results, Object{})
				return s.objectInto(&p.Results[len(p.Results)-1])
			})
		case "paging":
			return s.object(func(key []byte) error {
				if string(key) != "next" {
					return s.skip()
				}
				return s.object(func(key []byte) error {
					if string(key) != "after" {
						return s.skip()
					}
					v, err := s.plainString()
					p.NextAfter = v
					return err
				})
			})
		default:
			return s.skip()
		}
		return nil
	})
	s.space()
	if err != nil || !s.done() {
		return nil, false
	}
	return p, true
}

// objectInto reads one CRM object.
func (s *scanner) objectInto(o *Object) error {
	return s.object(func(key []byte) error {
		var err error
		switch string(key) {
		case "id":
			o.ID, err = s.plainString()
		case "createdAt":
			o.CreatedAt, err = s.plainString()
		case "updatedAt":
			o.UpdatedAt, err = s.plainString()
		case "archivedAt":
			o.ArchivedAt, err = s.plainString()
		case "archived":
			s.space()
			switch {
			case s.literal("true"):
				o.Archived = true
			case s.literal("false"):
			default:
				return errShape
			}
		case "properties":
			s.space()
			start := s.i
			if err := s.skip(); err != nil {
				return err
			}
			o.Properties = s.b[start:s.i]
		default:
			return s.skip()
		}
		return err
	})
}

// object reads {"key": value, ...}, calling member for each key with the cursor on the value.
func (s *scanner) object(member func(key []byte) error) error {
	s.space()
	if !s.eat('{') {
		return errShape
	}
	s.space()
	if s.eat('}') {
		return nil
	}
	for {
		s.space()
		key, esc, ok := s.str()
		if !ok || esc {
			return errShape
		}
		s.space()
		if !s.eat(':') {
			return errShape
		}
		if err := member(key); err != nil {
			return err
		}
		s.space()
		if s.eat('}') {
			return nil
		}
		if !s.eat(',') {
			return errShape
		}
	}
}

// array reads [value, ...], calling elem with the cursor on each value.
func (s *scanner) array(elem func() error) error {
	s.space()
	if !s.eat('[') {
		return errShape
	}
	s.space()
	if s.eat(']') {
		return nil
	}
	for {
		if err := elem(); err != nil {
			return err
		}
		s.space()
		if s.eat(']') {
			return nil
		}
		if !s.eat(',') {
			return errShape
		}
	}
}

// plainString reads a string value (or null as ""), resolving escapes.
func (s *scanner) plainString() (string, error) {
	s.space()
	if s.literal("null") {
		return "", nil
	}
	v, esc, ok := s.str()
	if !ok {
		return "", errShape
	}
	if esc {
		u, err := unescape(v)
		return string(u), err
	}
	return string(v), nil
}

// skip passes over any value.
func (s *scanner) skip() error {
	s.space()
	if s.done() {
		return errShape
	}
	if s.peek() == '"' {
		if _, _, ok := s.str(); !ok {
			return errShape
		}
		return nil
	}
	if _, ok := s.value(); !ok {
		return errShape
	}
	return nil
}
