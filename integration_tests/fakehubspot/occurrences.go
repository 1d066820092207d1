package fakehubspot

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
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

// handleEvents serves GET /events/event-occurrences/<v>
// (https://developers.hubspot.com/docs/reference/api/analytics-and-events/event-analytics): filters
// eventType, objectType, objectId (needs objectType), occurredAfter / occurredBefore (ISO 8601 or
// epoch ms, both exclusive; HubSpot does not document inclusiveness), sort occurredAt | -occurredAt |
// DESCENDING, limit (default 20, at most 100: HubSpot documents no maximum, the project contract
// uses 100, and the fake rejects more so a client that asks for more is caught), after = an
// opaque cursor from paging.next.after. No total, as HubSpot.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	q, err := parseEventsQuery(r.URL.Query())
	if err != nil {
		writeValidation(w, err.Error())
		return
	}
	page, more, err := s.eventsPage(q)
	if err != nil {
		writeValidation(w, err.Error())
		return
	}
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

// eventsQuery is a request for event occurrences: its filters, with lo and hi the inclusive
// bounds of occurredAt in epoch milliseconds.
type eventsQuery struct {
	limit                           int
	eventType, objectType, objectID string
	oid, lo, hi                     int64
	desc                            bool
	after                           string
}

// parseEventsQuery reads the query string of an event occurrences request; its error is the
// message of the 400 answer.
func parseEventsQuery(qv url.Values) (eventsQuery, error) {
	q := eventsQuery{lo: -1 << 63, hi: 1<<63 - 1, after: qv.Get("after"),
		eventType: qv.Get("eventType"), objectType: qv.Get("objectType"), objectID: qv.Get("objectId")}
	var err error
	if q.limit, err = intParam(qv.Get("limit"), 20, 1, maxEventLimit); err != nil {
		return q, fmt.Errorf("limit: %w", err)
	}
	if q.objectID != "" && q.objectType == "" {
		return q, errors.New("objectType is required when objectId is given")
	}
	if q.objectID != "" {
		if q.oid, err = strconv.ParseInt(q.objectID, 10, 64); err != nil {
			return q, errors.New("objectId must be an integer, got " + strconv.Quote(q.objectID))
		}
	}
	if v := qv.Get("occurredAfter"); v != "" {
		if q.lo, err = parseTime(v); err != nil {
			return q, fmt.Errorf("occurredAfter: %w", err)
		}
		q.lo++
	}
	if v := qv.Get("occurredBefore"); v != "" {
		if q.hi, err = parseTime(v); err != nil {
			return q, fmt.Errorf("occurredBefore: %w", err)
		}
		q.hi--
	}
	switch qv.Get("sort") {
	case "", "occurredAt", "ASCENDING":
	case "-occurredAt", "DESCENDING":
		q.desc = true
	default:
		return q, errors.New("sort must be occurredAt or -occurredAt, got " + strconv.Quote(qv.Get("sort")))
	}
	return q, nil
}

// matches reports whether ev meets the query's filters.
func (q *eventsQuery) matches(ev Event) bool {
	t := ev.OccurredAt.UnixMilli()
	return t >= q.lo && t <= q.hi && (q.eventType == "" || ev.EventType == q.eventType) &&
		(q.objectType == "" || sameObjectType(q.objectType, ev.ObjectType)) && (q.objectID == "" || ev.ObjectID == q.oid)
}

// eventsPage returns the occurrences of q's page and whether more follow; its error (a bad
// cursor) is the message of the 400 answer.
func (s *Server) eventsPage(q eventsQuery) (page []Event, more bool, err error) {
	s.events.mu.RLock()
	defer s.events.mu.RUnlock()
	evs := s.events.evs
	if q.desc {
		evs = slices.Clone(evs)
		slices.Reverse(evs)
	}
	start := 0
	if q.after != "" {
		cur, err := decodeCursor(q.after)
		if err != nil {
			return nil, false, err
		}
		for start < len(evs) && ((!q.desc && cmpEvent(evs[start], cur) <= 0) || (q.desc && cmpEvent(evs[start], cur) >= 0)) {
			start++
		}
	}
	for _, ev := range evs[start:] {
		if !q.matches(ev) {
			continue
		}
		if len(page) == q.limit {
			return page, true, nil
		}
		page = append(page, ev)
	}
	return page, false, nil
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
