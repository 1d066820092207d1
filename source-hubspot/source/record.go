package source

import (
	"fmt"

	"github.com/insider-hubspot/connectors/internal/jsontext"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// contactEncoder writes contact records as flat JSON objects into a reused buffer: the envelope
// fields, then every configured property HubSpot returned, converted to its schema type. Not safe
// for concurrent use; each reader goroutine owns one.
type contactEncoder struct {
	kinds  map[string]propertyKind // configured property name -> kind
	names  []string                // configured property names, sorted: what is requested from HubSpot
	buf    []byte
	bad    map[string]int // values that could not be converted, per property
	onProp hubspot.PropertyFunc
}

// newContactEncoder builds an encoder for the configured contacts schema.
func newContactEncoder(cols []column) *contactEncoder {
	e := &contactEncoder{kinds: make(map[string]propertyKind, len(cols)), bad: map[string]int{}}
	for _, c := range cols {
		e.kinds[c.name] = c.kind
		e.names = append(e.names, c.name)
	}
	e.onProp = e.prop
	return e
}

// encode returns the record JSON for o. The slice is valid until the next call.
func (e *contactEncoder) encode(o *hubspot.Object) ([]byte, error) {
	b := append(e.buf[:0], `{"id":`...)
	b = jsontext.AppendString(b, o.ID)
	b = append(b, `,"createdAt":`...)
	b, _ = appendValue(b, kindDateTime, []byte(o.CreatedAt), o.CreatedAt == "")
	b = append(b, `,"updatedAt":`...)
	b, _ = appendValue(b, kindDateTime, []byte(o.UpdatedAt), o.UpdatedAt == "")
	if o.Archived {
		b = append(b, `,"archived":true,"archivedAt":`...)
		b, _ = appendValue(b, kindDateTime, []byte(o.ArchivedAt), o.ArchivedAt == "")
	} else {
		b = append(b, `,"archived":false`...)
	}
	e.buf = b
	if err := hubspot.ScanProperties(o.Properties, e.onProp); err != nil {
		return nil, fmt.Errorf("contact %s: %w", o.ID, err)
	}
	e.buf = append(e.buf, '}')
	return e.buf, nil
}

func (e *contactEncoder) prop(name, value []byte, isNull bool) error {
	k, ok := e.kinds[string(name)]
	if !ok || isEnvelopeField(string(name)) {
		return nil
	}
	e.buf = appendProperty(append(e.buf, ','), name, k, value, isNull, e.bad)
	return nil
}

// appendProperty appends "name":value converted to k, counting a value that does not convert
// in bad.
func appendProperty(b, name []byte, k propertyKind, value []byte, isNull bool, bad map[string]int) []byte {
	b = jsontext.AppendString(b, name)
	b = append(b, ':')
	b, ok := appendValue(b, k, value, isNull)
	if !ok {
		bad[string(name)]++
	}
	return b
}

// propertyEncoder writes a nested object of converted properties (event properties, the event's
// contact). Properties not in kinds are written as strings when keepUnknown is set.
type propertyEncoder struct {
	kinds       map[string]propertyKind
	keepUnknown bool
	buf         []byte
	bad         map[string]int
	first       bool
	onProp      hubspot.PropertyFunc
}

func newPropertyEncoder(cols []column, keepUnknown bool) *propertyEncoder {
	e := &propertyEncoder{kinds: make(map[string]propertyKind, len(cols)), keepUnknown: keepUnknown, bad: map[string]int{}}
	for _, c := range cols {
		e.kinds[c.name] = c.kind
	}
	e.onProp = e.prop
	return e
}

// appendObject appends raw (a flat HubSpot properties object) as a converted JSON object.
func (e *propertyEncoder) appendObject(dst []byte, raw []byte) ([]byte, error) {
	e.buf = append(dst, '{')
	e.first = true
	if err := hubspot.ScanProperties(raw, e.onProp); err != nil {
		return dst, err
	}
	return append(e.buf, '}'), nil
}

func (e *propertyEncoder) prop(name, value []byte, isNull bool) error {
	k, ok := e.kinds[string(name)]
	if !ok && !e.keepUnknown {
		return nil
	}
	b := e.buf
	if !e.first {
		b = append(b, ',')
	}
	e.first = false
	e.buf = appendProperty(b, name, k, value, isNull, e.bad)
	return nil
}

// clone returns an encoder for the same schema with its own buffer, for another goroutine.
func (e *contactEncoder) clone() *contactEncoder {
	c := &contactEncoder{kinds: e.kinds, names: e.names, bad: map[string]int{}}
	c.onProp = c.prop
	return c
}
