package fakeinsider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"time"
)

// This file serves POST /api/user/v1/attribute/delete
// (https://academy.insiderone.com/docs/delete-user-attribute-api; body and sample answer in
// Insider's Postman collection, https://developers.insiderone.com/view/metadata/2sB3dSR9bM):
//
//	{"users":[{"identifiers":{...}} | {"insider_id":"..."},
//	           "whole":["name", ...], "partial":{"list_id":[1, 2]},
//	           "custom":{"whole":["plan"], "partial":{"hubspot_lists":["Newsletter"]}}}]}
//
// Documented: whole removes the attribute from the user, partial removes the listed values from
// an array attribute, custom ones go under "custom"; at most 1,000 users and 5 MB per request;
// the budget is shared with upsert; "an attribute defined as an identifier cannot be deleted
// with this request"; the answers are 200 {} (the page's text) or 200
// {"data":{"successful":{"count":n},"fail":{}}} (the collection's sample answer), 403, 429, 500.
// The fake answers with the counts, or {} when Options.EmptyAttributeDeleteAnswer is set and no
// user failed: a client must take both.
//
// Inferred (not documented): a user whose identifiers find no profile fails in data.fail as
// users.<i>.identifiers.exists ["no such user for these identifiers: no data"] and nothing is
// created; identifiers are checked, and matched, as by the other one-user APIs (the
// highest-priority identifier that finds a profile); the other per-user errors (keys in upsert's
// users.<i>.<path>.<rule> style) are for fields of the wrong JSON type and for a user naming
// nothing to delete; the too-many-users and missing-users answers are upsert's; "list_id" (the
// name this API's page uses) is the static_segment_id attribute; deleting an identity identifier
// leaves it and counts IgnoredIdentifierDelete, the user still succeeds (the sample answer
// deletes "phone_number" and reports success); a partial delete of a value the array does not
// hold, or of an attribute that is not an array, changes nothing; values are compared as JSON
// values (1 and "1" differ); an array emptied by a partial delete stays, empty; an attribute the
// profile does not have is no error.

// IgnoredIdentifierDelete counts identifiers named in an attribute delete, which leaves them.
const IgnoredIdentifierDelete = "identifier_not_deletable"

// attrOps are the deletions of one side (default or custom attributes).
type attrOps struct {
	Whole   []string         `json:"whole"`
	Partial map[string][]any `json:"partial"`
}

func (o attrOps) empty() bool { return len(o.Whole) == 0 && len(o.Partial) == 0 }

// deletion is one validated user of an attribute delete.
type deletion struct {
	insiderID string
	ids       Identifiers
	def       attrOps
	custom    attrOps
}

// validateDeletion checks user i of an attribute delete.
func validateDeletion(i int, raw json.RawMessage) (*deletion, errs) {
	e := errs{}
	p := fmt.Sprintf("users.%d.", i)
	var w struct {
		InsiderID   *string                    `json:"insider_id"`
		Identifiers map[string]json.RawMessage `json:"identifiers"`
		Whole       json.RawMessage            `json:"whole"`
		Partial     json.RawMessage            `json:"partial"`
		Custom      json.RawMessage            `json:"custom"`
	}
	if err := json.Unmarshal(raw, &w); err != nil {
		e.add(p+"type(object)", "user must be an object: "+err.Error())
		return nil, e
	}
	d := &deletion{ids: Identifiers{Custom: map[string]string{}}}
	if w.InsiderID != nil {
		d.insiderID = *w.InsiderID
	}
	if len(w.Identifiers) == 0 && d.insiderID == "" {
		e.add(p+"identifiers.required", msgNoID)
		e.add(p+"insider_id.required", msgNoID)
	}
	for k, v := range w.Identifiers {
		validateIdentifier(e, p, k, v, &d.ids)
	}
	if len(w.Whole) > 0 && json.Unmarshal(w.Whole, &d.def.Whole) != nil {
		e.add(p+"whole.type(array)", "whole must be an array of attribute names")
	}
	if len(w.Partial) > 0 && json.Unmarshal(w.Partial, &d.def.Partial) != nil {
		e.add(p+"partial.type(object)", "partial must map attribute names to arrays of values")
	}
	if len(w.Custom) > 0 && json.Unmarshal(w.Custom, &d.custom) != nil {
		e.add(p+"custom.type(object)", "custom must be an object with whole and partial")
	}
	if len(e) == 0 && d.def.empty() && d.custom.empty() {
		e.add(p+"whole.required", "either whole, partial or custom must be specified")
	}
	if len(e) > 0 {
		return nil, e
	}
	return d, nil
}

