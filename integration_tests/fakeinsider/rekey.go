package fakeinsider

import (
	"encoding/json"
	"net/http"
)

// handleIdentity serves PATCH /api/user/v1/identity {"old_identifier":{t:v},
// "new_identifier":{t:w}} (https://academy.insiderone.com/docs/update-identifiers-api): the
// profile holding v gets w in its place. Checked in this order:
//   - old and new must each hold exactly one identifier, of the same type: else 400 "there must be
//     exactly 1 entry for both new and old identifiers: bad request" (documented);
//   - v = w: 400 "identifier values are the same: bad request" (documented);
//   - the type must be enabled in Identity Resolution (Options.IdentityIdentifiers): else 400 "no
//     valid identifier: bad request" (documented on the current page; the text from a
//     third-party copy of Insider's status-code page);
//   - no profile holds v: 404 "no such user for these identifiers: no data" [inferred: the answer
//     is not documented; the text is Insider's for an unknown user elsewhere];
//   - another profile holds w: 400 "new identifier already has a user assigned to it: bad
//     request" (third-party copy of the status-code page);
//   - else 200 {} (documented sample answer).
//
// The order of the checks and the answer to a malformed value are guesses.
func (s *Server) handleIdentity(w http.ResponseWriter, r *http.Request, req *Request) {
	var body struct {
		Old json.RawMessage `json:"old_identifier"`
		New json.RawMessage `json:"new_identifier"`
	}
	if !s.readBody(w, r, req, &body) {
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
	o, n := old.List(), nw.List()
	switch {
	case len(o) != 1 || len(n) != 1 || o[0].Type != n[0].Type:
		badRequest(w, msgOneEntry)
		return
	case o[0].Value == n[0].Value:
		badRequest(w, msgSameValues)
		return
	case !s.account.isIdentity(o[0].Type):
		badRequest(w, msgNoValid)
		return
	}
	req.Users = 1
	typ, from, to := o[0].Type, o[0].Value, n[0].Value
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	iid, found := s.db.index[idKey(typ, from)]
	if !found {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": msgNoSuchUser})
		return
	}
	if other, taken := s.db.index[idKey(typ, to)]; taken && other != iid {
		badRequest(w, msgNewHasUser)
		return
	}
	p := s.db.byID[iid]
	p.Identifiers.set(typ, to)
	p.UpdatedAt = s.opts.Clock()
	delete(s.db.index, idKey(typ, from))
	s.db.index[idKey(typ, to)] = iid
	writeJSON(w, http.StatusOK, map[string]any{})
}

// handleDeleteIdentity serves DELETE /api/user/v1/identity {"identifiers":{t:v}}
// (https://academy.insiderone.com/docs/api-reference-delete-identifiers): the identifier is
// removed from the profile holding it. Documented: one identifier per request, and 400 "you
// cannot delete the sole identifier specified for a user: bad request" when it is the
// profile's only one. Guessed: 400 "there must be exactly 1 entry in identifiers: bad request"
// for more than one, 400 "no valid identifier" for a type outside identity resolution, 404 "no
// such user" when no profile holds it, and 200 {} on success (the sample answer is empty).
func (s *Server) handleDeleteIdentity(w http.ResponseWriter, r *http.Request, req *Request) {
	var body struct {
		Identifiers json.RawMessage `json:"identifiers"`
	}
	if !s.readBody(w, r, req, &body) {
		return
	}
	ids, ok := readIdentifiers(w, body.Identifiers)
	if !ok {
		return
	}
	list := ids.List()
	if len(list) != 1 {
		badRequest(w, msgOneIdentifierDL)
		return
	}
	if !s.account.isIdentity(list[0].Type) {
		badRequest(w, msgNoValid)
		return
	}
	req.Users = 1
	id := list[0]
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	iid, found := s.db.index[idKey(id.Type, id.Value)]
	if !found {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": msgNoSuchUser})
		return
	}
	p := s.db.byID[iid]
	if len(p.Identifiers.List()) == 1 {
		badRequest(w, msgSoleIdentifier)
		return
	}
	p.Identifiers.set(id.Type, "")
	p.UpdatedAt = s.opts.Clock()
	delete(s.db.index, idKey(id.Type, id.Value))
	writeJSON(w, http.StatusOK, map[string]any{})
}
