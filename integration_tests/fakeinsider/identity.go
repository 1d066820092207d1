package fakeinsider

import (
	"maps"
	"slices"
	"strings"
)

// This file holds how the fake resolves identifiers to profiles.
//
// Documented (https://academy.insiderone.com/docs/identify-and-unify-user-data,
// https://academy.insiderone.com/docs/identity-resolution-management-settings,
// https://academy.insiderone.com/docs/upsert-user-data-api):
//   - only identifier types enabled in Identity Resolution Management (IRM) identify users;
//     others stay attributes (account.go);
//   - a request whose identifiers match no profile creates one; one that matches a profile is
//     added to it; one that matches several profiles merges them, "based on the limit and
//     priority configurations";
//   - IRM has a value limit per identifier type (how many values of that type one profile may
//     hold) and a priority order of the types;
//   - upsert "will not change an existing identifier": that is the Update Identifiers API's job.
//
// Inferred (Insider describes the outcome, not the algorithm; the fake follows the algorithm of
// Segment's identity resolution, https://segment.com/docs/unify/identity-resolution/identity-resolution-settings/,
// which Insider's page describes in the same three cases):
//   - the value limit is 1 for every type (the strictest setting; an account may allow more,
//     which the fake does not model);
//   - the user's identifiers are taken in priority order (Options.IdentifierPriority, default
//     DefaultIdentifierPriority; insider_id always first), and each is kept when keeping it
//     breaks no limit on the profile the kept ones lead to; an identifier that would break one is
//     dropped from the request (counted as IgnoredOverLimit) and stays where it is;
//   - so an upsert whose uuid finds a profile holding another email keeps that email and drops
//     the new one (no second profile), and an upsert whose new uuid comes with an email that
//     another uuid's profile holds gets a profile of its own without that email;
//   - when several profiles merge, the one the highest-priority identifier found survives, its
//     identifiers become the union, and attribute values of the most recently updated profile
//     win (the FAQ: "Attributes are the latest values").

// Identifier is one identifier of a profile. Type is "email", "phone_number", "uuid" or
// "custom.<name>".
type Identifier struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// Identifier types.
const (
	TypeEmail = "email"
	TypePhone = "phone_number"
	TypeUUID  = "uuid"
	// customPrefix starts the type of a custom identifier: "custom.<name>".
	customPrefix = "custom."
	typeIID      = "insider_id" // the profile id; only an index key, never an identifier
)

// DefaultIdentifierPriority is the priority order of identifier types the fake uses when
// Options.IdentifierPriority is nil: uuid, then custom identifiers (by name), then email, then
// phone number. "custom" stands for every custom identifier not listed by itself. [inferred]:
// an account keyed on a CRM id puts it first; Insider's default order is not documented.
var DefaultIdentifierPriority = []string{TypeUUID, "custom", TypeEmail, TypePhone}

// List returns the identifiers that are set, ordered by type.
func (ids Identifiers) List() []Identifier {
	var out []Identifier
	add := func(typ, v string) {
		if v != "" {
			out = append(out, Identifier{Type: typ, Value: v})
		}
	}
	add(TypeEmail, ids.Email)
	add(TypePhone, ids.PhoneNumber)
	add(TypeUUID, ids.UUID)
	for _, n := range slices.Sorted(maps.Keys(ids.Custom)) {
		add(customPrefix+n, ids.Custom[n])
	}
	return out
}

// Get returns the value of identifier type typ ("" when the profile has none).
func (ids Identifiers) Get(typ string) string {
	switch typ {
	case TypeEmail:
		return ids.Email
	case TypePhone:
		return ids.PhoneNumber
	case TypeUUID:
		return ids.UUID
	}
	if name, ok := strings.CutPrefix(typ, customPrefix); ok {
		return ids.Custom[name]
	}
	return ""
}

