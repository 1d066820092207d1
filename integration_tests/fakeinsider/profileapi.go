package fakeinsider

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// This file serves Get User Profiles, POST /api/user/v1/profile
// (https://academy.insiderone.com/docs/get-user-profiles-api; request and answers in Insider's
// Postman collection, https://developers.insiderone.com/view/metadata/2sB3dSR9bM), the documented
// way to read a profile or learn that Insider has none (Insider documents no upsert flag that
// only updates existing users):
//
//	{"identifiers":{...}} | {"insider_id":"..."},
//	 "attributes":["email","name","c_plan", ...],
//	 "events":{"start_date":unix,"end_date":unix,"wanted":[{"event_name":"x","params":["p"]}]},
//	 "quota":true}
//
// Documented: one user per request; attributes or events (or both) are required, and events
// need start_date, end_date and wanted; custom attributes are asked for with the c_ prefix; the
// answer is 200 {"attributes":{...},"events":{name:[{param:value,...,"created_date":t}]},
// "quota":{"cost","used","total"}} or 404 {"error":"no such user for these identifiers: no
// data"}; the quota is 1,000 units a minute and its cost grows with the event types asked for,
// not with the attributes.
//
// Inferred: the texts of the 400s; which profile answers when the identifiers name several (the
// highest-priority identifier that finds one); attributes the profile lacks are left out of the
// answer; "iid" is the insider id and "custom" the custom attributes unprefixed; email,
// phone_number and uuid read the identifiers; an event type with no event in the range is left
// out; the cost is 1 unit plus 0.5 per event type asked for (which gives the documented sample's
// 2.5 for three).

// profileQuery is the body of a get-profile request.
type profileQuery struct {
	Identifiers json.RawMessage `json:"identifiers"`
	InsiderID   string          `json:"insider_id"`
	Attributes  *[]string       `json:"attributes"`
	Events      *struct {
		StartDate *int64 `json:"start_date"`
		EndDate   *int64 `json:"end_date"`
		Wanted    []struct {
			Name   string   `json:"event_name"`
			Params []string `json:"params"`
		} `json:"wanted"`
	} `json:"events"`
	Quota bool `json:"quota"`
}

// profileCost is the quota a request uses.
func profileCost(q *profileQuery) float64 {
	if q.Events == nil {
		return 1
	}
	return 1 + 0.5*float64(len(q.Events.Wanted))
}

func (s *Server) handleProfile(w http.ResponseWriter, r *http.Request, req *Request) {
	var q profileQuery
	if !s.readBody(w, r, req, &q) {
		return
	}
	switch {
	case q.Attributes == nil && q.Events == nil:
		badRequest(w, "attributes or events must be defined: bad request")
		return
	case q.Events != nil && (q.Events.StartDate == nil || q.Events.EndDate == nil || len(q.Events.Wanted) == 0):
		badRequest(w, "events must have start_date, end_date and wanted: bad request")
		return
	case len(q.Identifiers) == 0 && q.InsiderID == "":
		badRequest(w, msgNoIdentifier)
		return
	}
	var ids Identifiers
	if q.InsiderID == "" {
		var ok bool
		if ids, ok = readIdentifiers(w, q.Identifiers); !ok {
			return
		}
		if ids, ok = s.identityOnly(w, ids); !ok {
			return
		}
	}
	cost := profileCost(&q)
	if s.throttle(w, EndpointProfile, cost) {
		return
	}
	req.Users = 1
	p, ok := s.profileFor(q.InsiderID, ids)
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": msgNoSuchUser})
		return
	}
	out := map[string]any{}
	if q.Attributes != nil {
		out["attributes"] = readAttributes(&p, *q.Attributes)
	}
	if q.Events != nil {
		evs := map[string][]map[string]any{}
		from, to := time.Unix(*q.Events.StartDate, 0), time.Unix(*q.Events.EndDate, 0)
		for _, want := range q.Events.Wanted {
			for _, ev := range p.Events {
				if ev.Name == want.Name && !ev.At.Before(from) && !ev.At.After(to) {
					evs[ev.Name] = append(evs[ev.Name], readEvent(ev, want.Params))
				}
			}
		}
		out["events"] = evs
	}
	if q.Quota {
		_, used, _ := s.budgets.take(EndpointProfile, 0, s.opts.Clock())
		total := 1000
		if l, ok := s.opts.RateLimits[EndpointProfile]; ok {
			total = l
		}
		out["quota"] = map[string]any{"cost": cost, "used": used, "total": total}
	}
	writeJSON(w, http.StatusOK, out)
}

// profileFor finds the profile of a get-profile request.
func (s *Server) profileFor(iid string, ids Identifiers) (Profile, bool) {
	s.db.mu.RLock()
	defer s.db.mu.RUnlock()
	if iid == "" {
		var ok bool
		if iid, ok = s.db.lookup(ids, s.account.prio); !ok {
			return Profile{}, false
		}
	}
	p, ok := s.db.byID[iid]
	if !ok {
		return Profile{}, false
	}
	return cloneProfile(p), true
}

// readAttributes answers the attributes asked for that the profile has.
func readAttributes(p *Profile, names []string) map[string]any {
	out := map[string]any{}
	custom, _ := p.Attributes["custom"].(map[string]any)
	for _, n := range names {
		var v any
		switch {
		case n == "iid":
			v = p.InsiderID
		case n == TypeEmail || n == TypePhone || n == TypeUUID:
			if id := p.Identifiers.Get(n); id != "" {
				v = id
			} else {
				v = p.Attributes[n]
			}
		case n == "custom":
			if len(custom) > 0 {
				v = custom
			}
		case strings.HasPrefix(n, "c_"):
			v = custom[strings.TrimPrefix(n, "c_")]
		default:
			v = p.Attributes[n]
		}
		if v != nil {
			out[n] = v
		}
	}
	return out
}

// readEvent answers one event with the params asked for and its time as created_date.
func readEvent(ev Event, params []string) map[string]any {
	out := map[string]any{"created_date": ev.At.UTC().Format(time.RFC3339)}
	custom, _ := ev.Params["custom"].(map[string]any)
	for _, n := range params {
		if v, ok := ev.Params[n]; ok && n != "custom" {
			out[n] = v
		} else if v, ok := custom[n]; ok {
			out[n] = v
		}
	}
	return out
}
