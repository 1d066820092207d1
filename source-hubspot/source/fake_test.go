package source

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// fakeContact is one contact of the fake HubSpot.
type fakeContact struct {
	id      int64
	created time.Time
	lastmod time.Time
	props   map[string]string // values as HubSpot sends them (strings); missing means null
	// archivedAt is set for archived contacts (fakeHubSpot.archived).
	archivedAt time.Time
}

type fakeEvent struct {
	id       string
	typ      string
	occurred time.Time
	objectID int64
	props    map[string]string
}

// fakeHubSpot behaves like the parts of HubSpot the source uses: OAuth refresh, properties,
// search (sorting, filters, offset paging and the 10,000 cap), list, get, batch read, event
// definitions and occurrences, on the date-based paths of the versions in versions and on the
// legacy v1/v3 paths; a legacy call fails the test. Its clock is the test's clock.
type fakeHubSpot struct {
	t   testing.TB
	srv *httptest.Server
	clk *fakeClock

	mu           sync.Mutex
	contacts     []fakeContact // sorted by id
	archived     []fakeContact // archived contacts, sorted by id: only list?archived=true shows them
	props        []hubspot.Property
	defs         []hubspot.EventDefinition
	events       []fakeEvent
	eventsDenied bool
	indexLag     time.Duration // search does not see a change until this long after it

	static      string        // a valid static token
	refresh     string        // the valid refresh token
	tokenLife   time.Duration // lifetime of issued access tokens
	tokenUses   int           // if > 0, an access token is refused after this many uses
	tokens      map[string]*fakeToken
	issued      int
	tickPerCall time.Duration // the clock advances this much per API call

	// before, when set, may answer a request itself (failure injection); n counts calls per path.
	before func(w http.ResponseWriter, r *http.Request, n int) bool
	calls  map[string]int

	descSearches int // searches sorted by descending id (the concurrent reader's range split)

	versions map[string]bool // date-based API versions served
	legacy   int             // calls to a v1-v4 path, which HubSpot stops serving in 2027
}

// Paths of the default API version, as the tests count calls.
const (
	pathSearch    = "/crm/objects/2026-09/contacts/search"
	pathList      = "/crm/objects/2026-09/contacts"
	pathBatchRead = "/crm/objects/2026-09/contacts/batch/read"
	pathEvents    = "/events/event-occurrences/2026-09"
	pathToken     = hubspot.TokenPath
)

