package fakehubspot

import (
	"strconv"
	"sync"
	"time"
)

// SearchPageFunc is told the ids of the contacts a search page just delivered, in order. It runs
// after the page is built and before it is sent, outside the store lock, so it may change
// contacts (UpdateContact, TouchContacts, DeleteContact); the next page already sees the change,
// as HubSpot evaluates every page against the live index.
type SearchPageFunc func(ids []int64)

// OnSearchPage sets the function called after every search page (nil removes it). It replaces
// any churn set with SetChurn.
func (s *Server) OnSearchPage(fn SearchPageFunc) {
	s.hookMu.Lock()
	defer s.hookMu.Unlock()
	s.searchHook = fn
}

func (s *Server) searchPageHook() SearchPageFunc {
	s.hookMu.Lock()
	defer s.hookMu.Unlock()
	return s.searchHook
}

// Churn makes the fake a busy portal: after each search page, the first PerPage contacts that
// page delivered are modified (as a user or a workflow would while a sync runs), so they leave
// a lastmodifieddate window the reader is paging through.
type Churn struct {
	// PerPage is how many contacts of each page are modified. Zero turns churn off.
	PerPage int
	// Property is the property changed, to "<Value><n>" with n counting modifications from 1.
	// Defaults "firstname" and "busy-".
	Property, Value string
	// At is the new lastmodifieddate of a modified contact. Default Options.Clock (HubSpot stamps
	// a change with the time it happens).
	At func() time.Time
	// MaxPages stops the churn after that many pages (0: no limit).
	MaxPages int
}

// churnState counts what a Churn did.
type churnState struct {
	mu      sync.Mutex
	cfg     Churn
	pages   int
	n       int
	touched map[int64]bool
}

// SetChurn starts (or, with PerPage 0, stops) modifying contacts after every search page; see
// Churn. It replaces any function set with OnSearchPage.
func (s *Server) SetChurn(c Churn) {
	if c.PerPage <= 0 {
		s.OnSearchPage(nil)
		return
	}
	if c.Property == "" {
		c.Property = "firstname"
	}
	if c.Value == "" {
		c.Value = "busy-"
	}
	if c.At == nil {
		c.At = s.now
	}
	s.churn.mu.Lock()
	s.churn.cfg, s.churn.pages = c, 0
	if s.churn.touched == nil {
		s.churn.touched = map[int64]bool{}
	}
	s.churn.mu.Unlock()
	s.OnSearchPage(s.churnPage)
}

// Churned returns how many modifications the churn made and the distinct contacts it modified.
func (s *Server) Churned() (modifications int, contacts []int64) {
	s.churn.mu.Lock()
	defer s.churn.mu.Unlock()
	for id := range s.churn.touched {
		contacts = append(contacts, id)
	}
	return s.churn.n, contacts
}

func (s *Server) churnPage(ids []int64) {
	c := &s.churn
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cfg.MaxPages > 0 && c.pages >= c.cfg.MaxPages {
		return
	}
	c.pages++
	for _, id := range ids[:min(len(ids), c.cfg.PerPage)] {
		c.n++
		if s.store.update(id, c.cfg.At(), map[string]string{c.cfg.Property: c.cfg.Value + strconv.Itoa(c.n)}) {
			c.touched[id] = true
		}
	}
}
