package mapping

import (
	"encoding/json"
	"strings"

	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/destination-insider/mapping/convert"
	"github.com/insider-hubspot/connectors/protocol"
)

// This file decides which mapped attributes a contacts record clears (clear_empty_values): Map
// leaves a null or empty value out of the upsert, so a value cleared in HubSpot would stay set
// in Insider; Insider removes it with its attribute-delete API instead.
//
// An attribute is cleared when every source field mapped to it is empty in the record: present
// and null, "" or blank, or absent while the configured contacts stream selects the field (the
// source then sends what HubSpot has, and HubSpot has nothing). A field the stream does not
// select is never taken for empty: the record says nothing of it. Identifiers (and attributes
// named like one) and fixed attributes are never cleared.

// clearField is one attribute cleared when empty.
type clearField struct {
	name     string
	custom   bool  // under attributes.custom
	slots    []int // the source fields mapped to it
	selected []bool
}

// WithClearEmpty makes Map also return the attribute deletions of the mapped attributes a
// contacts record leaves empty (Result.Clear).
func WithClearEmpty() Option { return func(m *Mapper) { m.clearEmpty = true } }

// newClears compiles the cleared attributes of the contacts plan p: the mapped ones but
// identifiers and fixed attributes, with the fields the configured contacts stream selects
// (selected; nil when its schema lists none, so that no absent field counts as empty).
func newClears(p *plan, cfg *Config, selected map[string]bool) []clearField {
	never := map[string]bool{"email": true, "phone_number": true, "uuid": true}
	for _, fa := range cfg.FixedAttributes {
		never[fa.Attribute] = true
	}
	for _, im := range cfg.IdentifierMappings {
		if identifierTarget(im.Identifier) == idCustom {
			never[strings.TrimSpace(im.CustomName)] = true
		}
	}
	var out []clearField
	byName := map[string]int{}
	for _, am := range cfg.AttributeMappings {
		if never[am.Attribute] {
			continue
		}
		_, isDefault := defaultAttributes[am.Attribute]
		i, ok := byName[am.Attribute]
		if !ok {
			i = len(out)
			byName[am.Attribute] = i
			out = append(out, clearField{name: am.Attribute, custom: !isDefault})
		}
		field := strings.TrimSpace(am.SourceField)
		out[i].slots = append(out[i].slots, p.addPath(nil, field))
		top, _, _ := strings.Cut(field, ".")
		out[i].selected = append(out[i].selected, selected[top])
	}
	return out
}

// selectedFields returns the top-level fields the configured stream's json_schema lists, nil
// when it lists none (an empty schema selects every property the source knows, which the
// destination does not).
func selectedFields(cs *protocol.ConfiguredStream) map[string]bool {
	if cs == nil {
		return nil
	}
	var s struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if json.Unmarshal(cs.Stream.JSONSchema, &s) != nil || len(s.Properties) == 0 {
		return nil
	}
	out := make(map[string]bool, len(s.Properties))
	for k := range s.Properties {
		out[k] = true
	}
	return out
}

// contactsStream returns the configured stream of the catalog whose records are contacts
// mapped by the config (also under a connection prefix); nil when there is none.
func (m *Mapper) contactsStream(catalog *protocol.ConfiguredCatalog) *protocol.ConfiguredStream {
	if catalog == nil {
		return nil
	}
	for i := range catalog.Streams {
		if m.Stream(catalog.Streams[i].Stream.Name).Contacts() {
			return &catalog.Streams[i]
		}
	}
	return nil
}

// appendClear appends to dst the attribute-delete user of the attributes r leaves empty, found
// by the identifiers object ids; dst is returned unchanged when none is.
func (m *Mapper) appendClear(dst []byte, r Record, ids []byte) []byte {
	d := insider.AttributeDelete{Identifiers: ids, Whole: m.clearWhole[:0], CustomWhole: m.clearCustom[:0]}
	for _, f := range r.plan.contact.clears {
		if !f.empty(r.vals) {
			continue
		}
		if f.custom {
			d.CustomWhole = append(d.CustomWhole, f.name)
		} else {
			d.Whole = append(d.Whole, f.name)
		}
	}
	m.clearWhole, m.clearCustom = d.Whole, d.CustomWhole
	if d.Empty() {
		return dst
	}
	return d.AppendJSON(dst)
}

// empty reports whether every field of f is empty in vals.
func (f clearField) empty(vals []convert.Value) bool {
	for i, slot := range f.slots {
		v := vals[slot]
		if v.Raw == nil && !f.selected[i] || v.Raw != nil && !v.Absent() {
			return false
		}
	}
	return true
}