// set sets identifier type typ to v; "" removes it.
func (ids *Identifiers) set(typ, v string) {
	switch typ {
	case TypeEmail:
		ids.Email = v
	case TypePhone:
		ids.PhoneNumber = v
	case TypeUUID:
		ids.UUID = v
	default:
		name, _ := strings.CutPrefix(typ, customPrefix)
		if ids.Custom == nil {
			ids.Custom = map[string]string{}
		}
		if v == "" {
			delete(ids.Custom, name)
		} else {
			ids.Custom[name] = v
		}
	}
}

// idKey is the index key of an identifier value.
func idKey(typ, v string) string { return typ + "\x00" + v }

// keys lists the index keys of a profile's identifiers and insider id.
func keys(iid string, ids Identifiers) []string {
	var k []string
	if iid != "" {
		k = append(k, idKey(typeIID, iid))
	}
	for _, id := range ids.List() {
		k = append(k, idKey(id.Type, id.Value))
	}
	return k
}

// priority orders identifier types for resolution.
type priority []string

// rank returns typ's place in the order: a listed type, then "custom" for the custom types not
// listed by themselves, then anything else.
func (p priority) rank(typ string) int {
	if i := slices.Index(p, typ); i >= 0 {
		return i
	}
	if strings.HasPrefix(typ, customPrefix) {
		if i := slices.Index(p, "custom"); i >= 0 {
			return i
		}
	}
	return len(p)
}

// sort orders identifiers by priority, ties by type.
func (p priority) sort(ids []Identifier) {
	slices.SortStableFunc(ids, func(a, b Identifier) int {
		if ra, rb := p.rank(a.Type), p.rank(b.Type); ra != rb {
			return ra - rb
		}
		return strings.Compare(a.Type, b.Type)
	})
}

// resolution is where an upsert lands: the profiles it merges (the survivor first; none: a new
// profile), the identifiers it keeps and those it drops.
type resolution struct {
	members []string
	kept    []Identifier
	dropped []Identifier
}

// resolve decides where user u lands (see the top of this file). Caller holds db.mu.
func (db *profileDB) resolve(u *user, prio priority) resolution {
	var r resolution
	if u.insiderID != "" {
		if _, ok := db.byID[u.insiderID]; ok {
			r.members = []string{u.insiderID}
		}
	}
	ids := u.ids.List()
	prio.sort(ids)
	for _, id := range ids {
		cand := r.members
		if iid, ok := db.index[idKey(id.Type, id.Value)]; ok && !slices.Contains(cand, iid) {
			cand = append(slices.Clone(cand), iid)
		}
		if db.fits(cand, append(slices.Clone(r.kept), id)) {
			r.members, r.kept = cand, append(r.kept, id)
		} else {
			r.dropped = append(r.dropped, id)
		}
	}
	return r
}

// fits reports whether the profiles iids and the identifiers extra together hold at most one
// value of each identifier type (the value limit of 1). Caller holds db.mu.
func (db *profileDB) fits(iids []string, extra []Identifier) bool {
	vals := map[string]string{}
	ok := func(id Identifier) bool {
		if v, seen := vals[id.Type]; seen && v != id.Value {
			return false
		}
		vals[id.Type] = id.Value
		return true
	}
	for _, iid := range iids {
		for _, id := range db.byID[iid].Identifiers.List() {
			if !ok(id) {
				return false
			}
		}
	}
	for _, id := range extra {
		if !ok(id) {
			return false
		}
	}
	return true
}

// lookup returns the profile the highest-priority identifier of ids finds, as the one-user APIs
// read a request's identifiers [inferred]. Caller holds db.mu.
func (db *profileDB) lookup(ids Identifiers, prio priority) (string, bool) {
	list := ids.List()
	prio.sort(list)
	for _, id := range list {
		if iid, ok := db.index[idKey(id.Type, id.Value)]; ok {
			return iid, true
		}
	}
	return "", false
}

// holders returns every profile holding one of ids, ordered by InsiderID. Caller holds db.mu.
func (db *profileDB) holders(ids Identifiers) []string {
	var out []string
	for _, id := range ids.List() {
		if iid, ok := db.index[idKey(id.Type, id.Value)]; ok && !slices.Contains(out, iid) {
			out = append(out, iid)
		}
	}
	slices.Sort(out)
	return out
}
