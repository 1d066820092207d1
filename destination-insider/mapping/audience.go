package mapping

import (
	"fmt"
	"strings"

	"github.com/insider-hubspot/connectors/destination-insider/mapping/convert"
)

// This file reads the records of the source's list_memberships stream: each says that a contact
// joined a HubSpot list or left it, under the list's name. With audience_attribute set, the
// destination keeps a custom array attribute of the contact's profile equal to the names of the
// lists it is in: a join adds the name, an exit removes it, a join of a renamed list adds the
// new name and removes the old one.

// ListMembershipsStream is the source stream of HubSpot list membership changes.
const ListMembershipsStream = "list_memberships"

// ReasonInvalidMembership rejects a list_memberships record without a usable member flag or
// list name.
const ReasonInvalidMembership = "invalid_membership"

// Fields of a list_memberships record.
const (
	memberField   = "member"
	listNameField = "listName"
	previousField = "previousListName"
	listIDField   = "listId"
	recordIDField = "recordId"
)

// audiencePlan is the part of the list_memberships plan that reads a membership change.
type audiencePlan struct {
	member, name, previous, listID, recordID int // slots
	// fallback pairs the slot of each identifier mapped from the contact id (hs_object_id or id,
	// read in the record's contact) with the record's recordId, which stands in for it when the
	// contact is gone (contact null) or its object lacks the field.
	fallback [][2]int
}

// newAudiencePlan compiles the plan of list_memberships records: identifiers read from the
// record's contact object, as for events.
func newAudiencePlan(cfg *Config) *plan {
	p := &plan{root: newPathNode()}
	p.compileIDs(cfg, []string{"contact"})
	a := &audiencePlan{
		member:   p.root.add([]string{memberField}, &p.slots),
		name:     p.root.add([]string{listNameField}, &p.slots),
		previous: p.root.add([]string{previousField}, &p.slots),
		listID:   p.root.add([]string{listIDField}, &p.slots),
		recordID: p.root.add([]string{recordIDField}, &p.slots),
	}
	for i, im := range cfg.IdentifierMappings {
		if isRecordIDField(im.SourceField) && p.ids[i].target != idEmail && p.ids[i].target != idPhone {
			a.fallback = append(a.fallback, [2]int{p.ids[i].slot, a.recordID})
		}
	}
	p.keySlot = a.recordID
	p.audience = a
	return p
}

// Membership is what one list_memberships record asks of the contact's profile.
type Membership struct {
	IDs  []byte // the encoded identifiers object that finds the profile; nil when the record is rejected
	Key  string // listId/recordId, for logs
	Join bool   // true: add Name; false: remove it
	Name string // the list's name
	// Previous is the name a renamed list had (a join with previousListName): it is removed.
	Previous   string
	DroppedIDs int // invalid identifiers left out (skip_identifier)
	// Reason, Detail and FailRun say why IDs is nil, as in Result.
	Reason, Detail string
	FailRun        bool
}

// Membership reads the membership change of r, a record of a stream for which Stream.Audience
// holds: the contact's identifiers (by the config's identifier mappings and
// invalid_identifier_policy, from the record's contact, and for identifiers mapped from the
// contact id also from recordId), and the list name to add or remove.
func (m *Mapper) Membership(r Record) Membership {
	a := r.plan.audience
	if !r.ok {
		return Membership{Reason: ReasonNotObject, Detail: "record data is not a JSON object"}
	}
	vals := r.vals
	listID, _ := vals[a.listID].Text()
	recordID, _ := vals[a.recordID].Text()
	out := Membership{Key: listID + "/" + recordID}
	switch vals[a.member].JSONKind() {
	case 't':
		out.Join = true
	case 'f':
	default:
		out.Reason, out.Detail = ReasonInvalidMembership, "member is not true or false"
		return out
	}
	name, ok := vals[a.name].Unquoted()
	if !ok || convert.IsBlank(name) {
		out.Reason, out.Detail = ReasonInvalidMembership, "listName is missing or not a string"
		return out
	}
	out.Name = name
	if prev, ok := vals[a.previous].Unquoted(); ok && out.Join && !convert.IsBlank(prev) && prev != name {
		out.Previous = prev
	}
	for _, f := range a.fallback {
		if vals[f[0]].Absent() {
			vals[f[0]] = vals[f[1]]
		}
	}
	res := Result{Key: out.Key}
	if !m.identifiers(r.plan, vals, &res) {
		out.Reason, out.Detail, out.FailRun = res.Reason, res.Detail, res.FailRun
		return out
	}
	ids := m.appendIdentifiers([]byte{'{'}, r.plan)
	out.IDs, out.DroppedIDs = append(ids, '}'), res.DroppedIDs
	return out
}

