package fakehubspot

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Endpoints of the Lists API. They count against the general (ten-secondly and daily) limits:
// the Lists API is not the CRM search API that has its own per-second limit.
const (
	EndpointListsSearch      Endpoint = "lists_search"
	EndpointListsGet         Endpoint = "lists_get"
	EndpointListsMemberships Endpoint = "lists_memberships"
	EndpointListsJoinOrder   Endpoint = "lists_join_order"
)

var listsEndpoints = []Endpoint{EndpointListsSearch, EndpointListsGet, EndpointListsMemberships, EndpointListsJoinOrder}

// Limits of the Lists API reads (https://developers.hubspot.com/docs/api-reference/2026-03/crm/lists/search/search-lists
// and the memberships pages of the same reference): search count defaults to 20, at most 500;
// memberships limit defaults to 100, at most 250.
const (
	listSearchDefault     = 20
	listSearchMax         = 500
	membershipsDefault    = 100
	membershipsMax        = 250
	listReferenceCountVal = "0"
)

// listRoutes registers the Lists API on its dated paths and its legacy /crm/v3/lists paths.
func (s *Server) listRoutes(mux *http.ServeMux) {
	for _, rt := range []struct {
		method, dated, legacy string
		ep                    Endpoint
		fn                    http.HandlerFunc
	}{
		{"POST", "/crm/lists/{version}/search", "/crm/v3/lists/search", EndpointListsSearch, s.handleListSearch},
		{"GET", "/crm/lists/{version}/{listId}", "/crm/v3/lists/{listId}", EndpointListsGet, s.handleListGet},
		{"GET", "/crm/lists/{version}/{listId}/memberships", "/crm/v3/lists/{listId}/memberships", EndpointListsMemberships, s.handleMemberships},
		{"GET", "/crm/lists/{version}/{listId}/memberships/join-order", "/crm/v3/lists/{listId}/memberships/join-order", EndpointListsJoinOrder, s.handleMemberships},
	} {
		mux.Handle(rt.method+" "+rt.dated, s.wrap(rt.ep, false, s.versioned(rt.fn)))
		mux.Handle(rt.method+" "+rt.legacy, s.wrap(rt.ep, true, rt.fn))
	}
}

type listSearchRequest struct {
	Query                string       `json:"query"`
	ProcessingTypes      []string     `json:"processingTypes"`
	ListIDs              []flexString `json:"listIds"`
	Offset               *int         `json:"offset"`
	Count                *int         `json:"count"`
	AdditionalProperties []string     `json:"additionalProperties"`
	ObjectTypeID         string       `json:"objectTypeId"`
	Sort                 string       `json:"sort"`
}

// handleListSearch serves POST /crm/lists/<v>/search. Deleted lists are left out (a HubSpot user
// observed it, https://github.com/HubSpot/hubspot-api-php/issues/486). Guessed: the order (list
// id ascending; "sort" is accepted and ignored, its format being undocumented), query as a
// case-insensitive substring of the name, count 0 taken as the default, and 400
// VALIDATION_ERROR for a count over 500, a negative offset or an unknown processing type (HubSpot
// may clamp instead).
func (s *Server) handleListSearch(w http.ResponseWriter, r *http.Request) {
	var req listSearchRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeValidation(w, "Invalid input JSON: "+err.Error())
		return
	}
	offset, count := 0, listSearchDefault
	if req.Offset != nil {
		offset = *req.Offset
	}
	if req.Count != nil && *req.Count != 0 {
		count = *req.Count
	}
	if offset < 0 || count < 0 || count > listSearchMax {
		writeValidation(w, fmt.Sprintf("offset must be 0 or more and count between 1 and %d, got offset %d and count %d", listSearchMax, offset, count))
		return
	}
	for _, pt := range req.ProcessingTypes {
		if pt != ListManual && pt != ListDynamic && pt != ListSnapshot {
			writeValidation(w, fmt.Sprintf("processingTypes: %q is not one of MANUAL, DYNAMIC, SNAPSHOT", pt))
			return
		}
	}
	ls := s.lists
	ls.mu.Lock()
	defer ls.mu.Unlock()
	s.refreshLists()
	var match []*contactList
	for _, l := range ls.lists {
		switch {
		case l.deleted != 0,
			req.ObjectTypeID != "" && l.objType != req.ObjectTypeID,
			len(req.ProcessingTypes) > 0 && !slices.Contains(req.ProcessingTypes, l.ptype),
			len(req.ListIDs) > 0 && !slices.Contains(req.ListIDs, flexString(strconv.FormatInt(l.id, 10))),
			req.Query != "" && !strings.Contains(strings.ToLower(l.name), strings.ToLower(req.Query)):
			continue
		}
		match = append(match, l)
	}
	slices.SortFunc(match, func(a, b *contactList) int { return cmp.Compare(a.id, b.id) })
	page := match[min(offset, len(match)):min(offset+count, len(match))]
	out := struct {
		Lists   []listJSON `json:"lists"`
		HasMore bool       `json:"hasMore"`
		Offset  int        `json:"offset"`
		Total   int        `json:"total"`
	}{Lists: make([]listJSON, 0, len(page)), HasMore: offset+len(page) < len(match), Offset: offset + len(page), Total: len(match)}
	for _, l := range page {
		j := l.json()
		j.AdditionalProperties = l.additional(req.AdditionalProperties)
		out.Lists = append(out.Lists, j)
	}
	writeJSON(w, http.StatusOK, out)
}

// handleListGet serves GET /crm/lists/<v>/{listId}[?includeFilters=true] -> {"list": {...}}. A
// deleted list is answered with deletedAt set until purged (observed, see DeleteList).
func (s *Server) handleListGet(w http.ResponseWriter, r *http.Request) {
	ls := s.lists
	ls.mu.Lock()
	defer ls.mu.Unlock()
	s.refreshLists()
	l, err := s.findList(r.PathValue("listId"))
	if err != nil {
		writeListNotFound(w, r.PathValue("listId"))
		return
	}
	j := l.json()
	j.ListPermissions = &listPermissions{Teams: []string{}, Users: []string{}}
	j.MembershipSettings = &membershipSettings{}
	if r.URL.Query().Get("includeFilters") == "true" && len(l.filter) > 0 {
		j.FilterBranch = filterBranch(l.filter)
	}
	writeJSON(w, http.StatusOK, map[string]listJSON{"list": j})
}

// writeListNotFound answers 404 OBJECT_NOT_FOUND for a list. The message is the fake's guess.
func writeListNotFound(w http.ResponseWriter, id string) {
	writeError(w, http.StatusNotFound, "OBJECT_NOT_FOUND", "List does not exist with ID "+id+".")
}
