package fakehubspot

import (
	"strconv"
)

// propRef is a resolved property to write: its JSON-quoted name and where its value lives.
type propRef struct {
	name   string
	quoted []byte
	slot   int // -1 for derived properties or names never stored
}

// resolveProps turns requested property names into refs: empty means HubSpot's default set;
// hs_object_id, createdate and lastmodifieddate are always added; names that are neither in the
// catalog nor ever stored are dropped, as HubSpot ignores unknown properties. Caller holds
// store.mu (read).
func (s *Server) resolveProps(names []string) []propRef {
	if len(names) == 0 {
		names = DefaultSearchProperties
	}
	seen := map[string]bool{}
	var out []propRef
	add := func(n string) {
		if seen[n] {
			return
		}
		seen[n] = true
		slot, stored := s.store.slot[n]
		_, known := s.propertyType(n)
		if !stored && !known && !isDerived(n) {
			return
		}
		if !stored || isDerived(n) {
			slot = -1
		}
		out = append(out, propRef{name: n, quoted: appendJSONString(nil, n), slot: slot})
	}
	for _, n := range names {
		add(n)
	}
	for _, n := range []string{PropObjectID, PropCreateDate, PropLastModified} {
		add(n)
	}
	return out
}

// appendContact writes contact i as a SimplePublicObject. Caller holds store.mu (read).
func (s *Server) appendContact(b []byte, i int, props []propRef) []byte {
	st := s.store
	id := strconv.FormatInt(st.ids[i], 10)
	b = append(b, `{"id":"`...)
	b = append(b, id...)
	b = append(b, `","properties":{`...)
	r := &st.recs[i]
	for k, p := range props {
		if k > 0 {
			b = append(b, ',')
		}
		b = append(b, p.quoted...)
		b = append(b, ':')
		switch p.name {
		case PropObjectID:
			b = append(b, '"')
			b = append(b, id...)
			b = append(b, '"')
		case PropCreateDate:
			b = appendTime(b, st.crt[i])
		case PropLastModified:
			b = appendTime(b, st.upd[i])
		default:
			if v, ok := r.get(p.slot); ok {
				b = appendJSONString(b, v)
			} else {
				b = append(b, "null"...)
			}
		}
	}
	b = append(b, `},"createdAt":`...)
	b = appendTime(b, st.crt[i])
	b = append(b, `,"updatedAt":`...)
	b = appendTime(b, st.upd[i])
	if st.arch[i] {
		b = append(b, `,"archived":true,"archivedAt":`...)
		b = appendTime(b, st.upd[i])
		return append(b, '}')
	}
	return append(b, `,"archived":false}`...)
}

// appendTime writes epoch ms v as "2006-01-02T15:04:05.000Z" (quoted) without time.Format,
// which dominates encoding cost otherwise.
func appendTime(b []byte, v int64) []byte {
	t := fromMS(v)
	y, mo, d := t.Date()
	h, mi, sec := t.Clock()
	if y < 0 || y > 9999 {
		b = append(b, '"')
		b = t.AppendFormat(b, "2006-01-02T15:04:05.000Z")
		return append(b, '"')
	}
	msec := int(v % 1000)
	if msec < 0 {
		msec += 1000
	}
	b = append(b, '"')
	b = appendDigits(b, y, 4)
	b = append(b, '-')
	b = appendDigits(b, int(mo), 2)
	b = append(b, '-')
	b = appendDigits(b, d, 2)
	b = append(b, 'T')
	b = appendDigits(b, h, 2)
	b = append(b, ':')
	b = appendDigits(b, mi, 2)
	b = append(b, ':')
	b = appendDigits(b, sec, 2)
	b = append(b, '.')
	b = appendDigits(b, msec, 3)
	return append(b, 'Z', '"')
}

func appendDigits(b []byte, v, width int) []byte {
	var buf [4]byte
	for i := width - 1; i >= 0; i-- {
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, buf[:width]...)
}
