package fakeinsider

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
)

// Answers of the one-user APIs. Documented (Insider's Postman collection,
// https://developers.insiderone.com/view/metadata/2sB3dSR9bM): delete answers 200 {}; anonymize
// and get-profile answer 404 "no such user for these identifiers: no data" for an unknown user;
// the identity API's 400s "identifier values are the same: bad request" and "there must be
// exactly 1 entry for both new and old identifiers: bad request"; delete-identifier's 400 "you
// cannot delete the sole identifier specified for a user: bad request". From a third-party copy
// of Insider's status-code page: "new identifier already has a user assigned to it: bad request"
// and "no valid identifier: bad request" (the type is not enabled in Identity Resolution). The
// other texts here are guesses and say so where they are used.
const (
	msgNoSuchUser      = "no such user for these identifiers: no data"
	msgSameValues      = "identifier values are the same: bad request"
	msgOneEntry        = "there must be exactly 1 entry for both new and old identifiers: bad request"
	msgNewHasUser      = "new identifier already has a user assigned to it: bad request"
	msgNoValid         = "no valid identifier: bad request"
	msgSoleIdentifier  = "you cannot delete the sole identifier specified for a user: bad request"
	msgNoIdentifier    = "identifiers must be defined: bad request"                  // [inferred]
	msgOneIdentifierDL = "there must be exactly 1 entry in identifiers: bad request" // [inferred]
)

// readIdentifiers decodes an identifiers object and checks its values as upsert does; ok is
// false after an error answer was written. [inferred]: the answer to a malformed value
// ({"error":"invalid identifiers","errors":{...}} with upsert's rule keys) is a guess.
func readIdentifiers(w http.ResponseWriter, raw json.RawMessage) (Identifiers, bool) {
	ids := Identifiers{Custom: map[string]string{}}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || len(m) == 0 {
		badRequest(w, msgNoIdentifier)
		return ids, false
	}
	e := errs{}
	for k, v := range m {
		validateIdentifier(e, "", k, v, &ids)
	}
	if len(e) > 0 {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid identifiers", "errors": e})
		return ids, false
	}
	if len(ids.List()) == 0 {
		badRequest(w, msgNoIdentifier)
		return ids, false
	}
	return ids, true
}

// identityOnly keeps the identifiers of types enabled in identity resolution; ok is false after
// the 400 "no valid identifier" when none is [inferred: that a request mixing enabled and other
// types ignores the others].
func (s *Server) identityOnly(w http.ResponseWriter, ids Identifiers) (Identifiers, bool) {
	out := Identifiers{Custom: map[string]string{}}
	for _, id := range ids.List() {
		if s.account.isIdentity(id.Type) {
			out.set(id.Type, id.Value)
		}
	}
	if len(out.List()) == 0 {
		badRequest(w, msgNoValid)
		return out, false
	}
	return out, true
}

// readBody reads a JSON request body of at most MaxBodyBytes into v; ok is false after an error
// answer. A larger body gets upsert's documented 400.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, req *Request, v any) bool {
	body, err := io.ReadAll(io.LimitReader(r.Body, int64(s.opts.MaxBodyBytes)+1))
	if err == nil && len(body) > s.opts.MaxBodyBytes {
		badRequest(w, tooBig(s.opts.MaxBodyBytes))
		return false
	}
	if err != nil || json.Unmarshal(body, v) != nil {
		badRequest(w, "invalid request body: bad request")
		return false
	}
	req.Body, req.BodySize = body, len(body)
	return true
}

// drop deletes a profile and its index entries. Caller holds db.mu.
func (db *profileDB) drop(iid string) {
	p := db.byID[iid]
	for _, k := range keys(p.InsiderID, p.Identifiers) {
		if db.index[k] == iid {
			delete(db.index, k)
		}
	}
	delete(db.byID, iid)
}