func (s *Server) handleAttributeDelete(w http.ResponseWriter, r *http.Request, req *Request) {
	var top struct {
		Users *[]json.RawMessage `json:"users"`
	}
	if !s.readBody(w, r, req, &top) {
		return
	}
	if top.Users == nil {
		badRequest(w, "users must be defined: bad request")
		return
	}
	users := *top.Users
	req.Users = len(users)
	if len(users) > s.opts.MaxUsers {
		badRequest(w, fmt.Sprintf("users must contain at most %d records, got %d: bad request", s.opts.MaxUsers, len(users)))
		return
	}
	allErrs := errs{}
	ok, failed := 0, 0
	ignored := map[string]int{}
	now := s.opts.Clock()
	s.db.mu.Lock()
	for i, raw := range users {
		d, e := validateDeletion(i, raw)
		if e == nil && !s.deleteAttributes(d, now, ignored) {
			e = errs{fmt.Sprintf("users.%d.identifiers.exists", i): {msgNoSuchUser}}
		}
		if e != nil {
			failed++
			for k, v := range e {
				allErrs[k] = append(allErrs[k], v...)
			}
			continue
		}
		ok++
	}
	s.db.mu.Unlock()
	s.stats.ignore(ignored)
	if failed == 0 && s.opts.EmptyAttributeDeleteAnswer {
		writeJSON(w, http.StatusOK, map[string]any{})
		return
	}
	var resp upsertResponse
	resp.Data.Successful, resp.Data.Fail = map[string]any{}, map[string]any{}
	if ok > 0 {
		resp.Data.Successful["count"] = ok
	}
	if failed > 0 {
		resp.Data.Fail["count"] = failed
		resp.Data.Fail["errors"] = allErrs
	}
	writeJSON(w, http.StatusOK, resp)
}

// deleteAttributes applies one user's deletions; false when no profile is found. Caller holds
// db.mu.
func (s *Server) deleteAttributes(d *deletion, now time.Time, ignored map[string]int) bool {
	iid := d.insiderID
	if _, ok := s.db.byID[iid]; !ok {
		ids := Identifiers{Custom: map[string]string{}}
		for _, id := range d.ids.List() {
			if s.account.isIdentity(id.Type) {
				ids.set(id.Type, id.Value)
			}
		}
		if iid, ok = s.db.lookup(ids, s.account.prio); !ok {
			return false
		}
	}
	p := s.db.byID[iid]
	for _, name := range d.def.Whole {
		switch name = defaultAttrName(name); {
		case name == "custom":
		case (name == TypeEmail || name == TypePhone || name == TypeUUID) && s.account.isIdentity(name):
			ignored[IgnoredIdentifierDelete]++
		default:
			delete(p.Attributes, name)
		}
	}
	for name, vals := range d.def.Partial {
		removeValues(p.Attributes, defaultAttrName(name), vals)
	}
	if cm, ok := p.Attributes["custom"].(map[string]any); ok {
		for _, name := range d.custom.Whole {
			delete(cm, name)
		}
		for name, vals := range d.custom.Partial {
			removeValues(cm, name, vals)
		}
	}
	p.UpdatedAt = now
	return true
}

// defaultAttrName maps the attribute delete API's name for the newsletter list ids to upsert's.
func defaultAttrName(name string) string {
	if name == "list_id" {
		return "static_segment_id"
	}
	return name
}

// removeValues removes vals from the array attribute m[name]; anything else is left.
func removeValues(m map[string]any, name string, vals []any) {
	arr, ok := m[name].([]any)
	if !ok {
		return
	}
	m[name] = slices.DeleteFunc(slices.Clone(arr), func(x any) bool {
		return slices.ContainsFunc(vals, func(v any) bool { return reflect.DeepEqual(x, v) })
	})
}
