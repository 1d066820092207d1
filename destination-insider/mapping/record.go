package mapping

import "github.com/insider-hubspot/connectors/destination-insider/mapping/convert"

// Record is one record's data with the values its stream's mapping reads, taken in one pass
// by Scan. Map, Identity and Merge read them; Archived tells an archived contact. A Record
// aliases the Mapper's buffers: it is valid until the next Scan.
type Record struct {
	plan *plan
	data []byte
	vals []convert.Value
	ok   bool // data is a JSON object
}

// Scan reads the values of stream s's paths from the record data in one pass. s must be
// mapped (Stream.Mapped).
func (m *Mapper) Scan(s Stream, data []byte) Record {
	p := s.plan
	if cap(m.vals) < p.slots {
		m.vals = make([]convert.Value, p.slots)
	}
	vals := m.vals[:p.slots]
	clear(vals)
	return Record{plan: p, data: data, vals: vals, ok: p.root.extract(data, vals)}
}

// key is the record's primary key as text, for logs; "" when it has none.
func (r Record) key() string {
	k, _ := r.vals[r.plan.keySlot].Text()
	return k
}
