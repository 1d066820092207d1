package hubspot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/insider-hubspot/connectors/internal/jsontext"
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

// paging is the cursor block of every paged answer (objects, event definitions, event
// occurrences): {"next": {"after": "<token>"}}, absent on the last page.
type paging struct {
	Next *struct {
		// After is a string as HubSpot documents it, or a number, which its search has been
		// seen to send instead; either reads as the same token.
		After FlexString `json:"after"`
	} `json:"next"`
}

// FlexString is a JSON string, or a number or boolean kept as its JSON text; null is "".
type FlexString string

// UnmarshalJSON accepts a string, a number, a boolean or null.
func (f *FlexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return errors.New("empty value")
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = FlexString(s)
	case string(b) == "null":
		*f = ""
	case b[0] == '{' || b[0] == '[':
		return fmt.Errorf("%.40s is not a string or number", b)
	default:
		if !json.Valid(b) {
			return fmt.Errorf("%.40s is not JSON", b)
		}
		*f = FlexString(b)
	}
	return nil
}

// nextAfter is the token of the next page, "" when there is none (p may be nil).
func (p *paging) nextAfter() string {
	if p == nil || p.Next == nil {
		return ""
	}
	return string(p.Next.After)
}

// pageBody is the wire shape shared by search, list and batch answers.
type pageBody struct {
	Total   *int     `json:"total"`
	Results []Object `json:"results"`
	Paging  *paging  `json:"paging"`
}

func (b *pageBody) page() *Page {
	p := &Page{Total: -1, Results: b.Results, NextAfter: b.Paging.nextAfter()}
	if b.Total != nil {
		p.Total = *b.Total
	}
	return p
}

// PropertyFunc receives one property: its name and its value with JSON string escapes resolved
// (for a non-string value, its JSON text). null is reported with isNull true. Both slices are only
// valid during the call.
type PropertyFunc func(name, value []byte, isNull bool) error

// ScanProperties walks a flat JSON object such as Object.Properties, calling fn for every member
// in order. It allocates only for names with escapes. A nested object or array value is passed
// as its JSON text. raw must be JSON text already validated (as decodePage and encoding/json
// validate Object.Properties): it is scanned in jsontext's trusted mode, which does not check
// what it skips.
func ScanProperties(raw []byte, fn PropertyFunc) error {
	s := jsontext.NewScanner(raw, jsontext.Trusted)
	switch s.Peek() {
	case 0:
		return nil
	case 'n':
		if v, err := s.Value(); err == nil && string(v) == "null" {
			return nil
		}
		return errBadProperties
	case '{':
	default:
		return errBadProperties
	}
	var scratch []byte
	var fnErr error
	err := s.Object(func(name []byte, escaped bool) error {
		if escaped {
			n, err := jsontext.AppendUnquoted(nil, name)
			if err != nil {
				return err
			}
			name = n
		}
		var v []byte
		var err error
		isNull := false
		if s.Peek() == '"' {
			if v, escaped, err = s.String(); err == nil && escaped {
				scratch, err = jsontext.AppendUnquoted(scratch[:0], v)
				v = scratch
			}
		} else if v, err = s.Value(); err == nil && string(v) == "null" {
			v, isNull = nil, true
		}
		if err != nil {
			return err
		}
		fnErr = fn(name, v, isNull)
		return fnErr
	})
	switch {
	case fnErr != nil:
		return fnErr
	case err != nil:
		return errBadProperties
	}
	return nil
}

var errBadProperties = errors.New("properties is not a flat JSON object")
