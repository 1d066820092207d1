package destination

// appendFields appends `open` + the default fields + fixed values + the
// custom object + "}". It returns false, with dst unchanged, when there is
// nothing to send.
func (m *mapper) appendFields(dst []byte, open string, p *plan, vals []value, fixedTop, fixedCust []byte, res *mapped) ([]byte, bool) {
	start := len(dst)
	dst = append(dst, open...)
	first := true
	for _, f := range p.defaults {
		if vals[f.slot].absent() {
			continue
		}
		n := len(dst)
		dst = appendKey(dst, f.key, &first)
		var ok bool
		if dst, ok = m.coerce.appendValue(dst, vals[f.slot], f.kind); !ok {
			dst = dst[:n]
			first = n == start+len(open)
			res.Dropped++
			m.droppedBy[f.name]++
		}
	}
	if len(fixedTop) > 0 {
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, fixedTop...)
	}
	customStart := len(dst)
	firstCustom := true
	if !first {
		dst = append(dst, ',')
	}
	dst = append(dst, `"custom":{`...)
	for _, f := range p.customs {
		if vals[f.slot].absent() {
			continue
		}
		n := len(dst)
		dst = appendKey(dst, f.key, &firstCustom)
		var ok bool
		if dst, ok = m.coerce.appendValue(dst, vals[f.slot], f.kind); !ok {
			dst = dst[:n]
			firstCustom = n == customStart+len(`"custom":{`)+boolInt(!first)
			res.Dropped++
			m.droppedBy[f.name]++
		}
	}
	if len(fixedCust) > 0 {
		if !firstCustom {
			dst = append(dst, ',')
		}
		firstCustom = false
		dst = append(dst, fixedCust...)
	}
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

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
