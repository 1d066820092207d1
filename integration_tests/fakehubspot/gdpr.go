package fakehubspot

import (
	"fmt"
	"strings"
	"time"
)

// PermanentlyDeleteContact deletes a contact for good at time at, as HubSpot's GDPR-compliant
// delete does (https://knowledge.hubspot.com/privacy-and-consent/understand-restorable-and-permanent-contact-deletions;
// the API's POST /crm/objects/<v>/contacts/gdpr-delete): the contact, live or archived, is gone
// from everything. Search, list, the archived list, GET (404 OBJECT_NOT_FOUND) and batch read
// (207, its id among the errors) no longer know it, its property history goes with it, and an id
// merged into it no longer resolves. The journal records it (journal.go: DELETE, or
// GDPR_DELETE under a subscription that asks for it).
//
// It takes the contact's current id: an id merged away is refused with an error naming the
// contact it was merged into. Not modelled: HubSpot also blocklists the email address.
func (s *Server) PermanentlyDeleteContact(id int64, at time.Time) error {
	if !s.store.purge(id, at) {
		return fmt.Errorf("permanently delete contact %d: %s", id, s.store.describeStored(id))
	}
	return nil
}

// RestoreContact brings an archived (restorable) contact back at time at, as restoring it from
// HubSpot's recycle bin does: it is live again under its id with its values and history, leaves
// the archived list, and the journal records RESTORE. Guessed, not documented for the API:
// lastmodifieddate moves to at (so an incremental search sees the contact again) and, as HubSpot
// keeps emails unique, a contact whose email a live contact now has cannot be restored.
func (s *Server) RestoreContact(id int64, at time.Time) error {
	if err := s.store.restore(id, at); err != nil {
		return fmt.Errorf("restore contact %d: %w", id, err)
	}
	return nil
}

// purge removes the contact id (live or archived) and every trace of it. Caller must not hold mu.
func (s *store) purge(id int64, at time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.pos(id)
	if !ok {
		return false
	}
	s.unindexEmail(i)
	s.removeAt(i)
	delete(s.hist, id)
	for from := range s.mergedInto {
		if s.resolveMerged(from) == id {
			delete(s.mergedInto, from)
		}
	}
	s.version++
	s.emit(storeChange{action: actionPermanentDelete, id: id, at: at})
	return true
}

// restore makes the archived contact id live again. Caller must not hold mu.
func (s *store) restore(id int64, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.pos(id)
	if !ok || !s.arch[i] {
		return fmt.Errorf("no such archived contact")
	}
	if e, ok := s.recs[i].get(s.slotFor("email")); ok && e != "" {
		if other, taken := s.byEmail[strings.ToLower(e)]; taken && other != id {
			return fmt.Errorf("its email %q belongs to live contact %d", e, other)
		}
	}
	s.arch[i] = false
	s.upd[i] = ms(at)
	s.indexEmail(i)
	s.version++
	s.emit(storeChange{action: ActionRestore, id: id, at: at})
	return nil
}

// describeStored says why id is not a stored contact, for helpers' errors. Caller must not hold
// mu.
func (s *store) describeStored(id int64) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if to := s.resolveMerged(id); to != id {
		return fmt.Sprintf("the contact was merged into %d", to)
	}
	return "no such contact"
}
