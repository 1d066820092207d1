package mapping

import (
	"strings"

	"github.com/insider-hubspot/connectors/destination-insider/mapping/convert"
	"github.com/insider-hubspot/connectors/internal/jsontext"
)

// This file reads what a contacts record says about the contact's Insider profile besides its
// attributes: that the contact was archived (its profile is to be deleted or anonymized, found
// by its id: deleted.go), or that other contacts were merged into it (their profiles are to be
// re-keyed to its id). Scan reads these fields in the same pass as the mapped ones.

// mergedIDsField is the source's list of the contact ids merged into a contact.
const mergedIDsField = "hs_merged_object_ids"

func newContactPlan(p *plan, cfg *Config) *contactPlan {
	c := &contactPlan{
		archived:  p.root.add([]string{"archived"}, &p.slots),
		permanent: p.root.add([]string{permanentField}, &p.slots),
		id:        p.root.add([]string{"id"}, &p.slots),
		merged:    p.root.add([]string{mergedIDsField}, &p.slots),
	}
	for i, m := range cfg.IdentifierMappings {
		if isRecordIDField(m.SourceField) && p.ids[i].target != idEmail && p.ids[i].target != idPhone {
			c.idFields = append(c.idFields, p.ids[i])
			c.prev = append(c.prev, -1)
			continue
		}
		c.prev = append(c.prev, p.root.add([]string{previousValuesField, strings.TrimSpace(m.SourceField)}, &p.slots))
	}
	c.groups = groupIDs(p, c.prev)
	return c
}

// isRecordIDField reports whether a source field holds the HubSpot contact id.
func isRecordIDField(f string) bool {
	f = strings.TrimSpace(f)
	return f == "id" || f == "hs_object_id"
}

// MapsRecordID reports whether a uuid or custom identifier is mapped from the contact id
// (hs_object_id or id): the identifier a merge re-keys.
func (c *Config) MapsRecordID() bool {
	for _, m := range c.IdentifierMappings {
		if isRecordIDField(m.SourceField) && (m.Identifier == "uuid" || m.Identifier == "custom") {
			return true
		}
	}
	return false
}

// Archived reports whether r is a contacts record of an archived (deleted) contact.
func (r Record) Archived() bool {
	c := r.plan.contact
	return c != nil && r.flag(c.archived)
}

// flag reports whether the value of r at slot is true: JSON true or the string "true".
func (r Record) flag(slot int) bool {
	if !r.ok {
		return false
	}
	switch v := r.vals[slot]; v.JSONKind() {
	case 't':
		return true
	case '"':
		s, _ := v.Unquoted()
		return s == "true"
	}
	return false
}

// Merge is what a contacts record that names merged contacts asks: the profile of each
// merged-away contact id re-keyed to the contact's own id, one identifier at a time.
type Merge struct {
	Merged   []string // merged-away contact ids, without the contact's own
	fields   []idField
	survivor []string // the contact's value of each of fields ("" when absent)
}

// Merge returns the merge r names in hs_merged_object_ids; false when r names no other contact,
// or has no id of its own to re-key the merged-away profiles to.
func (m *Mapper) Merge(r Record) (Merge, bool) {
	c := r.plan.contact
	if c == nil {
		return Merge{}, false
	}
	g := Merge{fields: c.idFields}
	self := map[string]bool{}
	for _, f := range c.idFields {
		v := ""
		if s, ok := r.vals[f.slot].Text(); ok {
			if n, ok := convert.NormalizeID(s); ok {
				v = n
			}
		}
		g.survivor = append(g.survivor, v)
		self[v] = v != ""
	}
	list, _ := r.vals[c.merged].Text()
	seen := map[string]bool{}
	for _, f := range strings.Split(list, ";") {
		id, ok := convert.NormalizeID(f)
		if ok && id != "" && !self[id] && !seen[id] {
			seen[id] = true
			g.Merged = append(g.Merged, id)
		}
	}
	if len(g.Merged) == 0 || strings.Join(g.survivor, "") == "" {
		return Merge{}, false
	}
	return g, true
}

// Identifiers names the identifiers the merge re-keys: those the contact has a value of.
func (g Merge) Identifiers() []string {
	var out []string
	for i, f := range g.fields {
		if g.survivor[i] != "" {
			out = append(out, f.name)
		}
	}
	return out
}

// IdentityChange is one identity change of a merged-away profile: Old and New are identifiers
// objects holding one identifier each, the merged-away id and the contact's.
type IdentityChange struct {
	Identifier string // the identifier's name, for logs
	Old, New   []byte
}

// Changes returns the identity changes that re-key the profile of the merged-away id, one per
// identifier of Identifiers.
func (g Merge) Changes(id string) []IdentityChange {
	var out []IdentityChange
	for i, f := range g.fields {
		if g.survivor[i] == "" {
			continue
		}
		out = append(out, IdentityChange{Identifier: f.name, Old: singleID(nil, f, id), New: singleID(nil, f, g.survivor[i])})
	}
	return out
}

// Profile encodes the identifiers object holding the merged-away id in every identifier mapped
// from the contact id (custom ones together): it finds that contact's profile.
func (g Merge) Profile(id string) []byte {
	vals := make([]string, len(g.fields))
	for i := range vals {
		vals[i] = id
	}
	return encodeIDs(g.fields, vals)
}

// singleID encodes the identifiers object {f: v}.
func singleID(dst []byte, f idField, v string) []byte {
	dst = append(dst, '{')
	dst = appendIDMember(dst, f, v)
	return append(dst, '}')
}

func appendIDMember(dst []byte, f idField, v string) []byte {
	if f.target == idCustom {
		dst = append(dst, `"custom":{`...)
		dst = append(dst, f.nameKey...)
		dst = append(dst, ':')
		dst = jsontext.AppendString(dst, v)
		return append(dst, '}')
	}
	dst = append(dst, idKeys[f.target]...)
	return jsontext.AppendString(dst, v)
}
