package source

import (
	"fmt"

	"github.com/insider-hubspot/connectors/internal/jsontext"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// contactEncoder writes contact records as flat JSON objects into a reused buffer: the envelope
// fields, then every configured property HubSpot returned, converted to its schema type. Not safe
// for concurrent use; each reader goroutine owns one.
type contactEncoder struct {
	kinds  map[string]stream.Kind // configured property name -> kind
	names  []string               // configured property names, sorted: what is requested from HubSpot
	buf    []byte
	bad    map[string]int // values that could not be converted, per property
	onProp hubspot.PropertyFunc
}

// newContactEncoder builds an encoder for the configured contacts schema.
func newContactEncoder(cols []stream.Column) *contactEncoder {
	e := &contactEncoder{kinds: make(map[string]stream.Kind, len(cols)), bad: map[string]int{}}
	for _, c := range cols {
		e.kinds[c.Name] = c.Kind
		e.names = append(e.names, c.Name)
	}
	e.onProp = e.prop
	return e
}

// encode returns the record JSON for o. The slice is valid until the next call.
func (e *contactEncoder) encode(o *hubspot.Object) ([]byte, error) {
	b := append(e.buf[:0], `{"id":`...)
	b = jsontext.AppendString(b, o.ID)
	b = append(b, `,"createdAt":`...)
	b, _ = stream.AppendValue(b, stream.KindDateTime, []byte(o.CreatedAt), o.CreatedAt == "")
	b = append(b, `,"updatedAt":`...)
	b, _ = stream.AppendValue(b, stream.KindDateTime, []byte(o.UpdatedAt), o.UpdatedAt == "")
	if o.Archived {
		b = append(b, `,"archived":true,"archivedAt":`...)
		b, _ = stream.AppendValue(b, stream.KindDateTime, []byte(o.ArchivedAt), o.ArchivedAt == "")
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
	e.buf = stream.AppendProperty(append(e.buf, ','), name, k, value, isNull, e.bad)
	return nil
}

// clone returns an encoder for the same schema with its own buffer, for another goroutine.
func (e *contactEncoder) clone() *contactEncoder {
	c := &contactEncoder{kinds: e.kinds, names: e.names, bad: map[string]int{}}
	c.onProp = c.prop
	return c
}
