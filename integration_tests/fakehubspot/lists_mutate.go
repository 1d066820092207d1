package fakehubspot

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// The list helpers below are what users and workflows do to lists in HubSpot. Each first brings
// the lists up to date with the contacts (see refreshLists). A zero at means Options.Clock.

// CreateList creates a list and returns its id. A DYNAMIC or SNAPSHOT contact list gets every
// live contact matching its filter at once (stamped CreatedAt); a SNAPSHOT list never re-evaluates
// its filter afterwards. The name must be unique among the lists not deleted, compared
// case-insensitively (HubSpot: "globally unique across all public lists in the portal", and its
// lookup by name "is not case sensitive"; that uniqueness ignores case is the fake's inference).
func (s *Server) CreateList(spec ListSpec) (string, error) {
	ls := s.lists
	ls.mu.Lock()
	defer ls.mu.Unlock()
	s.refreshLists()
	if spec.ProcessingType == "" {
		spec.ProcessingType = ListManual
	}
	if spec.ObjectTypeID == "" {
		spec.ObjectTypeID = ContactObjectTypeID
	}
	switch spec.ProcessingType {
	case ListManual, ListDynamic, ListSnapshot:
	default:
		return "", fmt.Errorf("create list %q: processing type %q is not MANUAL, DYNAMIC or SNAPSHOT", spec.Name, spec.ProcessingType)
	}
	if err := checkFilter(spec.ProcessingType, spec.Filter); err != nil {
		return "", fmt.Errorf("create list %q: %w", spec.Name, err)
	}
	if spec.ProcessingType != ListManual && spec.ObjectTypeID != ContactObjectTypeID {
		return "", fmt.Errorf("create list %q: the fake evaluates filters of contact lists only", spec.Name)
	}
	if spec.ProcessingType == ListDynamic && len(spec.Members) > 0 {
		return "", fmt.Errorf("create list %q: members of a DYNAMIC list come from its filter", spec.Name)
	}
	if err := s.nameFree(spec.Name, 0); err != nil {
		return "", fmt.Errorf("create list: %w", err)
	}
	id := ls.nextID
	if spec.ID != "" {
		n, err := strconv.ParseInt(spec.ID, 10, 64)
		if err != nil || n <= 0 || strconv.FormatInt(n, 10) != spec.ID {
			return "", fmt.Errorf("create list %q: id %q is not a positive digit string", spec.Name, spec.ID)
		}
		if _, taken := ls.lists[n]; taken {
			return "", fmt.Errorf("create list %q: id %s is taken", spec.Name, spec.ID)
		}
		id = n
	}
	ls.nextID = max(ls.nextID, id+1)
	at := s.msAt(spec.CreatedAt)
	l := &contactList{id: id, name: spec.Name, ptype: spec.ProcessingType, objType: spec.ObjectTypeID,
		filter: slices.Clone(spec.Filter), version: 1, created: at, updated: at, filtersUpdated: at,
		members: map[int64]int64{}}
	s.store.mu.RLock()
	if l.ptype != ListManual {
		s.fill(l, at)
	}
	s.addMembers(l, at, spec.Members)
	s.store.mu.RUnlock()
	ls.lists[id] = l
	return strconv.FormatInt(id, 10), nil
}

// AddListMembers adds records to a MANUAL or SNAPSHOT list at time at (membershipTimestamp).
// As HubSpot's add endpoint does, records that are already members, or (on a contact list) are
// not live contacts, are ignored. A DYNAMIC list refuses: its filter decides its members.
func (s *Server) AddListMembers(listID string, at time.Time, ids ...int64) error {
	return s.changeMembers("add members to", listID, func(l *contactList) {
		s.store.mu.RLock()
		defer s.store.mu.RUnlock()
		s.addMembers(l, s.msAt(at), ids)
	})
}

// RemoveListMembers removes records from a MANUAL or SNAPSHOT list at time at (moving
// hs_last_record_removed_at); records that are not members are ignored.
func (s *Server) RemoveListMembers(listID string, at time.Time, ids ...int64) error {
	return s.changeMembers("remove members from", listID, func(l *contactList) {
		t := s.msAt(at)
		for _, id := range ids {
			l.leave(id, t, true)
		}
	})
}

