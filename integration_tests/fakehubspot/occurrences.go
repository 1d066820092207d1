package fakehubspot

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

type eventWire struct {
	ID         string            `json:"id"`
	EventType  string            `json:"eventType"`
	OccurredAt string            `json:"occurredAt"`
	ObjectType string            `json:"objectType"`
	ObjectID   string            `json:"objectId"`
	Properties map[string]string `json:"properties"`
}

// handleEvents serves GET /events/event-occurrences/<v> (research §6.2): filters eventType, objectType,
// objectId (needs objectType), occurredAfter / occurredBefore (ISO 8601 or epoch ms, both
// exclusive; HubSpot does not document inclusiveness), sort occurredAt | -occurredAt |
// DESCENDING, limit (default 20, at most 100: HubSpot documents no maximum, the project contract
// uses 100, and the fake rejects more so a client that asks for more is caught), after = an
// opaque cursor from paging.next.after. No total, as HubSpot.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	qv := r.URL.Query()
	limit, err := intParam(qv.Get("limit"), 20, 1, maxEventLimit)
	if err != nil {
		writeValidation(w, "limit: "+err.Error())
		return
	}
	eventType, objectType, objectID := qv.Get("eventType"), qv.Get("objectType"), qv.Get("objectId")
	if objectID != "" && objectType == "" {
		writeValidation(w, "objectType is required when objectId is given")
		return
	}
	var oid int64
	if objectID != "" {
		if oid, err = strconv.ParseInt(objectID, 10, 64); err != nil {
			writeValidation(w, "objectId must be an integer, got "+strconv.Quote(objectID))
			return
		}
	}
	lo, hi := int64(-1<<63), int64(1<<63-1)
	if v := qv.Get("occurredAfter"); v != "" {
		if lo, err = parseTime(v); err != nil {
			writeValidation(w, "occurredAfter: "+err.Error())
			return
		}
		lo++
	}
	if v := qv.Get("occurredBefore"); v != "" {
		if hi, err = parseTime(v); err != nil {
			writeValidation(w, "occurredBefore: "+err.Error())
			return
		}
		hi--
	}
	desc := false
	switch qv.Get("sort") {
	case "", "occurredAt", "ASCENDING":
	case "-occurredAt", "DESCENDING":
		desc = true
	default:
		writeValidation(w, "sort must be occurredAt or -occurredAt, got "+strconv.Quote(qv.Get("sort")))
		return
	}
	s.events.mu.RLock()
	evs := s.events.evs
	if desc {
		evs = slices.Clone(evs)
		slices.Reverse(evs)
	}
	start := 0
	if c := qv.Get("after"); c != "" {
		cur, err := decodeCursor(c)
		if err != nil {
			s.events.mu.RUnlock()
			writeValidation(w, err.Error())
			return
		}
		for start < len(evs) && ((!desc && cmpEvent(evs[start], cur) <= 0) || (desc && cmpEvent(evs[start], cur) >= 0)) {
			start++
		}
	}
	var page []Event
	more := false
	for i := start; i < len(evs); i++ {
		ev := evs[i]
		t := ev.OccurredAt.UnixMilli()
		if t < lo || t > hi || (eventType != "" && ev.EventType != eventType) ||
			(objectType != "" && !sameObjectType(objectType, ev.ObjectType)) || (objectID != "" && ev.ObjectID != oid) {
			continue
		}
		if len(page) == limit {
			more = true
			break
		}
		page = append(page, ev)
	}
	s.events.mu.RUnlock()
	ids := make([]int64, len(page))
	for i, ev := range page {
		ids[i] = ev.ObjectID
	}
	if code, bad := s.faults.contactFault(ids...); bad {
		writeServerError(w, code)
		return
	}
	results := make([]eventWire, 0, len(page))
	for _, ev := range page {
		p := ev.Properties
		if p == nil {
			p = map[string]string{}
		}
		results = append(results, eventWire{ID: ev.ID, EventType: ev.EventType,
			OccurredAt: ev.OccurredAt.UTC().Format("2006-01-02T15:04:05.000Z"), ObjectType: ev.ObjectType,
			ObjectID: strconv.FormatInt(ev.ObjectID, 10), Properties: p})
	}
	resp := map[string]any{"results": results}
	if more {
		resp["paging"] = map[string]any{"next": map[string]string{"after": encodeCursor(page[len(page)-1])}}
	}
	writeJSON(w, http.StatusOK, resp)
}

func sameObjectType(query, stored string) bool {
	norm := func(v string) string {
		v = strings.ToLower(v)
		if v == "0-1" || v == "contacts" {
			return "contact"
		}
		return v
	}
	return norm(query) == norm(stored)
}
