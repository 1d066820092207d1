package mapping

import (
	"fmt"
	"maps"
	"time"

	"github.com/insider-hubspot/connectors/destination-insider/mapping/convert"
	"github.com/insider-hubspot/connectors/internal/jsontext"
)

// Map encodes the record as the Insider user it becomes, appending it to dst[:0]. The
// returned User aliases dst's memory.
func (m *Mapper) Map(r Record, dst []byte) Result {
	if !r.ok {
		return Result{Reason: ReasonNotObject, Detail: "record data is not a JSON object"}
	}
	p, vals := r.plan, r.vals
	if p.object != nil {
		return m.mapObject(p, r.data, vals, dst)
	}
	res := Result{Key: r.key()}
	dst = dst[:0]
	dst = append(dst, `{"identifiers":{`...)
	if !m.identifiers(p, vals, &res) {
		return res
	}
	if p.contact != nil {
		res.Email, res.Phone = m.idVal[idEmail], m.idVal[idPhone]
	}
	dst = m.appendIdentifiers(dst, p)
	dst = append(dst, '}')
	if m.clearEmpty && p.contact != nil {
		m.clearBuf = m.appendClear(m.clearBuf[:0], r, dst[len(`{"identifiers":`):])
		if len(m.clearBuf) > 0 {
			res.Clear = m.clearBuf
		}
	}
	var ok bool
	if p.event == nil {
		if dst, ok = m.appendFields(dst, `,"attributes":{`, p, vals, p.fixedTop, p.fixedCust, &res); !ok {
			return Result{Reason: ReasonNoAttributes, Detail: "no mapped attribute has a value", Key: res.Key, Clear: res.Clear,
				Email: res.Email, Phone: res.Phone}
		}
	} else {
		t, ok := convert.ParseDate(vals[p.occurredAt])
		if !ok {
			return Result{Reason: ReasonInvalidTimestamp, Detail: "occurredAt is missing or not a date-time", Key: res.Key}
		}
		if cutoff := m.cutoffFor(p); t.Before(cutoff) {
			return Result{Reason: ReasonPastRetention, Key: res.Key, Detail: fmt.Sprintf(
				"occurredAt %s is older than event_retention_days allows (before %s): Insider does not write events past its retention",
				t.Format(time.RFC3339), cutoff.Format(time.RFC3339))}
		}
		res.idsEnd = len(dst)
		dst = append(dst, `,"events":[`...)
		res.evStart = len(dst)
		dst = append(dst, `{"event_name":`...)
		dst = append(dst, p.event...)
		dst = append(dst, `,"timestamp":`...)
		dst = convert.AppendTimestamp(dst, t)
		dst, _ = m.appendFields(dst, `,"event_params":{`, p, vals, p.fixedTop, p.fixedCust, &res)
		dst = append(dst, '}')
		res.evEnd = len(dst)
		dst = append(dst, ']')
		res.Events = 1
	}
	dst = append(dst, `,"not_append":true}`...)
	if !jsontext.ValidUnicode(dst) {
		// Record values pass through raw: invalid UTF-8 and lone
		// surrogate escapes become U+FFFD, so the body is valid JSON text.
		dst = jsontext.AppendValidUnicode(nil, dst)
		res.idsEnd, res.evStart, res.evEnd = 0, 0, 0 // offsets moved: the event travels in its own user
	}
	if res.Clear != nil && !jsontext.ValidUnicode(res.Clear) {
		res.Clear = jsontext.AppendValidUnicode(nil, res.Clear)
	}
	res.User = dst
	return res
}

// DroppedBy returns how many values were left out because they could not be converted, by
// attribute or parameter name.
func (m *Mapper) DroppedBy() map[string]int64 {
	return maps.Clone(m.droppedBy)
}
