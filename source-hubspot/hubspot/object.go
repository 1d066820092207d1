package hubspot

import (
	"encoding/json"
	"errors"
)

// Object is one CRM record as HubSpot returns it. Properties stays raw JSON (an object whose
// values are strings or null) so that callers can walk it with ScanProperties without building a
// map per record.
type Object struct {
	ID        string `json:"id"`
	CreatedAt string `json:"createdAt"`
	UpdatedAt string `json:"updatedAt"`
	Archived  bool   `json:"archived"`
	// ArchivedAt is when an archived object was archived (list endpoint with archived=true).
	ArchivedAt string          `json:"archivedAt"`
	Properties json.RawMessage `json:"properties"`
}

// Page is one page of objects. Total is HubSpot's match count (search only; -1 otherwise).
// NextAfter is the paging token for the next page, empty on the last page.
type Page struct {
	Total     int
	Results   []Object
	NextAfter string
}

// pageBody is the wire shape shared by search, list and batch answers.
type pageBody struct {
	Total   *int     `json:"total"`
	Results []Object `json:"results"`
	Paging  *struct {
		Next *struct {
			After string `json:"after"`
		} `json:"next"`
	} `json:"paging"`
}

func (b *pageBody) page() *Page {
	p := &Page{Total: -1, Results: b.Results}
	if b.Total != nil {
		p.Total = *b.Total
	}
	if b.Paging != nil && b.Paging.Next != nil {
		p.NextAfter = b.Paging.Next.After
	}
	return p
}

// PropertyFunc receives one property: its name and its value with JSON string escapes resolved
// (for a non-string value, its JSON text). null is reported with isNull true. Both slices are only
// valid during the call.
type PropertyFunc func(name, value []byte, isNull bool) error

// ScanProperties walks a flat JSON object such as Object.Properties, calling fn for every member
// in order. It allocates only for strings that contain escapes. A nested object or array value
// is passed as its JSON text.
func ScanProperties(raw []byte, fn PropertyFunc) error {
	s := scanner{b: raw}
	s.space()
	if s.done() {
		return nil
	}
	if s.peek() == 'n' && s.literal("null") {
		return nil
	}
	if !s.eat('{') {
		return errBadProperties
	}
	s.space()
	if s.eat('}') {
		return nil
	}
	var scratch []byte
	for {
		s.space()
		name, esc, ok := s.str()
		if !ok {
			return errBadProperties
		}
		if esc {
			n, err := unescape(name)
			if err != nil {
				return err
			}
			name = n
		}
		s.space()
		if !s.eat(':') {
			return errBadProperties
		}
		s.space()
		var err error
		switch {
		case s.done():
			return errBadProperties
		case s.peek() == '"':
			v, esc, ok := s.str()
			if !ok {
				return errBadProperties
			}
			if esc {
				if scratch, err = unescapeInto(scratch[:0], v); err != nil {
					return err
				}
				v = scratch
			}
			err = fn(name, v, false)
		case s.peek() == 'n' && s.literal("null"):
			err = fn(name, nil, true)
		default:
			v, ok := s.value()
			if !ok {
				return errBadProperties
			}
			err = fn(name, v, false)
		}
		if err != nil {
			return err
		}
		s.space()
		if s.eat('}') {
			return nil
		}
		if !s.eat(',') {
			return errBadProperties
		}
	}
}

var errBadProperties = errors.New("properties is not a flat JSON object")
