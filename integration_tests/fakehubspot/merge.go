package fakehubspot

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// PropMergedIDs is the ";"-separated list of the contact ids merged into a contact.
const PropMergedIDs = "hs_merged_object_ids"

// MergeContacts merges secondary into primary at time at the way HubSpot merges contacts now
// (https://developers.hubspot.com/changelog/updated-merge-functionality-for-contacts-and-companies):
// a new contact with a new id is created and both old ids resolve to it (GET and batch read by an
// old id answer the new contact). The new contact has the primary's values, the secondary's where
// the primary has none (each keeping the property history of the contact it came from),
// hs_merged_object_ids listing both ids and every id merged into either before, lastmodifieddate
// at, and the earlier createdate of the two. The old contacts leave search and the list endpoint;
// they are not listed as archived either. The journal records a MERGE of the new id with both old
// ids in mergedObjectIds.
//
// Guessed, not documented: which values win, the history the new contact keeps, the createdate
// of the new contact, and that merged-away contacts do not show in the archived list (HubSpot
// fires contact.deletion webhooks for them, but nothing public says whether list?archived=true
// shows them).
func (s *Server) MergeContacts(primary, secondary int64, at time.Time) (int64, error) {
	id, ok := s.store.merge(primary, secondary, at, true)
	if !ok {
		return 0, fmt.Errorf("merge contacts %d and %d: both must be distinct live contacts", primary, secondary)
	}
	return id, nil
}

// MergeContactsKeepingPrimary merges secondary into primary the way HubSpot merged contacts
// before its change: the primary keeps its id and gets the secondary's id in
// hs_merged_object_ids; the secondary's id resolves to the primary.
func (s *Server) MergeContactsKeepingPrimary(primary, secondary int64, at time.Time) error {
	if _, ok := s.store.merge(primary, secondary, at, false); !ok {
		return fmt.Errorf("merge contacts %d and %d: both must be distinct live contacts", primary, secondary)
	}
	return nil
}

// MergedInto returns the contact a merged-away id resolves to (following chained merges).
func (s *Server) MergedInto(id int64) (int64, bool) {
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	to := s.store.resolveMerged(id)
	return to, to != id
}

// merge does MergeContacts (newID) or MergeContactsKeepingPrimary. It returns the surviving id.
func (s *store) merge(primary, secondary int64, at time.Time, newID bool) (int64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pi, ok1 := s.pos(primary)
	si, ok2 := s.pos(secondary)
	if !ok1 || !ok2 || primary == secondary || s.arch[pi] || s.arch[si] {
		return 0, false
	}
	values := s.recs[si].values()
	for k, v := range s.recs[pi].values() {
		values[k] = v
	}
	slot := s.slotFor(PropMergedIDs)
	merged := map[int64]bool{secondary: true}
	if newID {
		merged[primary] = true
	}
	for _, i := range []int{pi, si} {
		v, _ := s.recs[i].get(slot)
		for _, f := range strings.Split(v, ";") {
			if n, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64); err == nil {
				merged[n] = true
			}
		}
	}
	list := make([]int64, 0, len(merged))
	for n := range merged {
		list = append(list, n)
	}
	slices.Sort(list)
	parts := make([]string, len(list))
	for i, n := range list {
		parts[i] = strconv.FormatInt(n, 10)
	}
	values[slot] = strings.Join(parts, ";")
	hist := s.mergedHistory(pi, si, slot, values[slot], ms(at)) // history.go
	gone := []int64{secondary}
	if newID {
		gone = []int64{primary, secondary}
	}
	created := min(s.crt[pi], s.crt[si])
	s.unindexEmail(pi)
	s.unindexEmail(si)
	survivor := primary
	if newID {
		survivor = s.nextID
		s.nextID++
		s.removeAt(max(pi, si))
		s.removeAt(min(pi, si))
		s.ids = append(s.ids, survivor) // the largest id: the slices stay sorted
		s.upd = append(s.upd, ms(at))
		s.crt = append(s.crt, created)
		s.arch = append(s.arch, false)
		s.recs = append(s.recs, packRecord(values))
		s.indexEmail(len(s.ids) - 1)
		s.mergedInto[primary] = survivor
	} else {
		s.recs[pi], s.upd[pi], s.crt[pi] = packRecord(values), ms(at), created
		s.indexEmail(pi)
		s.removeAt(si)
	}
	s.mergedInto[secondary] = survivor
	for _, id := range gone {
		delete(s.hist, id)
	}
	s.hist[survivor] = hist
	s.emit(storeChange{action: ActionMerge, id: survivor, at: at, merged: gone})
	s.version++
	return survivor, true
}

// removeAt drops the contact at index i. Caller holds mu.
func (s *store) removeAt(i int) {
	s.ids = slices.Delete(s.ids, i, i+1)
	s.upd = slices.Delete(s.upd, i, i+1)
	s.crt = slices.Delete(s.crt, i, i+1)
	s.arch = slices.Delete(s.arch, i, i+1)
	s.recs = slices.Delete(s.recs, i, i+1)
}

// resolveMerged follows merges from id to the contact it ended in (id itself when never
// merged away). Caller holds mu.
func (s *store) resolveMerged(id int64) int64 {
	for range 64 {
		to, ok := s.mergedInto[id]
		if !ok {
			break
		}
		id = to
	}
	return id
}