type fakeToken struct {
	expires time.Time
	uses    int
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *fakeClock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func newFake(t testing.TB, clk *fakeClock) *fakeHubSpot {
	f := &fakeHubSpot{t: t, clk: clk, static: "pat-static", refresh: "refresh-good",
		tokenLife: 30 * time.Minute, tokens: map[string]*fakeToken{}, calls: map[string]int{},
		versions: map[string]bool{"2026-03": true, "2026-09": true, "2027-03-beta": true}}
	f.props = []hubspot.Property{
		{Name: "email", Label: "Email", Type: "string"},
		{Name: "firstname", Label: "First Name", Type: "string"},
		{Name: "lastmodifieddate", Label: "Last Modified Date", Type: "datetime"},
		{Name: "createdate", Label: "Create Date", Type: "datetime"},
		{Name: "hs_object_id", Label: "Record ID", Type: "number"},
		{Name: "hs_email_domain", Label: "Email Domain", Type: "string"},
		{Name: "hs_internal_thing", Label: "Internal", Type: "string"},
		{Name: "num_employees", Label: "Employees", Type: "number"},
		{Name: "is_vip", Label: "VIP", Type: "bool"},
		{Name: "birthday", Label: "Birthday", Type: "date"},
		{Name: "lifecyclestage", Label: "Lifecycle Stage", Type: "enumeration"},
		{Name: "phone", Label: "Phone", Type: "string"},
	}
	mux := http.NewServeMux()
	// The date-based paths, for the versions in f.versions; a version it does not serve gets
	// the catch-all 404, whose body looks like a missing object's.
	dated := func(pattern string, h http.HandlerFunc) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			f.mu.Lock()
			ok := f.versions[r.PathValue("version")]
			f.mu.Unlock()
			if !ok {
				hubErr(w, 404, "OBJECT_NOT_FOUND", "Unable to find a resource for "+r.URL.Path)
				return
			}
			h(w, r)
		})
	}
	mux.HandleFunc("POST "+hubspot.TokenPath, f.token)
	dated("GET /crm/properties/{version}/contacts", f.auth(f.properties))
	dated("POST /crm/objects/{version}/contacts/search", f.auth(f.search))
	dated("GET /crm/objects/{version}/contacts", f.auth(f.list))
	dated("GET /crm/objects/{version}/contacts/{id}", f.auth(f.get))
	dated("POST /crm/objects/{version}/contacts/batch/read", f.auth(f.batchRead))
	dated("GET /events/custom/{version}/event-definitions", f.auth(f.eventDefs))
	dated("GET /events/event-occurrences/{version}", f.auth(f.eventList))
	// The legacy paths still answer (as HubSpot's do until 2027), and are counted.
	legacy := func(pattern string, h http.HandlerFunc) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			f.mu.Lock()
			f.legacy++
			f.mu.Unlock()
			h(w, r)
		})
	}
	legacy("POST /oauth/v1/token", f.token)
	legacy("GET /crm/v3/properties/contacts", f.auth(f.properties))
	legacy("POST /crm/v3/objects/contacts/search", f.auth(f.search))
	legacy("GET /crm/v3/objects/contacts", f.auth(f.list))
	legacy("GET /crm/v3/objects/contacts/{id}", f.auth(f.get))
	legacy("POST /crm/v3/objects/contacts/batch/read", f.auth(f.batchRead))
	legacy("GET /events/v3/event-definitions", f.auth(f.eventDefs))
	legacy("GET /events/v3/events", f.auth(f.eventList))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		hubErr(w, 404, "OBJECT_NOT_FOUND", "Unable to find a resource for "+r.URL.Path)
	})
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.calls[r.URL.Path]++
		n := f.calls[r.URL.Path]
		before := f.before
		f.mu.Unlock()
		if before != nil && before(w, r, n) {
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	t.Cleanup(func() {
		if n := f.legacyCalls(); n > 0 {
			t.Errorf("the source made %d calls to legacy (v1-v4) HubSpot paths", n)
		}
	})
	return f
}

// legacyCalls counts calls to v1-v4 paths.
func (f *fakeHubSpot) legacyCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.legacy
}

func (f *fakeHubSpot) callCount(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[path]
}

// addContacts adds n contacts with ids from firstID, all modified at lastmod.
func (f *fakeHubSpot) addContacts(firstID int64, n int, lastmod time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := 0; i < n; i++ {
		id := firstID + int64(i)
		f.contacts = append(f.contacts, fakeContact{id: id, created: lastmod.Add(-time.Hour), lastmod: lastmod, props: map[string]string{
			"email": fmt.Sprintf("c%d@example.com", id), "firstname": fmt.Sprintf("Name \"%d\"", id),
			"lastmodifieddate": lastmod.UTC().Format(timeLayout), "createdate": lastmod.Add(-time.Hour).UTC().Format(timeLayout),
			"hs_object_id": strconv.FormatInt(id, 10), "num_employees": strconv.FormatInt(id%50, 10),
			"is_vip": strconv.FormatBool(id%2 == 0), "birthday": "1990-05-17", "lifecyclestage": "lead",
		}})
	}
	sort.Slice(f.contacts, func(i, j int) bool { return f.contacts[i].id < f.contacts[j].id })
}

