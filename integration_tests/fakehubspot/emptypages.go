package fakehubspot

import (
	"encoding/json"
	"strconv"
	"sync"
)

// emptyPages is the EmptySearchPages fault.
type emptyPages struct {
	mu     sync.Mutex
	skip   int // searches still answered normally before the fault starts
	left   int // empty pages still to serve; < 0: every search from then on
	served int
}

// EmptySearchPages makes searches answer a page with no results that still offers
// paging.next.after, as HubSpot's search has been seen to answer while more results exist
// (Airbyte's HubSpot source changed its paging for it in 2026:
// https://github.com/airbytehq/airbyte/pull/80745; how often and for which queries HubSpot does
// it is not documented). The nth search from now (1: the next one) and the count-1 after it are
// answered so; a count below 0 answers every search from the nth on, until ClearFaults. Each
// such answer keeps the query's real total and offers the offset after the page it left empty.
// Only searches that pass authentication and the rate limits count.
func (s *Server) EmptySearchPages(nth, count int) {
	s.empty.mu.Lock()
	defer s.empty.mu.Unlock()
	s.empty.skip, s.empty.left = max(nth-1, 0), count
}

// EmptySearchPagesServed is how many empty pages EmptySearchPages made the fake serve.
func (s *Server) EmptySearchPagesServed() int {
	s.empty.mu.Lock()
	defer s.empty.mu.Unlock()
	return s.empty.served
}

// take reports whether this search gets an empty page.
func (e *emptyPages) take() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.left == 0 {
		return false
	}
	if e.skip > 0 {
		e.skip--
		return false
	}
	if e.left > 0 {
		e.left--
	}
	e.served++
	return true
}

func (e *emptyPages) clear() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.skip, e.left = 0, 0
}

// emptyPageOf is the empty answer in place of page (a search answer of the fake's own), which
// starts at offset after with limit results.
func emptyPageOf(page []byte, after, limit int) []byte {
	var v struct {
		Total int `json:"total"`
	}
	_ = json.Unmarshal(page, &v) // the fake's own answer
	next := strconv.Itoa(after + limit)
	b := append([]byte(`{"total":`), strconv.Itoa(v.Total)...)
	b = append(b, `,"results":[],"paging":{"next":{"after":"`...)
	b = append(b, next...)
	b = append(b, `","link":"?after=`...)
	b = append(b, next...)
	return append(b, `"}}}`...)
}