// readOneUser reads the body {"identifiers":{...}} of a request about one user and keeps its
// identity identifiers, answering the request itself when they are bad. A body with
// "insider_id" instead names the profile by its id (Insider's delete page names the field).
func (s *Server) readOneUser(w http.ResponseWriter, r *http.Request, req *Request) (Identifiers, string, bool) {
	var body struct {
		Identifiers json.RawMessage `json:"identifiers"`
		InsiderID   string          `json:"insider_id"`
	}
	if !s.readBody(w, r, req, &body) {
		return Identifiers{}, "", false
	}
	req.Users = 1
	if len(body.Identifiers) == 0 && body.InsiderID != "" {
		return Identifiers{}, body.InsiderID, true
	}
	ids, ok := readIdentifiers(w, body.Identifiers)
	if !ok {
		return Identifiers{}, "", false
	}
	ids, ok = s.identityOnly(w, ids)
	return ids, "", ok
}

// targets returns the profiles a delete or anonymize request reaches: the one with the insider
// id, or every profile holding one of the identifiers. Caller holds db.mu.
//
// [inferred] Insider's delete and anonymize APIs take one user per request and do not say what
// happens when the identifiers given belong to two profiles. The fake takes the worst case,
// every such profile, so a client that sends an identifier another live profile now holds (an
// email reused by a new contact) is caught deleting that profile.
func (db *profileDB) targets(ids Identifiers, iid string) []string {
	if iid != "" {
		if _, ok := db.byID[iid]; ok {
			return []string{iid}
		}
		return nil
	}
	return db.holders(ids)
}

// handleDelete serves POST /api/user/v1/delete {"identifiers":{...}}
// (https://academy.insiderone.com/docs/delete-user-profile-api): the profile and its events are
// deleted for good, and the answer is 200 {} (documented); also when no profile matched (a
// guess). Which profiles go when the identifiers name two: see targets.
func (s *Server) handleDelete(w http.ResponseWriter, r *http.Request, req *Request) {
	ids, iid, ok := s.readOneUser(w, r, req)
	if !ok {
		return
	}
	s.db.mu.Lock()
	for _, t := range s.db.targets(ids, iid) {
		s.db.drop(t)
	}
	s.db.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{})
}

// piiAttributes are the default attributes the anonymize API's page lists with the user's
// identifiers; the fake takes them to be the ones marked PII by default [inferred].
var piiAttributes = []string{"email", "phone_number", "name", "surname", "birthday", "gender", "age", "country", "city"}

// handleAnonymize serves POST /api/user/v1/anonymize {"identifiers":{...}}
// (https://academy.insiderone.com/docs/delete-users-pii-data-api). Documented: the email and
// phone identifiers are removed, except that the last remaining identifier is never removed;
// attributes marked PII are always removed; an unknown user answers 404 "no such user". Guessed:
// the PII attributes are piiAttributes plus Options.PIIAttributes (custom), other attributes and
// events stay, and the answer is 200 {}. Which profiles are reached: see targets.
func (s *Server) handleAnonymize(w http.ResponseWriter, r *http.Request, req *Request) {
	ids, iid, ok := s.readOneUser(w, r, req)
	if !ok {
		return
	}
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	found := s.db.targets(ids, iid)
	if len(found) == 0 {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": msgNoSuchUser})
		return
	}
	for _, t := range found {
		p := s.db.byID[t]
		old := keys(p.InsiderID, p.Identifiers)
		for _, typ := range []string{TypeEmail, TypePhone} {
			if p.Identifiers.Get(typ) != "" && len(p.Identifiers.List()) > 1 {
				p.Identifiers.set(typ, "")
			}
		}
		for _, a := range piiAttributes {
			delete(p.Attributes, a)
		}
		if cm, ok := p.Attributes["custom"].(map[string]any); ok {
			for _, a := range s.opts.PIIAttributes {
				delete(cm, a)
			}
		}
		p.Anonymized = true
		p.UpdatedAt = s.opts.Clock()
		kept := keys(p.InsiderID, p.Identifiers)
		for _, k := range old {
			if !slices.Contains(kept, k) {
				delete(s.db.index, k)
			}
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{})
}
