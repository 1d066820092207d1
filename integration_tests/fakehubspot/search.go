package fakehubspot

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// searchCache keeps the full ordered match list of recent queries, keyed by the compiled query
// and valid while the store version is unchanged, so paging through one query costs O(limit)
// per page after the first (a linear scan of the id range).
type searchCache struct {
	mu      sync.Mutex
	entries map[string]*cacheEntry
}

type cacheEntry struct {
	version uint64
	matches []int32 // positions in the store's id-ordered slices
	maxUpd  int64
}

const maxCacheEntries = 32

func newSearchCache() *searchCache { return &searchCache{entries: map[string]*cacheEntry{}} }

// matches returns the ordered matches of q, ignoring index lag, and the latest lastmodifieddate
// among them (or above). A query paged by id (one filter group, ascending id order, a rising
// "hs_object_id > last id" floor) shares one cached match list for every floor, so paging a
// window by id costs O(log n + page) per page, as offset paging does. Caller holds store.mu (read).
func (s *Server) matches(q *query) ([]int32, int64) {
	if base, floor, ok := q.withoutIDFloor(); ok {
		e := s.cached(base)
		st := s.store
		k, _ := slices.BinarySearchFunc(e.matches, floor, func(i int32, floor int64) int { return cmpInt(st.ids[i], floor) })
		return e.matches[k:], e.maxUpd
	}
	e := s.cached(q)
	return e.matches, e.maxUpd
}

// withoutIDFloor splits an id-ordered single-group query into the same query without its lower
// id bound, and that bound.
func (q *query) withoutIDFloor() (*query, int64, bool) {
	if len(q.groups) != 1 || q.sort.desc || !isIDSort(q.sort.prop) || q.groups[0].idLo == math.MinInt64 {
		return nil, 0, false
	}
	g := q.groups[0]
	floor := g.idLo
	g.idLo = math.MinInt64
	base := &query{groups: []group{g}, sort: q.sort}
	base.key = queryKey(base.groups, base.sort)
	return base, floor, true
}

func isIDSort(prop string) bool { return prop == PropObjectID || prop == "id" || prop == "" }

// cached returns the cache entry of q, computing it when missing or stale.
func (s *Server) cached(q *query) *cacheEntry {
	st := s.store
	s.cache.mu.Lock()
	e, ok := s.cache.entries[q.key]
	s.cache.mu.Unlock()
	if ok && e.version == st.version {
		return e
	}
	e = &cacheEntry{version: st.version}
	e.matches, e.maxUpd = s.scan(q)
	s.sortMatches(q.sort, e.matches)
	s.cache.mu.Lock()
	if len(s.cache.entries) >= maxCacheEntries {
		clear(s.cache.entries)
	}
	s.cache.entries[q.key] = e
	s.cache.mu.Unlock()
	return e
}

// scan walks the id range the groups allow and keeps live contacts matching any group.
func (s *Server) scan(q *query) ([]int32, int64) {
	st := s.store
	lo, hi := int64(-1<<63), int64(1<<63-1)
	if len(q.groups) > 0 {
		lo, hi = q.groups[0].idLo, q.groups[0].idHi
		for _, g := range q.groups[1:] {
			lo, hi = min(lo, g.idLo), max(hi, g.idHi)
		}
	}
	start, _ := slices.BinarySearch(st.ids, lo)
	end := len(st.ids)
	if hi < 1<<63-1 {
		end, _ = slices.BinarySearch(st.ids, hi+1)
	}
	out := make([]int32, 0, min(end-start, 1<<16))
	maxUpd := int64(-1 << 63)
	keep := func(i int) {
		out = append(out, int32(i))
		maxUpd = max(maxUpd, st.upd[i])
	}
	if len(q.groups) == 1 && len(q.groups[0].generic) == 0 {
		g := q.groups[0]
		ids, upd, crt, arch := st.ids[start:end], st.upd[start:end], st.crt[start:end], st.arch[start:end]
		for k := range ids {
			if u := upd[k]; u >= g.updLo && u <= g.updHi && !arch[k] && crt[k] >= g.crtLo && crt[k] <= g.crtHi &&
				ids[k] >= g.idLo && ids[k] <= g.idHi {
				out = append(out, int32(start+k))
				maxUpd = max(maxUpd, u)
			}
		}
		return out, maxUpd
	}
	for i := start; i < end; i++ {
		if st.arch[i] {
			continue
		}
		if len(q.groups) == 0 {
			keep(i)
			continue
		}
		for gi := range q.groups {
			if s.groupMatches(&q.groups[gi], i) {
				keep(i)
				break
			}
		}
	}
	return out, maxUpd
}

func (s *Server) groupMatches(g *group, i int) bool {
	st := s.store
	if st.ids[i] < g.idLo || st.ids[i] > g.idHi || st.upd[i] < g.updLo || st.upd[i] > g.updHi ||
		st.crt[i] < g.crtLo || st.crt[i] > g.crtHi {
		return false
	}
	for _, f := range g.generic {
		if !s.evalFilter(f, i) {
			return false
		}
	}
	return true
}

