package mapping

import (
	"slices"
	"strings"

	"github.com/insider-hubspot/connectors/destination-insider/mapping/convert"
	"github.com/insider-hubspot/connectors/internal/jsontext"
)

// This file finds the profiles a deleted contact leaves in Insider: its own, keyed by its
// HubSpot id (the one key no other contact ever holds), and those keyed by the ids merged into
// it. A delete or anonymization that found a profile by an email or phone number could hit a
// live contact that holds the same value now, so these are found by the id alone.

// permanentField marks a contacts record of a contact HubSpot deleted permanently (GDPR).
const permanentField = "deleted_permanently"

// DeletedPermanently reports whether r is a contacts record of a contact deleted permanently.
func (r Record) DeletedPermanently() bool {
	c := r.plan.contact
	return c != nil && r.flag(c.permanent)
}

// Own is the profiles of a deleted contact: its own and those of the ids merged into it, each an
// encoded identifiers object holding only identifiers mapped from the contact id.
type Own struct {
	Key     string   // the record's primary key, for logs
	ID      string   // the contact's id
	Profile []byte   // nil when the record has no id
	Merged  []string // ids merged into the contact (hs_merged_object_ids), without its own
}

// OwnProfile returns the profiles of the contact of r by its id: each identifier mapped from
// hs_object_id or id takes the record's value of its field, or the record's id when the field is
// absent (a contact deleted permanently comes with its id alone; HubSpot's hs_object_id equals
// the id). It is empty when no identifier is mapped from the contact id (MapsRecordID).
func (m *Mapper) OwnProfile(r Record) Own {
	c := r.plan.contact
	own := Own{Key: r.key()}
	if c == nil || !r.ok || len(c.idFields) == 0 {
		return own
	}
	id, _ := r.vals[c.id].Text()
	id, _ = convert.NormalizeID(id)
	vals := make([]string, len(c.idFields))
	self := map[string]bool{}
	for i, f := range c.idFields {
		v := ""
		if s, ok := r.vals[f.slot].Text(); ok {
			v, _ = convert.NormalizeID(s)
		}
		if v == "" {
			v = id
		}
		vals[i] = v
		self[v] = v != ""
	}
	if own.ID = id; own.ID == "" {
		own.ID = vals[0]
	}
	if own.ID == "" {
		return own
	}
	own.Profile = encodeIDs(c.idFields, vals)
	list, _ := r.vals[c.merged].Text()
	for _, f := range strings.Split(list, ";") {
		if mid, ok := convert.NormalizeID(f); ok && mid != "" && !self[mid] && !slices.Contains(own.Merged, mid) {
			own.Merged = append(own.Merged, mid)
		}
	}
	return own
}

// IDProfile encodes the identifiers object that finds the profile of contact id: id in every
// identifier mapped from the contact id. nil when none is mapped.
func (m *Mapper) IDProfile(id string) []byte {
	fields := m.contacts.contact.idFields
	if len(fields) == 0 {
		return nil
	}
	vals := make([]string, len(fields))
	for i := range vals {
		vals[i] = id
	}
	return encodeIDs(fields, vals)
}

// encodeIDs encodes the identifiers object of fields with vals (custom ones together).
func encodeIDs(fields []idField, vals []string) []byte {
	b := []byte{'{'}
	for i, f := range fields {
		if f.target != idCustom {
			if len(b) > 1 {
				b = append(b, ',')
			}
			b = appendIDMember(b, f, vals[i])
		}
	}
	custom := false
	for i, f := range fields {
		if f.target != idCustom {
			continue
		}
		if !custom {
			if len(b) > 1 {
				b = append(b, ',')
			}
			b = append(b, `"custom":{`...)
			custom = true
		} else {
			b = append(b, ',')
		}
		b = append(b, f.nameKey...)
		b = append(b, ':')
		b = jsontext.AppendString(b, vals[i])
	}
	if custom {
		b = append(b, '}')
	}
	return append(b, '}')
}
