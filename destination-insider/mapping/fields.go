package mapping

import "github.com/insider-hubspot/connectors/destination-insider/mapping/convert"

// appendFields appends `open` + the default fields + fixed values + the
// custom object + "}". It returns false, with dst unchanged, when there is
// nothing to send.
func (m *Mapper) appendFields(dst []byte, open string, p *plan, vals []convert.Value, fixedTop, fixedCust []byte, res *Result) ([]byte, bool) {
	start := len(dst)
	dst = append(dst, open...)
	first := true
	dst = m.appendEach(dst, p.defaults, vals, &first, res)
	dst = appendMembers(dst, fixedTop, &first)
	customStart := len(dst)
	firstCustom := true
	if !first {
		dst = append(dst, ',')
	}
	dst = append(dst, `"custom":{`...)
	dst = m.appendEach(dst, p.customs, vals, &firstCustom, res)
	dst = appendMembers(dst, fixedCust, &firstCustom)
	if firstCustom {
		dst = dst[:customStart]
	} else {
		dst = append(dst, '}')
		first = false
	}
	if first {
		return dst[:start], false
	}
	return append(dst, '}'), true
}

// appendEach appends the present values of fields to the object whose
// members dst ends with (none yet when *first), each coerced to its kind; a
// value that cannot be is left out and counted.
func (m *Mapper) appendEach(dst []byte, fields []outField, vals []convert.Value, first *bool, res *Result) []byte {
	for _, f := range fields {
		if vals[f.slot].Absent() {
			continue
		}
		dst = m.appendCoerced(dst, f.key, f.name, vals[f.slot], f.kind, first, res)
	}
	return dst
}

// appendCoerced appends key and v coerced to k to the object whose members dst ends with
// (none yet when *first); a value that cannot be coerced is left out and counted against name.
func (m *Mapper) appendCoerced(dst, key []byte, name string, v convert.Value, k convert.Kind, first *bool, res *Result) []byte {
	n, wasFirst := len(dst), *first
	dst = appendKey(dst, key, first)
	dst, ok := m.conv.Append(dst, v, k)
	if !ok {
		dst, *first = dst[:n], wasFirst
		res.Dropped++
		m.droppedBy[name]++
	}
	return dst
}

// appendMembers appends already encoded members (`"a":1,"b":2`) to the
// object whose members dst ends with.
func appendMembers(dst, members []byte, first *bool) []byte {
	if len(members) == 0 {
		return dst
	}
	if !*first {
		dst = append(dst, ',')
	}
	*first = false
	return append(dst, members...)
}
