package source

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"time"
)

func (f *fakeHubSpot) batchRead(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Properties []string `json:"properties"`
		IDProperty string   `json:"idProperty"`
		Inputs     []struct {
			ID string `json:"id"`
		} `json:"inputs"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Inputs) > 100 {
		hubErr(w, 400, "VALIDATION_ERROR", "bad batch")
		return
	}
	f.mu.Lock()
	b := []byte(`{"status":"COMPLETE","results":[`)
	missing := 0
	n := 0
	for _, in := range req.Inputs {
		c := f.find(in.ID, req.IDProperty)
		if c == nil {
			missing++
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = appendContact(b, c, req.Properties)
	}
	f.mu.Unlock()
	b = append(b, `]`...)
	status := 200
	if missing > 0 {
		status = 207
		b = append(b, `,"numErrors":`+strconv.Itoa(missing)+`,"errors":[{"status":"error","category":"OBJECT_NOT_FOUND","message":"not found"}]`...)
	}
	b = append(b, '}')
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func (f *fakeHubSpot) eventDefs(w http.ResponseWriter, _ *http.Request) {
	if f.eventsDenied {
		hubErr(w, 403, "MISSING_SCOPES", "This app hasn't been granted all required scopes to make this call.")
		return
	}
	writeJSON(w, 200, map[string]any{"results": f.defs})
}

func (f *fakeHubSpot) eventList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit < 1 || limit > 100 || q.Get("objectType") != "contact" {
		hubErr(w, 400, "VALIDATION_ERROR", "bad events query")
		return
	}
	parse := func(k string) (time.Time, bool) {
		v := q.Get(k)
		if v == "" {
			return time.Time{}, false
		}
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			f.t.Errorf("%s=%q: %v", k, v, err)
		}
		return t, true
	}
	lo, hasLo := parse("occurredAfter")
	hi, hasHi := parse("occurredBefore")
	off := 0
	if a := q.Get("after"); a != "" {
		// The cursor is opaque base64, as HubSpot's (which encodes its own position).
		raw, err := base64.RawURLEncoding.DecodeString(a)
		if _, serr := fmt.Sscanf(string(raw), "fake|%d|", &off); err != nil || serr != nil {
			hubErr(w, 400, "VALIDATION_ERROR", "bad after cursor")
			return
		}
	}
	f.mu.Lock()
	var match []fakeEvent
	for _, e := range f.events {
		if e.typ == q.Get("eventType") && (!hasLo || !e.occurred.Before(lo)) && (!hasHi || !e.occurred.After(hi)) {
			match = append(match, e)
		}
	}
	f.mu.Unlock()
	sort.SliceStable(match, func(i, j int) bool { return match[i].occurred.Before(match[j].occurred) })
	var res []map[string]any
	for i := off; i < min(off+limit, len(match)); i++ {
		e := match[i]
		res = append(res, map[string]any{"id": e.id, "eventType": e.typ, "occurredAt": e.occurred.UTC().Format(timeLayout),
			"objectType": "CONTACT", "objectId": strconv.FormatInt(e.objectID, 10), "properties": e.props})
	}
	body := map[string]any{"results": res}
	if off+limit < len(match) {
		next := base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("fake|%d|0-1", off+limit)))
		body["paging"] = map[string]any{"next": map[string]string{"after": next}}
	}
	writeJSON(w, 200, body)
}

// drainBody is for failure hooks that answer before the handler read the body.
func drainBody(r *http.Request) { _, _ = io.Copy(io.Discard, r.Body) }
