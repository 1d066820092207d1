package stream

import (
	"github.com/insider-hubspot/connectors/internal/jsontext"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// AppendProperty appends "name":value converted to k, counting a value that does not convert
// in bad.
func AppendProperty(b, name []byte, k Kind, value []byte, isNull bool, bad map[string]int) []byte {
	b = jsontext.AppendString(b, name)
	b = append(b, ':')
	b, ok := AppendValue(b, k, value, isNull)
	if !ok {
		bad[string(name)]++
	}
	return b
}

// PropertyEncoder writes a nested object of converted properties (event properties, the contact
// of an event or list membership). Properties not in its columns are written as strings when
// keepUnknown is set. Not safe for concurrent use.
type PropertyEncoder struct {
	kinds       map[string]Kind
	keepUnknown bool
	buf         []byte
	bad         map[string]int
	first       bool
	onProp      hubspot.PropertyFunc
}

// NewPropertyEncoder returns an encoder of the properties cols (and, with keepUnknown, of any
// other property as a string).
func NewPropertyEncoder(cols []Column, keepUnknown bool) *PropertyEncoder {
	e := &PropertyEncoder{kinds: make(map[string]Kind, len(cols)), keepUnknown: keepUnknown, bad: map[string]int{}}
	for _, c := range cols {
		e.kinds[c.Name] = c.Kind
	}
	e.onProp = e.prop
	return e
}

// AppendObject appends raw (a flat HubSpot properties object) as a converted JSON object.
func (e *PropertyEncoder) AppendObject(dst []byte, raw []byte) ([]byte, error) {
	e.buf = append(dst, '{')
	e.first = true
	if err := hubspot.ScanProperties(raw, e.onProp); err != nil {
		return dst, err
	}
	return append(e.buf, '}'), nil
}

// Bad is how many values of each property could not be converted to its type (and were
// written as null).
func (e *PropertyEncoder) Bad() map[string]int { return e.bad }

func (e *PropertyEncoder) prop(name, value []byte, isNull bool) error {
	k, ok := e.kinds[string(name)]
	if !ok && !e.keepUnknown {
		return nil
	}
	b := e.buf
	if !e.first {
		b = append(b, ',')
	}
	e.first = false
	e.buf = AppendProperty(b, name, k, value, isNull, e.bad)
	return nil
}
