package fakehubspot

import (
	"fmt"
	"strings"
	"time"
)

// AddContacts stores contacts (replacing any with the same id) and returns their ids. A zero ID
// gets the next free id, a zero CreatedAt the current Clock time, a zero UpdatedAt CreatedAt.
func (s *Server) AddContacts(cs ...Contact) []int64 { return s.store.add(s.now(), cs) }

// UpdateContact sets properties of a live contact and moves its lastmodifieddate to at (HubSpot
// bumps it on every change). It fails for unknown or deleted ids.
func (s *Server) UpdateContact(id int64, at time.Time, props map[string]string) error {
	if !s.store.update(id, at, props) {
		return fmt.Errorf("update contact %d: no such live contact", id)
	}
	return nil
}

// TouchContacts moves lastmodifieddate of the given contacts to at without changing values,
// e.g. to put many contacts on one timestamp.
func (s *Server) TouchContacts(at time.Time, ids ...int64) error {
	for _, id := range ids {
		if err := s.UpdateContact(id, at, nil); err != nil {
			return err
		}
	}
	return nil
}

// DeleteContact archives a contact at time at: it leaves search, list and get (archived=true
// list and get still show it).
func (s *Server) DeleteContact(id int64, at time.Time) error {
	if !s.store.archive(id, at) {
		return fmt.Errorf("delete contact %d: no such live contact", id)
	}
	return nil
}

// Contact returns a stored contact (live or archived) with derived properties filled in.
func (s *Server) Contact(id int64) (Contact, bool) {
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	i, ok := s.store.pos(id)
	if !ok {
		return Contact{}, false
	}
	return s.store.contactAt(i), true
}

// ContactByEmail returns the live contact with that email (case-insensitive).
func (s *Server) ContactByEmail(email string) (Contact, bool) {
	s.store.mu.RLock()
	id, ok := s.store.byEmail[strings.ToLower(email)]
	s.store.mu.RUnlock()
	if !ok {
		return Contact{}, false
	}
	return s.Contact(id)
}

// ContactCount returns the number of live (not archived) contacts.
func (s *Server) ContactCount() int {
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	n := 0
	for _, a := range s.store.arch {
		if !a {
			n++
		}
	}
	return n
}

// ContactIDs returns the ids of all live contacts in ascending order.
func (s *Server) ContactIDs() []int64 {
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	out := make([]int64, 0, len(s.store.ids))
	for i, id := range s.store.ids {
		if !s.store.arch[i] {
			out = append(out, id)
		}
	}
	return out
}
