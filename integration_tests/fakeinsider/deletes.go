package fakeinsider

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
)

// Answers of the delete-user, anonymize and identity APIs (research 2026-12/insider-truth.md §2).
// Documented: delete answers 200 {}; anonymize answers 404 "no such user for these identifiers:
// no data" for an unknown user; identity answers 400 "identifier values are the same" and 400
// "there must be exactly 1 entry…", and (third-party copy) "new identifier already has a user
// assigned to it". Guessed: the identity API's 404 for an unknown old identifier (the same text
// as anonymize and profile), the end of the "exactly 1 entry" text, 200 {} for a successful
// anonymize or identity change, and that delete also answers 200 {} when no user matches.
const (
	msgNoSuchUser   = "no such user for these identifiers: no data"
	msgSameValues   = "identifier values are the same"
	msgOneEntry     = "there must be exactly 1 entry in old_identifier and new_identifier"
	msgNewHasUser   = "new identifier already has a user assigned to it"
	msgNoIdentifier = "identifiers must be defined: bad request"
)

// readIdentifiers decodes an identifiers object as upsert validates it; ok is false after an
// error answer was written.
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
	if len(keys("", ids)) == 0 {
		badRequest(w, msgNoIdentifier)
		return ids, false
	}
	return ids, true
}

// readBody reads a small JSON request body into v; ok is false after an error answer.
func readBody(w http.ResponseWriter, r *http.Request, req *Request, v any) bool {
	body, err := io.ReadAll(io.LimitReader(r.Body, 5000000))
	if err != nil || json.Unmarshal(body, v) != nil {
		badRequest(w, "invalid request body: bad request")
		return false
	}
	req.Body, req.BodySize = body, len(body)
	return true
}

// matchIDs returns the InsiderIDs of the profiles holding any of the identifiers. Caller holds
// db.mu.
func (db *profileDB) matchIDs(ids Identifiers) []string {
	var out []string
	for _, k := range keys("", ids) {
		if iid, ok := db.index[k]; ok && !slices.Contains(out, iid) {
			out = append(out, iid)
		}
	}
	slices.Sort(out)
	return out
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

// readOneUser reads the body {"identifiers":{...}} of a request about one user, answering the
// request itself when the body or its identifiers are bad.
func readOneUser(w http.ResponseWriter, r *http.Request, req *Request) (Identifiers, bool) {
	var body struct {
		Identifiers json.RawMessage `json:"identifiers"`
	}
	if !readBody(w, r, req, &body) {
		return Identifiers{}, false
	}
	ids, ok := readIdentifiers(w, body.Identifiers)
	if !ok {
		return Identifiers{}, false
	}
	req.Users = 1
	return ids, true
}

// handleDelete serves POST /api/user/v1/delete {"identifiers":{...}}: every profile holding one
// of the identifiers is deleted (one user per request in Insider's documentation; a request
// whose identifiers name two profiles deletes both, a guess).
func (s *Server) handleDelete(w http.ResponseWriter, r *http.Request, req *Request) {
	ids, ok := readOneUser(w, r, req)
	if !ok {
		return
	}
	s.db.mu.Lock()
	for _, iid := range s.db.matchIDs(ids) {
		s.db.drop(iid)
	}
	s.db.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{})
}

// handleAnonymize serves POST /api/user/v1/anonymize {"identifiers":{...}}: the profile's
// attributes and its email and phone identifiers are removed, except that the last remaining
// identifier is kept (documented); events stay (a guess). Unknown users answer 404.
func (s *Server) handleAnonymize(w http.ResponseWriter, r *http.Request, req *Request) {
	ids, ok := readOneUser(w, r, req)
	if !ok {
		return
	}
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	found := s.db.matchIDs(ids)
	if len(found) == 0 {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": msgNoSuchUser})
		return
	}
	for _, iid := range found {
		p := s.db.byID[iid]
		old := keys(p.InsiderID, p.Identifiers)
		if p.Identifiers.UUID != "" || len(p.Identifiers.Custom) > 0 || p.Identifiers.PhoneNumber != "" {
			p.Identifiers.Email = ""
		}
		if p.Identifiers.UUID != "" || len(p.Identifiers.Custom) > 0 || p.Identifiers.Email != "" {
			p.Identifiers.PhoneNumber = ""
		}
		p.Attributes = map[string]any{}
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

// handleIdentity serves PATCH /api/user/v1/identity {"old_identifier":{...},"new_identifier":
// {...}}: one identifier of one type on each side; the profile holding the old value gets the
// new one in its place.
func (s *Server) handleIdentity(w http.ResponseWriter, r *http.Request, req *Request) {
	var body struct {
		Old json.RawMessage `json:"old_identifier"`
		New json.RawMessage `json:"new_identifier"`
	}
	if !readBody(w, r, req, &body) {
		return
	}
	old, ok := readIdentifiers(w, body.Old)
	if !ok {
		return
	}
	nw, ok := readIdentifiers(w, body.New)
	if !ok {
		return
	}
	oldKey, newKey := keys("", old), keys("", nw)
	if len(oldKey) != 1 || len(newKey) != 1 || keyType(oldKey[0]) != keyType(newKey[0]) {
		badRequest(w, msgOneEntry)
		return
	}
	if oldKey[0] == newKey[0] {
		badRequest(w, msgSameValues)
		return
	}
	req.Users = 1
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	iid, found := s.db.index[oldKey[0]]
	if !found {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": msgNoSuchUser})
		return
	}
	if other, taken := s.db.index[newKey[0]]; taken && other != iid {
		badRequest(w, msgNewHasUser)
		return
	}
	p := s.db.byID[iid]
	switch {
	case old.Email != "":
		p.Identifiers.Email = nw.Email
	case old.PhoneNumber != "":
		p.Identifiers.PhoneNumber = nw.PhoneNumber
	case old.UUID != "":
		p.Identifiers.UUID = nw.UUID
	default:
		for name := range old.Custom {
			delete(p.Identifiers.Custom, name)
		}
		for name, v := range nw.Custom {
			p.Identifiers.Custom[name] = v
		}
	}
	p.UpdatedAt = s.opts.Clock()
	delete(s.db.index, oldKey[0])
	s.db.index[newKey[0]] = iid
	writeJSON(w, http.StatusOK, map[string]any{})
}

// keyType is the identifier type of an index key ("uuid", "em", or "c:<name>").
func keyType(k string) string {
	for i := 0; i < len(k); i++ {
		if k[i] == ':' && k[:i] != "c" {
			return k[:i]
		}
		if k[i] == '=' {
			return k[:i]
		}
	}
	return k
}