// AudienceProblem says what is wrong with audience_attribute in Insider's metadata t: the
// attribute is not declared, or declared with a type other than an array. "" when it is an
// array, or when no audience_attribute is set.
func (c *Config) AudienceProblem(t *Types) string {
	name := c.AudienceAttribute
	if name == "" {
		return ""
	}
	create := "create it in InOne (Attributes & Events, a custom attribute of type String Array named " + quote(name) + ")"
	k, ok := t.kind(name)
	switch {
	case !ok:
		return fmt.Sprintf("audience_attribute: Insider does not know the custom attribute %s: %s, "+
			"or set audience_attribute to an existing array attribute; Insider does not store values of undefined attributes", quote(name), create)
	case k != convert.List:
		return fmt.Sprintf("audience_attribute: Insider declares the custom attribute %s as %s, not as an array, so it cannot hold "+
			"list names: set audience_attribute to a custom attribute of type String Array, or %s", quote(name), t.types[name], create)
	}
	return ""
}

// AudienceTypeProblem is AudienceProblem for a compiled mapping whose catalog selects
// list_memberships and which knows Insider's attribute types; "" otherwise.
func (m *Mapper) AudienceTypeProblem(cfg *Config) string {
	if m.audience == nil || m.types == nil {
		return ""
	}
	for _, name := range m.catalogNames {
		if m.Stream(name).Audience() {
			return cfg.AudienceProblem(m.types)
		}
	}
	return ""
}

// validateAudience checks audience_attribute: a custom attribute name that nothing else sets.
func (c *Config) validateAudience(ids map[string]bool) []string {
	name := c.AudienceAttribute
	if name == "" {
		return nil
	}
	const where = "audience_attribute"
	if msg := checkName(name); msg != "" {
		return []string{where + ": attribute " + msg}
	}
	if msg := identifierAttribute(name, ids); msg != "" {
		return []string{where + ": " + msg}
	}
	var p []string
	if _, isDefault := defaultAttributes[name]; isDefault {
		p = append(p, fmt.Sprintf("%s: %q is one of Insider's default attributes; the list names go in a custom array attribute: "+
			"use a name of your own, e.g. hubspot_lists", where, name))
	}
	if strings.HasPrefix(name, "c_") {
		p = append(p, fmt.Sprintf("%s: %q starts with c_, the prefix Insider shows custom attributes with when they are read; "+
			"give the name without it (%q)", where, name, strings.TrimPrefix(name, "c_")))
	}
	for i, am := range c.AttributeMappings {
		if am.Attribute == name {
			p = append(p, fmt.Sprintf("%s: attribute_mappings[%d] also sets %q; contact upserts would overwrite the list names: "+
				"use another attribute for one of them", where, i, name))
		}
	}
	for i, fa := range c.FixedAttributes {
		if fa.Attribute == name {
			p = append(p, fmt.Sprintf("%s: fixed_attributes[%d] also sets %q; contact upserts would overwrite the list names: "+
				"use another attribute for one of them", where, i, name))
		}
	}
	for i, em := range c.EventMappings {
		if em.Stream == ListMembershipsStream {
			p = append(p, fmt.Sprintf("%s: event_mappings[%d] maps the list_memberships stream as events too: "+
				"remove that event mapping or audience_attribute", where, i))
		}
	}
	return p
}
