package mapping

import (
	"fmt"

	"github.com/insider-hubspot/connectors/destination-insider/mapping/convert"
	"github.com/insider-hubspot/connectors/internal/jsontext"
)

// identifiers validates the identifier values into m.idVal and m.cust. It
// returns false, with res set, when the record must be rejected.
func (m *Mapper) identifiers(p *plan, vals []convert.Value, res *Result) bool {
	m.idVal = [idCustom + 1]string{}
	m.cust = m.cust[:0]
	for range p.customIDs {
		m.cust = append(m.cust, "")
	}
	found := false
	for _, f := range p.ids {
		v := vals[f.slot]
		if v.Absent() {
			continue
		}
		if (f.target == idCustom && m.cust[f.custom] != "") || (f.target != idCustom && m.idVal[f.target] != "") {
			continue // an earlier mapping of the same identifier won
		}
		s, ok := m.identifierValue(f, v)
		if !ok {
			detail := fmt.Sprintf("identifier %s is not valid", f.name)
			switch m.policy {
			case PolicyFailRun:
				*res = Result{Reason: ReasonInvalidIdentifier, Detail: detail, Key: res.Key, FailRun: true}
				return false
			case PolicySkipRecord:
				*res = Result{Reason: ReasonInvalidIdentifier, Detail: detail, Key: res.Key}
				return false
			}
			res.DroppedIDs++
			res.Detail = detail
			continue
		}
		found = true
		if f.target == idCustom {
			m.cust[f.custom] = s
		} else {
			m.idVal[f.target] = s
		}
	}
	if !found {
		reason, detail := ReasonNoIdentifier, "no mapped identifier has a value"
		if res.DroppedIDs > 0 {
			reason, detail = ReasonInvalidIdentifier, res.Detail+" and no other identifier has a value"
		}
		*res = Result{Reason: reason, Detail: detail, Key: res.Key}
		return false
	}
	return true
}

// identifierValue returns the value of identifier f that the present value v gives: an email
// checked, a phone number normalised by the phone settings, another identifier trimmed; ok is
// false when v is not a valid value of f.
func (m *Mapper) identifierValue(f idField, v convert.Value) (string, bool) {
	s, ok := v.Text()
	if !ok {
		return "", false
	}
	switch f.target {
	case idEmail:
		return convert.NormalizeEmail(s)
	case idPhone:
		return m.conv.Phone.Normalize(s)
	}
	return convert.NormalizeID(s)
}

var idKeys = [...]string{idEmail: `"email":`, idPhone: `"phone_number":`, idUUID: `"uuid":`}

// appendIdentifiers appends the members of the identifiers object.
func (m *Mapper) appendIdentifiers(dst []byte, p *plan) []byte {
	first := true
	for t := idEmail; t < idCustom; t++ {
		if m.idVal[t] == "" {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, idKeys[t]...)
		dst = jsontext.AppendString(dst, m.idVal[t])
	}
	firstCustom := true
	for _, f := range p.ids {
		if f.target != idCustom || m.cust[f.custom] == "" {
			continue
		}
		if firstCustom {
			if !first {
				dst = append(dst, ',')
			}
			dst = append(dst, `"custom":{`...)
		} else {
			dst = append(dst, ',')
		}
		firstCustom = false
		dst = append(dst, f.nameKey...)
		dst = append(dst, ':')
		dst = jsontext.AppendString(dst, m.cust[f.custom])
		m.cust[f.custom] = "" // written once
	}
	if !firstCustom {
		dst = append(dst, '}')
	}
	return dst
}
