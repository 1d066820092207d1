package fakehubspot

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Page-size maxima of the read endpoints (https://developers.hubspot.com/docs/api/crm/contacts and
// https://developers.hubspot.com/docs/reference/api/analytics-and-events/event-analytics).
const (
	maxListLimit  = 100
	maxBatchRead  = 100
	maxEventLimit = 100
)

func (s *Server) handleProperties(w http.ResponseWriter, r *http.Request) {
	s.propsMu.RLock()
	props := s.props
	s.propsMu.RUnlock()
	type wire struct {
		Property
		CreatedAt string `json:"createdAt"`
		UpdatedAt string `json:"updatedAt"`
	}
	out := make([]wire, 0, len(props))
	for _, p := range props {
		if p.Archived != (r.URL.Query().Get("archived") == "true") {
			continue
		}
		if p.Options == nil {
			p.Options = []PropertyOption{}
		}
		out = append(out, wire{Property: p, CreatedAt: "2019-08-06T02:41:08.029Z", UpdatedAt: "2024-05-02T10:12:11.455Z"})
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": out}) // no paging, as HubSpot
}

// handleList serves GET /crm/objects/<v>/contacts: id order, `after` is the next id to return.
// archived=true returns only archived contacts, as HubSpot does.
func (s *Server) handleList(w http.ResponseWriter, r *http.Request) {
	qv := r.URL.Query()
	limit := 10
	if v := qv.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxListLimit {
			writeValidation(w, fmt.Sprintf("limit must be an integer between 1 and %d, got %q", maxListLimit, v))
			return
		}
		limit = n
	}
	var after int64
	if v := qv.Get("after"); v != "" {
		if s.opts.OpaqueListCursor {
			v = decodeOpaque(v)
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			writeValidation(w, fmt.Sprintf("after %q is not a valid paging cursor", v))
			return
		}
		after = n
	}
	archived := qv.Get("archived") == "true"
	hist := historyParams(qv)
	if len(hist) > 0 {
		limit = min(limit, maxHistoryInputs) // history.go
	}
	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	i, _ := slices.BinarySearch(st.ids, after)
	var page []int32
	for ; i < len(st.ids) && len(page) < limit; i++ {
		if st.arch[i] == archived {
			page = append(page, int32(i))
		}
	}
	more := false
	for ; i < len(st.ids); i++ {
		if st.arch[i] == archived {
			more = true
			break
		}
	}
	if code, bad := s.pageFault(page); bad {
		writeServerError(w, code)
		return
	}
	props := s.resolveProps(propertyParams(qv))
	b := []byte(`{"results":[`)
	for k, p := range page {
		if k > 0 {
			b = append(b, ',')
		}
		b = s.appendWithHistory(b, int(p), props, hist)
	}
	b = append(b, ']')
	if more {
		n := strconv.FormatInt(st.ids[page[len(page)-1]]+1, 10)
		if s.opts.OpaqueListCursor {
			n = encodeOpaque(n)
		}
		b = append(b, `,"paging":{"next":{"after":"`+n+`","link":"http://`+r.Host+r.URL.Path+`?after=`+n+`"}}`...)
	}
	b = append(b, '}')
	writeRaw(w, http.StatusOK, b)
}

// propertyParams reads properties=a,b and repeated properties=a&properties=b (both accepted).
func propertyParams(qv url.Values) []string {
	var out []string
	for _, v := range qv["properties"] {
		out = append(out, splitList(v)...)
	}
	return out
}

// lookup finds a contact by record id or by a unique property (email). Caller holds store.mu.
func (s *Server) lookup(key, idProperty string, archived bool) (int, bool) {
	st := s.store
	var id int64
	switch idProperty {
	case "", PropObjectID, "id":
		n, err := strconv.ParseInt(key, 10, 64)
		if err != nil {
			return 0, false
		}
		id = n
	case "email":
		n, ok := st.byEmail[strings.ToLower(key)]
		if !ok {
			return 0, false
		}
		id = n
	default:
		for i := range st.ids {
			if v, ok := st.value(i, idProperty); ok && v == key && st.arch[i] == archived {
				return i, true
			}
		}
		return 0, false
	}
	i, ok := st.pos(id)
	if !ok && !archived {
		i, ok = st.pos(st.resolveMerged(id)) // a merged-away id resolves to the merged contact
	}
	if !ok || st.arch[i] != archived {
		return 0, false
	}
	return i, true
}

func (s *Server) handleGet(w http.ResponseWriter, r *http.Request) {
	qv := r.URL.Query()
	key := r.PathValue("id")
	idProp := qv.Get("idProperty")
	if idProp != "" && idProp != "email" && idProp != PropObjectID {
		if t, _ := s.propertyType(idProp); t == "" {
			writeValidation(w, fmt.Sprintf("Property %q does not exist or is not a unique identifier property", idProp))
			return
		}
	}
	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	i, ok := s.lookup(key, idProp, qv.Get("archived") == "true")
	if !ok {
		// HubSpot answers 404 with category OBJECT_NOT_FOUND (seen in public test fixtures; the message varies).
		writeJSON(w, http.StatusNotFound, errorBody{Status: "error",
			Message: "Object not found.  objectId are usually numeric.", CorrelationID: newCorrelationID(),
			Category: "OBJECT_NOT_FOUND", Context: map[string][]string{"id": {key}}})
		return
	}
	if code, bad := s.faults.contactFault(st.ids[i]); bad {
		writeServerError(w, code)
		return
	}
	writeRaw(w, http.StatusOK, s.appendWithHistory(nil, i, s.resolveProps(propertyParams(qv)), historyParams(qv)))
}

type batchReadRequest struct {
	Properties            []string `json:"properties"`
	PropertiesWithHistory []string `json:"propertiesWithHistory"` // history.go
	IDProperty            string   `json:"idProperty"`
	Inputs                []struct {
		ID flexString `json:"id"`
	} `json:"inputs"`
}

// handleBatchRead serves POST /crm/objects/<v>/contacts/batch/read: 200 when every input is
// found, 207 with errors and numErrors when some are not (HubSpot's batch read reference). With the query
// archived=true it reads archived contacts only, as HubSpot documents the parameter; an id merged
// away then resolves to nothing (guessed: whether HubSpot follows merges into the archive is not
// documented).
func (s *Server) handleBatchRead(w http.ResponseWriter, r *http.Request) {
	var req batchReadRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeValidation(w, "Invalid input JSON: "+err.Error())
		return
	}
	if len(req.Inputs) > maxBatchRead {
		writeValidation(w, fmt.Sprintf("Batch input must contain at most %d inputs, got %d", maxBatchRead, len(req.Inputs)))
		return
	}
	if len(req.PropertiesWithHistory) > 0 && len(req.Inputs) > maxHistoryInputs {
		writeValidation(w, historyLimitError())
		return
	}
	archived := r.URL.Query().Get("archived") == "true"
	started := s.now()
	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	var found []int32
	var missing []string
	seen := map[int]bool{}
	for _, in := range req.Inputs {
		i, ok := s.lookup(string(in.ID), req.IDProperty, archived)
		switch {
		case !ok:
			missing = append(missing, string(in.ID))
		case !seen[i]:
			seen[i] = true
			found = append(found, int32(i))
		}
	}
	if code, bad := s.pageFault(found); bad {
		writeServerError(w, code)
		return
	}
	props := s.resolveProps(req.Properties)
	b := []byte(`{"status":"COMPLETE","results":[`)
	for k, i := range found {
		if k > 0 {
			b = append(b, ',')
		}
		b = s.appendWithHistory(b, int(i), props, req.PropertiesWithHistory)
	}
	b = append(b, ']')
	status := http.StatusOK
	if len(missing) > 0 {
		status = http.StatusMultiStatus
		errs, _ := json.Marshal([]map[string]any{{
			"status":   "error",
			"category": "OBJECT_NOT_FOUND",
			"message":  "Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.",
			"context":  map[string][]string{"ids": missing},
		}})
		b = append(b, `,"numErrors":1,"errors":`...)
		b = append(b, errs...)
	}
	b = append(b, `,"startedAt":`...)
	b = appendTime(b, started.UnixMilli())
	b = append(b, `,"completedAt":`...)
	b = appendTime(b, s.now().UnixMilli())
	b = append(b, '}')
	writeRaw(w, status, b)
}

// encodeOpaque and decodeOpaque are the OpaqueListCursor tokens; a token that is not one decodes
// to "" (a 400 answer).
func encodeOpaque(next string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("id:" + next))
}

func decodeOpaque(tok string) string {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || !strings.HasPrefix(string(b), "id:") {
		return ""
	}
	return strings.TrimPrefix(string(b), "id:")
}
