package fakehubspot

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

type eventStore struct {
	mu   sync.RWMutex
	defs []EventDefinition
	evs  []Event // sorted by (OccurredAt, ID)
	seq  int
}

func newEventStore() *eventStore { return &eventStore{} }

func (e *eventStore) addDefinition(d EventDefinition, portal int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if d.FullyQualifiedName == "" {
		d.FullyQualifiedName = FQN(portal, d.Name)
	}
	if d.ID == "" {
		d.ID = strconv.Itoa(1000 + len(e.defs))
	}
	if d.Label == "" {
		d.Label = d.Name
	}
	e.defs = append(e.defs, d)
}

func cmpEvent(a, b Event) int {
	if c := a.OccurredAt.Compare(b.OccurredAt); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// AddEventDefinitions adds custom event definitions (FullyQualifiedName defaults to
// pe<PortalID>_<Name>).
func (s *Server) AddEventDefinitions(defs ...EventDefinition) {
	for _, d := range defs {
		s.events.addDefinition(d, s.opts.PortalID)
	}
}

// EventDefinitions returns the stored definitions.
func (s *Server) EventDefinitions() []EventDefinition {
	s.events.mu.RLock()
	defer s.events.mu.RUnlock()
	return slices.Clone(s.events.defs)
}

// AddEvents stores event occurrences and returns their ids. An empty ID gets a UUID-shaped id,
// an empty ObjectType "contact", a zero OccurredAt the current Clock time.
func (s *Server) AddEvents(evs ...Event) []string {
	e := s.events
	e.mu.Lock()
	defer e.mu.Unlock()
	ids := make([]string, 0, len(evs))
	for _, ev := range evs {
		e.seq++
		if ev.ID == "" {
			ev.ID = fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012x", e.seq, e.seq&0xffff, e.seq&0xfff, (e.seq>>12)&0xfff, e.seq)
		}
		if ev.ObjectType == "" {
			ev.ObjectType = "contact"
		}
		if ev.OccurredAt.IsZero() {
			ev.OccurredAt = s.now()
		}
		ev.OccurredAt = ev.OccurredAt.UTC().Truncate(time.Millisecond)
		i, _ := slices.BinarySearchFunc(e.evs, ev, cmpEvent)
		e.evs = slices.Insert(e.evs, i, ev)
		ids = append(ids, ev.ID)
	}
	return ids
}

// Events returns all stored event occurrences in occurredAt order.
func (s *Server) Events() []Event {
	s.events.mu.RLock()
	defer s.events.mu.RUnlock()
	return slices.Clone(s.events.evs)
}

func (s *Server) handleEventDefinitions(w http.ResponseWriter, r *http.Request) {
	qv := r.URL.Query()
	limit, err := intParam(qv.Get("limit"), 10, 1, 100)
	if err != nil {
		writeValidation(w, "limit: "+err.Error())
		return
	}
	after, err := intParam(qv.Get("after"), 0, 0, 1<<31)
	if err != nil {
		writeValidation(w, "after: "+err.Error())
		return
	}
	s.events.mu.RLock()
	defs := slices.Clone(s.events.defs)
	s.events.mu.RUnlock()
	type labels struct {
		Singular string `json:"singular"`
		Plural   string `json:"plural"`
	}
	type wire struct {
		ID                 string     `json:"id"`
		Name               string     `json:"name"`
		FullyQualifiedName string     `json:"fullyQualifiedName"`
		Labels             labels     `json:"labels"`
		Description        string     `json:"description"`
		ObjectTypeID       string     `json:"objectTypeId"`
		PrimaryObject      string     `json:"primaryObject"`
		TrackingType       string     `json:"trackingType"`
		Archived           bool       `json:"archived"`
		Associations       []string   `json:"associations"`
		Properties         []Property `json:"properties"`
		CreatedAt          string     `json:"createdAt"`
	}
	out := []wire{}
	for _, d := range defs[min(after, len(defs)):min(after+limit, len(defs))] {
		props := d.Properties
		if props == nil {
			props = []Property{}
		}
		out = append(out, wire{ID: d.ID, Name: d.Name, FullyQualifiedName: d.FullyQualifiedName,
			Labels: labels{d.Label, d.Label + "s"}, Description: d.Description, ObjectTypeID: "0-1",
			PrimaryObject: "CONTACT", TrackingType: "MANUAL", Archived: d.Archived, Associations: []string{},
			Properties: props, CreatedAt: d.CreatedAt.UTC().Format("2006-01-02T15:04:05.000Z")})
	}
	resp := map[string]any{"total": len(defs), "results": out}
	if next := after + limit; next < len(defs) {
		resp["paging"] = map[string]any{"next": map[string]string{"after": strconv.Itoa(next)}}
	}
	writeJSON(w, http.StatusOK, resp)
}

func intParam(v string, def, lo, hi int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("must be an integer between %d and %d, got %q", lo, hi, v)
	}
	return n, nil
}

func encodeCursor(ev Event) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(ev.OccurredAt.UnixMilli(), 10) + ":" + ev.ID))
}

func decodeCursor(c string) (Event, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return Event{}, fmt.Errorf("invalid paging cursor %q", c)
	}
	msPart, id, ok := strings.Cut(string(b), ":")
	n, err := strconv.ParseInt(msPart, 10, 64)
	if !ok || err != nil {
		return Event{}, fmt.Errorf("invalid paging cursor %q", c)
	}
	return Event{OccurredAt: time.UnixMilli(n).UTC(), ID: id}, nil
}