// touch changes a contact's lastmodifieddate.
func (f *fakeHubSpot) touch(id int64, at time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.contacts {
		if f.contacts[i].id == id {
			f.contacts[i].lastmod = at
			f.contacts[i].props["lastmodifieddate"] = at.UTC().Format(timeLayout)
		}
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func hubErr(w http.ResponseWriter, status int, category, msg string) {
	writeJSON(w, status, map[string]string{"status": "error", "message": msg, "category": category, "correlationId": "corr-123"})
}

func (f *fakeHubSpot) token(w http.ResponseWriter, r *http.Request) {
	// Every parameter must be in the form body; the 2026-03 endpoint ignores the query.
	if err := r.ParseForm(); err != nil || r.URL.RawQuery != "" {
		writeJSON(w, 400, map[string]string{"status": "BAD_REQUEST", "message": "parameters belong in the form body",
			"error": "invalid_request", "error_description": "parameters belong in the form body"})
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	// Errors carry RFC 6749 error/error_description and HubSpot's legacy status/message.
	refuse := func(code, status, msg string) {
		writeJSON(w, 400, map[string]string{"status": status, "message": msg, "error": code, "error_description": msg})
	}
	if r.PostForm.Get("client_id") != "client" {
		refuse("invalid_client", "BAD_CLIENT_ID", "missing or unknown client id")
		return
	}
	if r.PostForm.Get("client_secret") != "secret" {
		refuse("invalid_client", "BAD_CLIENT_SECRET", "missing or invalid client secret")
		return
	}
	if r.PostForm.Get("grant_type") != "refresh_token" || r.PostForm.Get("refresh_token") != f.refresh {
		refuse("invalid_grant", "BAD_REFRESH_TOKEN", "missing or invalid refresh token")
		return
	}
	f.issued++
	tok := fmt.Sprintf("access-%d", f.issued)
	f.tokens[tok] = &fakeToken{expires: f.clk.Now().Add(f.tokenLife)}
	writeJSON(w, 200, map[string]any{"access_token": tok, "refresh_token": f.refresh, "expires_in": int(f.tokenLife / time.Second), "token_type": "bearer"})
}

func (f *fakeHubSpot) auth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		f.mu.Lock()
		ok := tok == f.static
		if t, found := f.tokens[tok]; found {
			t.uses++
			ok = f.clk.Now().Before(t.expires) && (f.tokenUses == 0 || t.uses <= f.tokenUses)
		}
		tick := f.tickPerCall
		f.mu.Unlock()
		if !ok {
			hubErr(w, 401, "INVALID_AUTHENTICATION", "Authentication credentials not found.")
			return
		}
		if tick > 0 {
			f.clk.Add(tick)
		}
		h(w, r)
	}
}

func (f *fakeHubSpot) properties(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, 200, map[string]any{"results": f.props})
}

// appendContact writes a contact object with the requested properties.
func appendContact(b []byte, c *fakeContact, props []string) []byte {
	b = append(b, `{"id":"`...)
	b = strconv.AppendInt(b, c.id, 10)
	b = append(b, `","properties":{`...)
	for i, p := range props {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendStringS(b, p)
		b = append(b, ':')
		if v, ok := c.props[p]; ok {
			b = appendStringS(b, v)
		} else {
			b = append(b, "null"...)
		}
	}
	b = append(b, `},"createdAt":"`...)
	b = c.created.UTC().AppendFormat(b, timeLayout)
	b = append(b, `","updatedAt":"`...)
	b = c.lastmod.UTC().AppendFormat(b, timeLayout)
	if !c.archivedAt.IsZero() {
		b = append(b, `","archived":true,"archivedAt":"`...)
		b = c.archivedAt.UTC().AppendFormat(b, timeLayout)
		return append(b, `"}`...)
	}
	return append(b, `","archived":false}`...)
}

// archive moves a live contact to the archive at time at.
func (f *fakeHubSpot) archive(id int64, at time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.contacts {
		if c := f.contacts[i]; c.id == id {
			c.archivedAt, c.lastmod = at, at
			f.contacts = append(f.contacts[:i], f.contacts[i+1:]...)
			f.archived = append(f.archived, c)
			sort.Slice(f.archived, func(i, j int) bool { return f.archived[i].id < f.archived[j].id })
			return
		}
	}
	f.t.Fatalf("archive: no live contact %d", id)
}

type searchReq struct {
	FilterGroups []struct {
		Filters []hubspot.Filter `json:"filters"`
	} `json:"filterGroups"`
	Sorts      []map[string]string `json:"sorts"`
	Properties []string            `json:"properties"`
	Limit      int                 `json:"limit"`
	After      string              `json:"after"`
}

