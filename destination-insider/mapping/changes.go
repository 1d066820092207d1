package mapping

// This file reads the identity changes of a contacts record: the source's previous_values holds,
// for each identity property that changed since the last sync, the value it had then. Insider's
// upsert never changes an identifier a profile holds, so each identifier mapped from such a
// property is re-keyed from the value it had to the value it has.

// previousValuesField is the source's object of the values identity properties had at the start
// of the record's window, for those that changed.
const previousValuesField = "previous_values"

// Changes are the identity changes of a contact: Rekeys move an identifier from its old value to
// its new one (IdentityChange Old and New, one identifier each); Cleared are identifiers that
// lost their value (New is nil); Invalid names identifiers whose previous value is not a valid
// identifier, so nothing of it is on a profile to change.
type Changes struct {
	Rekeys  []IdentityChange
	Cleared []IdentityChange
	Invalid []string
}

// Empty reports whether c asks for nothing.
func (c Changes) Empty() bool {
	return len(c.Rekeys) == 0 && len(c.Cleared) == 0 && len(c.Invalid) == 0
}

// idGroup is one identifier of the identifiers object (email, phone_number, uuid, or one custom
// name) with the mappings that give it a value, in config order: the first valid value wins, as
// in Map.
type idGroup struct {
	first   idField
	members []int // indexes into plan.ids
}

// IdentityChanges returns the identity changes r names in previous_values. For each identifier
// mapped from a property previous_values names (never one mapped from the contact id), the value
// it had is found as Map finds the value it has, with the previous values in place of the
// current ones: a change from a value to another is a re-key, to nothing a clear. An identifier
// that had no value is added by the upsert itself.
func (m *Mapper) IdentityChanges(r Record) Changes {
	c := r.plan.contact
	var out Changes
	if c == nil || !r.ok {
		return out
	}
	for _, g := range c.groups {
		changed := false
		for _, i := range g.members {
			if c.prev[i] >= 0 && r.vals[c.prev[i]].Raw != nil {
				changed = true
			}
		}
		if !changed {
			continue
		}
		oldV, invalid := m.groupValue(r, g, true)
		newV, newInvalid := m.groupValue(r, g, false)
		switch {
		case oldV == "":
			if invalid {
				out.Invalid = append(out.Invalid, g.first.name)
			}
		case oldV == newV:
		case newV == "" && newInvalid:
			// The new value is not a valid identifier: the upsert leaves it out, and the
			// profile keeps the old one rather than lose it to a typo.
		case newV == "":
			out.Cleared = append(out.Cleared, IdentityChange{Identifier: g.first.name, Old: singleID(nil, g.first, oldV)})
		default:
			out.Rekeys = append(out.Rekeys, IdentityChange{Identifier: g.first.name, Old: singleID(nil, g.first, oldV), New: singleID(nil, g.first, newV)})
		}
	}
	return out
}

// groupValue returns the value identifier g has in r (previous false) or had (previous true: a
// mapping's previous value when previous_values names its field, else its current one); "" when
// none. invalid reports that a value was skipped because it is not valid.
func (m *Mapper) groupValue(r Record, g idGroup, previous bool) (v string, invalid bool) {
	c := r.plan.contact
	for _, i := range g.members {
		f := r.plan.ids[i]
		val := r.vals[f.slot]
		if previous && c.prev[i] >= 0 && r.vals[c.prev[i]].Raw != nil {
			val = r.vals[c.prev[i]]
			if !val.Absent() {
				if s, ok := m.identifierValue(f, val); ok {
					return s, invalid
				}
				invalid = true
			}
			continue
		}
		if val.Absent() {
			continue
		}
		if s, ok := m.identifierValue(f, val); ok {
			return s, invalid
		}
		invalid = true
	}
	return "", invalid
}

// groupIDs groups the identifier mappings of p by identifier, in order of first mapping; those
// mapped from the contact id (prev -1) are left out.
func groupIDs(p *plan, prev []int) []idGroup {
	var out []idGroup
	index := map[[2]int]int{}
	for i, f := range p.ids {
		if prev[i] < 0 {
			continue
		}
		k := [2]int{f.target, 0}
		if f.target == idCustom {
			k[1] = f.custom
		}
		j, ok := index[k]
		if !ok {
			j = len(out)
			index[k] = j
			out = append(out, idGroup{first: f})
		}
		out[j].members = append(out[j].members, i)
	}
	return out
}
