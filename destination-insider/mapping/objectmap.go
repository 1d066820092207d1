package mapping

import (
	"slices"

	"github.com/insider-hubspot/connectors/destination-insider/mapping/convert"
	"github.com/insider-hubspot/connectors/internal/jsontext"
)

// mapObject encodes a record of a stream mapped by Airbyte's data activation (p.object set):
// its matching-key fields become identifiers; for a user, Insider's default attribute names go
// to attributes and every other field under attributes.custom; for an event, event_name and
// timestamp make the event and the other fields are its parameters, defaults at the top of
// event_params and the rest under event_params.custom. A field named "custom" holding an
// object adds its members to the custom names, and such a member wins over a top-level field
// of its name. Fixed attributes and parameters are added,
// and win over a record field of the same name. vals are the values of p's paths in data. The
// result aliases dst's memory.
func (m *Mapper) mapObject(p *plan, data []byte, vals []convert.Value, dst []byte) Result {
	o := p.object
	res := Result{Key: o.keyFields}
	dst = append(dst[:0], `{"identifiers":{`...)
	if !m.identifiers(p, vals, &res) {
		return res
	}
	dst = m.appendIdentifiers(dst, p)
	dst = append(dst, '}')

	var eventName string
	if o.event {
		s, _ := vals[o.nameSlot].Unquoted()
		if eventName = NormalizeEventName(s); eventName == "" {
			return Result{Reason: ReasonNoEventName, Detail: "event_name is missing or has no letter or digit", Key: res.Key}
		}
	}
	top, cust, ok := m.objectMembers(o, data, m.customNames(vals[o.custSlot]), &res)
	if !ok {
		return Result{Reason: ReasonNotObject, Detail: "record data is not a JSON object"}
	}

	open := `,"attributes":{`
	if o.event {
		t, ok := convert.ParseDate(vals[p.occurredAt])
		if !ok {
			return Result{Reason: ReasonInvalidTimestamp, Detail: "timestamp is missing or not a date-time", Key: res.Key}
		}
		dst = append(dst, `,"events":[{"event_name":`...)
		dst = append(dst, encodedKey(eventName)...)
		dst = append(dst, `,"timestamp":`...)
		dst = convert.AppendTimestamp(dst, t)
		open = `,"event_params":{`
		res.Events = 1
	}
	n := len(dst)
	dst = appendObjectFields(dst, open, top, p.fixedTop, cust, p.fixedCust)
	if len(dst) == n && !o.event {
		return Result{Reason: ReasonNoAttributes, Detail: "the record has no attribute besides its identifiers", Key: res.Key}
	}
	if o.event {
		dst = append(dst, `}]`...)
	}
	dst = append(dst, `,"not_append":true}`...)
	res.User = dst
	return res
}

// customNames lists the members of the record's "custom" object that have a value: such a
// member wins over a top-level field of its name, so that no name goes twice under custom
// (which of two equal keys Insider keeps is not documented). An absent member (null, "")
// leaves the top-level field be. The list aliases the Mapper's scratch.
func (m *Mapper) customNames(custom convert.Value) []string {
	names := m.objNames[:0]
	if c := custom.Raw; len(c) > 0 && c[0] == '{' {
		eachMember(c, func(name string, raw []byte) {
			if !(convert.Value{Raw: raw}).Absent() {
				names = append(names, name)
			}
		})
	}
	m.objNames = names
	return names
}

// objectMembers encodes the fields of a record of a stream Airbyte maps onto o: Insider's
// default names at the top (top), every other field, and the members of a "custom" object,
// under custom (cust); identifiers, fixed names and absent values are left out, and so is a
// top-level field whose name is one of inCustom. ok is false when data is not a JSON object.
// top and cust alias the Mapper's scratch.
func (m *Mapper) objectMembers(o *objectPlan, data []byte, inCustom []string, res *Result) (top, cust []byte, ok bool) {
	top, cust = m.objTop[:0], m.objCust[:0]
	firstTop, firstCust := true, true
	add := func(name string, raw []byte, custom bool) {
		v := convert.Value{Raw: raw}
		if v.Absent() || o.skip[name] && !custom || o.fixed[name] {
			return
		}
		if k, isDefault := o.defaults[name]; isDefault && !custom {
			top = m.appendCoerced(top, encodedKey(name), name, v, k, &firstTop, res)
			return
		}
		if !custom && slices.Contains(inCustom, name) {
			return // the custom member of this name goes instead
		}
		// A custom attribute Insider declares is converted to its declared type, as for a
		// configured mapping; custom event parameters and undeclared names go as they come.
		k := convert.Any
		if !o.event {
			k = m.customKind("", name)
		}
		cust = m.appendCoerced(cust, encodedKey(name), name, v, k, &firstCust, res)
	}
	if !eachMember(data, func(name string, raw []byte) {
		if name == "custom" && len(raw) > 0 && raw[0] == '{' {
			eachMember(raw, func(name string, raw []byte) { add(name, raw, true) })
			return
		}
		add(name, raw, false)
	}) {
		return nil, nil, false
	}
	m.objTop, m.objCust = top, cust
	return top, cust, true
}

// appendObjectFields appends open + top + fixedTop + "custom":{cust + fixedCust} + "}", each
// part only when not empty; nothing when every part is empty.
func appendObjectFields(dst []byte, open string, top, fixedTop, cust, fixedCust []byte) []byte {
	if len(top)+len(fixedTop)+len(cust)+len(fixedCust) == 0 {
		return dst
	}
	dst = append(dst, open...)
	first := true
	part := func(b []byte) {
		if len(b) == 0 {
			return
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, b...)
	}
	part(top)
	part(fixedTop)
	if len(cust)+len(fixedCust) > 0 {
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, `"custom":{`...)
		dst = append(dst, cust...)
		if len(cust) > 0 && len(fixedCust) > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, fixedCust...)
		dst = append(dst, '}')
	}
	return append(dst, '}')
}

// eachMember calls f with the name and raw value of every member of the JSON object data (record
// data the protocol reader has validated), in order. It reports false when data is not a
// well-formed JSON object.
func eachMember(data []byte, f func(name string, raw []byte)) bool {
	s := jsontext.NewScanner(data, jsontext.Trusted)
	if s.Peek() != '{' {
		return false
	}
	err := s.Object(func(key []byte, escaped bool) error {
		name := string(key)
		if escaped {
			var err error
			if name, err = jsontext.Unquote(key); err != nil {
				return err
			}
		}
		raw, err := s.Value()
		if err == nil {
			f(name, raw)
		}
		return err
	})
	return err == nil
}