func (f *fakeHubSpot) search(w http.ResponseWriter, r *http.Request) {
	var req searchReq
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		hubErr(w, 400, "VALIDATION_ERROR", "bad body")
		return
	}
	after, _ := strconv.Atoi(req.After)
	if req.Limit > 200 || after+req.Limit > 10000 {
		hubErr(w, 400, "VALIDATION_ERROR", "paging past 10000 results")
		return
	}
	if req.Limit > 1 && (len(req.Sorts) != 1 || req.Sorts[0]["propertyName"] != "hs_object_id") {
		f.t.Errorf("search not sorted by hs_object_id: %v", req.Sorts)
	}
	var gte, lte, gtID, lteID int64 = -1 << 62, 1 << 62, -1, 1 << 62
	for _, fl := range req.FilterGroups[0].Filters {
		v, err := strconv.ParseInt(fl.Value, 10, 64)
		if err != nil {
			hubErr(w, 400, "VALIDATION_ERROR", "bad filter value")
			return
		}
		switch fl.PropertyName + " " + fl.Operator {
		case "lastmodifieddate GTE":
			gte = v
		case "lastmodifieddate LTE":
			lte = v
		case "hs_object_id GT":
			gtID = v
		case "hs_object_id GTE":
			gtID = v - 1
		case "hs_object_id LTE":
			lteID = v
		default:
			f.t.Errorf("unexpected filter %+v", fl)
		}
	}
	f.mu.Lock()
	now := f.clk.Now()
	var match []*fakeContact
	for i := range f.contacts {
		c := &f.contacts[i]
		ms := c.lastmod.UnixMilli()
		if ms >= gte && ms <= lte && c.id > gtID && c.id <= lteID && !c.lastmod.Add(f.indexLag).After(now) {
			match = append(match, c)
		}
	}
	if len(req.Sorts) == 1 && req.Sorts[0]["direction"] == "DESCENDING" {
		f.descSearches++
		for i, j := 0, len(match)-1; i < j; i, j = i+1, j-1 {
			match[i], match[j] = match[j], match[i]
		}
	}
	b := []byte(`{"total":` + strconv.Itoa(len(match)) + `,"results":[`)
	end := min(after+req.Limit, len(match))
	for i := after; i < end; i++ {
		if i > after {
			b = append(b, ',')
		}
		b = appendContact(b, match[i], req.Properties)
	}
	f.mu.Unlock()
	b = append(b, ']')
	if end < len(match) {
		b = append(b, `,"paging":{"next":{"after":"`+strconv.Itoa(end)+`"}}`...)
	}
	b = append(b, '}')
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

func (f *fakeHubSpot) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit < 1 || limit > 100 {
		hubErr(w, 400, "VALIDATION_ERROR", "limit must be 1..100")
		return
	}
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	var props []string
	if p := q.Get("properties"); p != "" {
		props = strings.Split(p, ",")
	}
	f.mu.Lock()
	list := f.contacts
	if q.Get("archived") == "true" {
		list = f.archived
	}
	i := sort.Search(len(list), func(i int) bool { return list[i].id >= after })
	b := []byte(`{"results":[`)
	n := 0
	for ; i < len(list) && n < limit; i, n = i+1, n+1 {
		if n > 0 {
			b = append(b, ',')
		}
		b = appendContact(b, &list[i], props)
	}
	b = append(b, ']')
	if i < len(list) {
		b = append(b, `,"paging":{"next":{"after":"`+strconv.FormatInt(list[i].id, 10)+`"}}`...)
	}
	f.mu.Unlock()
	b = append(b, '}')
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

func (f *fakeHubSpot) find(id, idProperty string) *fakeContact {
	for i := range f.contacts {
		c := &f.contacts[i]
		if (idProperty == "" && strconv.FormatInt(c.id, 10) == id) || (idProperty != "" && c.props[idProperty] == id) {
			return c
		}
	}
	return nil
}

func (f *fakeHubSpot) get(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.find(r.PathValue("id"), q.Get("idProperty"))
	if c == nil {
		hubErr(w, 404, "OBJECT_NOT_FOUND", "resource not found")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(appendContact(nil, c, strings.Split(q.Get("properties"), ",")))
}