func (s *Server) changeMembers(what, listID string, f func(l *contactList)) error {
	ls := s.lists
	ls.mu.Lock()
	defer ls.mu.Unlock()
	s.refreshLists()
	l, err := s.liveList(listID)
	if err != nil {
		return fmt.Errorf("%s list %s: %w", what, listID, err)
	}
	if l.ptype == ListDynamic {
		return fmt.Errorf("%s list %s: a DYNAMIC list's members come from its filter", what, listID)
	}
	f(l)
	return nil
}

// addMembers adds ids at time at, skipping records a contact list cannot hold. Caller holds
// lists.mu and store.mu (read).
func (s *Server) addMembers(l *contactList, at int64, ids []int64) {
	st := s.store
	for _, id := range ids {
		if l.objType == ContactObjectTypeID {
			if i, ok := st.pos(id); !ok || st.arch[i] {
				continue
			}
		} else if id <= 0 {
			continue
		}
		l.join(id, at, true)
	}
}

// RenameList renames a list at time at: updatedAt moves and listVersion goes up by one (the
// version bump is the fake's guess). The new name must be free as for CreateList.
func (s *Server) RenameList(listID, name string, at time.Time) error {
	return s.changeList("rename", listID, at, func(l *contactList, t int64) error {
		if err := s.nameFree(name, l.id); err != nil {
			return err
		}
		l.name = name
		l.version++
		l.updated = max(l.updated, t)
		return nil
	})
}

// SetListFilter replaces the filter of a DYNAMIC list at time at; its members are re-evaluated at
// once (stamped at), filtersUpdatedAt and updatedAt move and listVersion goes up by one.
func (s *Server) SetListFilter(listID string, filter []ListCondition, at time.Time) error {
	return s.changeList("set the filter of", listID, at, func(l *contactList, t int64) error {
		if l.ptype != ListDynamic {
			return fmt.Errorf("only a DYNAMIC list's filter can change (HubSpot's update-list-filters)")
		}
		if err := checkFilter(l.ptype, filter); err != nil {
			return err
		}
		l.filter = slices.Clone(filter)
		l.version++
		l.filtersUpdated, l.updated = t, max(l.updated, t)
		s.store.mu.RLock()
		defer s.store.mu.RUnlock()
		l.processing = s.evaluate(l, ms(s.now()), t)
		return nil
	})
}

// DeleteList deletes a list at time at: it leaves list search, its memberships answer 404, and
// GET by id still answers it with deletedAt (and updatedAt) set, as a HubSpot user observed
// (https://github.com/HubSpot/hubspot-api-php/issues/486). It can be restored for ListRetention.
func (s *Server) DeleteList(listID string, at time.Time) error {
	return s.changeList("delete", listID, at, func(l *contactList, t int64) error {
		l.deleted, l.updated = t, max(l.updated, t)
		return nil
	})
}

// RestoreList restores a deleted list at time at (HubSpot's restore endpoint), with the members
// it had, less those no longer live contacts; a DYNAMIC list is re-evaluated. It fails when
// another list has taken the name meanwhile (guessed) or ListRetention has passed.
func (s *Server) RestoreList(listID string, at time.Time) error {
	ls := s.lists
	ls.mu.Lock()
	defer ls.mu.Unlock()
	s.refreshLists()
	l, err := s.findList(listID)
	if err == nil && l.deleted == 0 {
		err = fmt.Errorf("it is not deleted")
	}
	if err == nil {
		err = s.nameFree(l.name, l.id)
	}
	if err != nil {
		return fmt.Errorf("restore list %s: %w", listID, err)
	}
	t := s.msAt(at)
	l.deleted, l.updated = 0, max(l.updated, t)
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	if l.objType == ContactObjectTypeID {
		l.processing = s.evaluate(l, ms(s.now()), t)
	}
	return nil
}

// changeList applies f to a list that is not deleted, at time at.
func (s *Server) changeList(what, listID string, at time.Time, f func(l *contactList, at int64) error) error {
	ls := s.lists
	ls.mu.Lock()
	defer ls.mu.Unlock()
	s.refreshLists()
	l, err := s.liveList(listID)
	if err == nil {
		err = f(l, s.msAt(at))
	}
	if err != nil {
		return fmt.Errorf("%s list %s: %w", what, listID, err)
	}
	return nil
}
