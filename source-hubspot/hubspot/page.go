package hubspot

import (
	"encoding/json"
	"errors"
	"strconv"

	"github.com/insider-hubspot/connectors/internal/jsontext"
)

// decodePage reads a search, list or batch answer: {"total", "results": [objects], "paging"}.
// It walks the bytes once with a validating jsontext.Scanner instead of encoding/json's
// validate-then-reflect, and the objects' Properties point into data, which the caller must not
// reuse while the page is in use. An answer that is not JSON, or of an unexpected shape, goes to
// encoding/json, which reports the error or reads the shape, so nothing is misread.
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
	s := jsontext.NewScanner(data, jsontext.Validate)
	p := &Page{Total: -1}
	err := s.Object(func(key []byte, escaped bool) error {
		if escaped {
			return errShape
		}
		switch string(key) {
		case "total":
			v, err := s.Value()
			if err != nil {
				return err
			}
			n, err := strconv.Atoi(string(v))
			if err != nil {
				return errShape
			}
			p.Total = n
		case "results":
			if s.Peek() != '[' {
				return errShape
			}
			return s.Array(func() error {
				p.Results = append(p.Results, Object{})
				return objectInto(&s, &p.Results[len(p.Results)-1])
			})
		case "paging":
			return member(&s, "next", func() error {
				return member(&s, "after", func() error {
					v, err := cursorToken(&s)
					p.NextAfter = v
					return err
				})
			})
		}
		return nil
	})
	if err != nil || s.End() != nil {
		return nil, false
	}
	return p, true
}

// objectInto reads one CRM object.
func objectInto(s *jsontext.Scanner, o *Object) error {
	if s.Peek() != '{' {
		return errShape
	}
	return s.Object(func(key []byte, escaped bool) error {
		if escaped {
			return errShape
		}
		var err error
		switch string(key) {
		case "id":
			o.ID, err = plainString(s)
		case "createdAt":
			o.CreatedAt, err = plainString(s)
		case "updatedAt":
			o.UpdatedAt, err = plainString(s)
		case "archivedAt":
			o.ArchivedAt, err = plainString(s)
		case "archived":
			var v []byte
			if v, err = s.Value(); err == nil {
				switch string(v) {
				case "true":
					o.Archived = true
				case "false":
				default:
					return errShape
				}
			}
		case "properties":
			o.Properties, err = s.Value()
		}
		return err
	})
}

// member reads the object at the cursor, calling read with the cursor on the value of name.
func member(s *jsontext.Scanner, name string, read func() error) error {
	if s.Peek() != '{' {
		return errShape
	}
	return s.Object(func(key []byte, escaped bool) error {
		if escaped {
			return errShape
		}
		if string(key) == name {
			return read()
		}
		return nil
	})
}

// cursorToken reads a paging token: a string, or a number, which HubSpot's search has been seen
// to send instead (it documents a string holding an integer), as the number's text.
func cursorToken(s *jsontext.Scanner) (string, error) {
	if c := s.Peek(); c == '-' || c >= '0' && c <= '9' {
		v, err := s.Value()
		return string(v), err
	}
	return plainString(s)
}

// plainString reads a string value (or null as ""), resolving escapes.
func plainString(s *jsontext.Scanner) (string, error) {
	v, err := s.Value()
	switch {
	case err != nil:
		return "", err
	case string(v) == "null":
		return "", nil
	case v[0] != '"':
		return "", errShape
	}
	return jsontext.Unquote(v[1 : len(v)-1])
}