func (s *Server) sortMatches(sp sortSpec, m []int32) {
	st := s.store
	var key func(a, b int32) int
	switch sp.prop {
	case PropObjectID, "id", "":
		if sp.desc {
			slices.Reverse(m)
		}
		return
	case PropLastModified, "updatedAt":
		key = func(a, b int32) int { return cmpInt(st.upd[a], st.upd[b]) }
	case PropCreateDate, "createdAt":
		key = func(a, b int32) int { return cmpInt(st.crt[a], st.crt[b]) }
	default:
		typ, _ := s.propertyType(sp.prop)
		key = func(a, b int32) int {
			va, oka := st.value(int(a), sp.prop)
			vb, okb := st.value(int(b), sp.prop)
			switch {
			case !oka && !okb:
				return 0
			case !oka:
				return 1 // unset values sort last
			case !okb:
				return -1
			}
			return compareValues(va, vb, typ)
		}
	}
	slices.SortStableFunc(m, func(a, b int32) int {
		c := key(a, b)
		if sp.desc {
			c = -c
		}
		if c == 0 {
			c = cmpInt(st.ids[a], st.ids[b])
		}
		return c
	})
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	var req searchRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeValidation(w, "Invalid input JSON: "+err.Error())
		return
	}
	limit := 10 // HubSpot's default page size
	if req.Limit != nil {
		limit = *req.Limit
	}
	if limit < 1 || limit > maxSearchLimit {
		writeValidation(w, fmt.Sprintf("limit must be between 1 and %d, got %d", maxSearchLimit, limit))
		return
	}
	after := 0
	if req.After != "" {
		a, err := strconv.Atoi(string(req.After))
		if err != nil || a < 0 {
			writeValidation(w, fmt.Sprintf("after must be a non-negative integer, got %q", string(req.After)))
			return
		}
		after = a
	}
	// HubSpot: "The search endpoints are limited to 10,000 total results for any given query.
	// Attempting to page beyond 10,000 will result in a 400 error." The exact body is not public
	// (public clients report a 400); it is a VALIDATION_ERROR, so that is what the fake sends.
	if after+limit > searchCap {
		writeValidation(w, fmt.Sprintf("Search results are limited to %d per query: after=%d with limit=%d "+
			"pages beyond that limit.", searchCap, after, limit))
		return
	}
	q, err := compile(&req)
	if err != nil {
		writeValidation(w, err.Error())
		return
	}
	b, ids, status := s.searchPage(q, req.Properties, after, limit)
	if status != http.StatusOK {
		writeServerError(w, status)
		return
	}
	if s.empty.take() {
		writeRaw(w, http.StatusOK, emptyPageOf(b, after, limit))
		return
	}
	if hook := s.searchPageHook(); hook != nil {
		hook(ids)
	}
	writeRaw(w, http.StatusOK, b)
}

// searchPage builds one search answer under the store's read lock, returning it with the ids it
// holds, or a FailContact status.
func (s *Server) searchPage(q *query, properties []string, after, limit int) ([]byte, []int64, int) {
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	m, maxUpd := s.matches(q)
	if lag := time.Duration(s.lag.Load()); lag > 0 {
		cutoff := s.now().Add(-lag).UnixMilli()
		if maxUpd > cutoff {
			vis := make([]int32, 0, len(m))
			for _, i := range m {
				if s.store.upd[i] <= cutoff {
					vis = append(vis, i)
				}
			}
			m = vis
		}
	}
	total := len(m)
	page := m[min(after, total):min(after+limit, total)]
	if st, bad := s.pageFault(page); bad {
		return nil, nil, st
	}
	props := s.resolveProps(properties)
	b := make([]byte, 0, 64+len(page)*(120+len(props)*40))
	b = append(b, `{"total":`...)
	b = strconv.AppendInt(b, int64(total), 10)
	b = append(b, `,"results":[`...)
	ids := make([]int64, len(page))
	for k, i := range page {
		if k > 0 {
			b = append(b, ',')
		}
		b = s.appendContact(b, int(i), props)
		ids[k] = s.store.ids[i]
	}
	b = append(b, ']')
	if next := after + len(page); next < total {
		n := strconv.Itoa(next)
		b = append(b, `,"paging":{"next":{"after":"`...)
		b = append(b, n...)
		b = append(b, `","link":"?after=`...)
		b = append(b, n...)
		b = append(b, `"}}`...)
	}
	return append(b, '}'), ids, http.StatusOK
}

// pageFault reports a FailContact status for any contact in the page. Caller holds store.mu.
func (s *Server) pageFault(page []int32) (int, bool) {
	ids := make([]int64, len(page))
	for k, i := range page {
		ids[k] = s.store.ids[i]
	}
	return s.faults.contactFault(ids...)
}
