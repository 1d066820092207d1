package fakehubspot

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// errNoList is the answer for a list id that is unknown or purged.
var errNoList = errors.New("no such list")

// List returns a list (deleted ones too, until purged), brought up to date with the contacts.
func (s *Server) List(listID string) (ListInfo, bool) {
	ls := s.lists
	ls.mu.Lock()
	defer ls.mu.Unlock()
	s.refreshLists()
	l, err := s.findList(listID)
	if err != nil {
		return ListInfo{}, false
	}
	return l.info(), true
}

// Lists returns every list not purged, deleted ones included, in id order.
func (s *Server) Lists() []ListInfo {
	ls := s.lists
	ls.mu.Lock()
	defer ls.mu.Unlock()
	s.refreshLists()
	now := ms(s.now())
	var out []ListInfo
	for _, l := range ls.lists {
		if !l.purged(now) {
			out = append(out, l.info())
		}
	}
	slices.SortFunc(out, func(a, b ListInfo) int { return cmpID(a.ID, b.ID) })
	return out
}

// ListMembers returns a list's current members in record id order (nil for an unknown list).
func (s *Server) ListMembers(listID string) []ListMember {
	ls := s.lists
	ls.mu.Lock()
	defer ls.mu.Unlock()
	s.refreshLists()
	l, err := s.findList(listID)
	if err != nil {
		return nil
	}
	out := make([]ListMember, 0, len(l.members))
	for _, id := range l.sortedByID() {
		out = append(out, ListMember{RecordID: id, JoinedAt: fromMS(l.members[id])})
	}
	return out
}

// SetListEvaluationLag changes ListOptions.EvaluationLag; 0 applies every waiting change at the
// next look at the lists.
func (s *Server) SetListEvaluationLag(d time.Duration) {
	ls := s.lists
	ls.mu.Lock()
	defer ls.mu.Unlock()
	ls.lag, ls.pending = d, true
}

// DenyListsScope makes every lists endpoint answer 403 MISSING_SCOPES (naming ListsReadScope),
// as for a token granted without crm.lists.read or crm.segments.read, while on. ClearFaults
// switches it off.
func (s *Server) DenyListsScope(on bool) {
	ls := s.lists
	ls.mu.Lock()
	defer ls.mu.Unlock()
	ls.denied = on
}

// missingScope is the scope check of wrap: the switchable faults' one, then the lists scope.
func (s *Server) missingScope(ep Endpoint) string {
	if scope := s.faults.missingScope(ep); scope != "" {
		return scope
	}
	if !slices.Contains(listsEndpoints, ep) {
		return ""
	}
	s.lists.mu.Lock()
	defer s.lists.mu.Unlock()
	if s.lists.denied {
		return ListsReadScope
	}
	return ""
}

func (l *contactList) info() ListInfo {
	t := func(v int64) time.Time {
		if v == 0 {
			return time.Time{}
		}
		return fromMS(v)
	}
	return ListInfo{ID: strconv.FormatInt(l.id, 10), Name: l.name, ProcessingType: l.ptype, ObjectTypeID: l.objType,
		Filter: slices.Clone(l.filter), Version: l.version, CreatedAt: t(l.created), UpdatedAt: t(l.updated),
		FiltersUpdatedAt: t(l.filtersUpdated), DeletedAt: t(l.deleted), Size: l.size, LastAddedAt: t(l.lastAdded),
		LastRemovedAt: t(l.lastRemoved), Members: len(l.members), Processing: l.processing}
}

// findList returns the list with that id, deleted or not, unless unknown or purged. Caller
// holds lists.mu.
func (s *Server) findList(listID string) (*contactList, error) {
	n, err := strconv.ParseInt(listID, 10, 64)
	if err != nil {
		return nil, errNoList
	}
	l, ok := s.lists.lists[n]
	if !ok || l.purged(ms(s.now())) {
		return nil, errNoList
	}
	return l, nil
}

// liveList is findList for a list that is not deleted.
func (s *Server) liveList(listID string) (*contactList, error) {
	l, err := s.findList(listID)
	if err == nil && l.deleted != 0 {
		err = fmt.Errorf("it is deleted")
	}
	return l, err
}

// nameFree fails when name is empty or taken (case-insensitively) by a list other than except
// that is not deleted. Caller holds lists.mu.
func (s *Server) nameFree(name string, except int64) error {
	if strings.TrimSpace(name) == "" {
		return fmt.Errorf("a list needs a name")
	}
	for id, l := range s.lists.lists {
		if id != except && l.deleted == 0 && strings.EqualFold(l.name, name) {
			return fmt.Errorf("the name %q is taken by list %d", name, id)
		}
	}
	return nil
}

// msAt is at in epoch ms, or Clock() when at is zero.
func (s *Server) msAt(at time.Time) int64 {
	if at.IsZero() {
		return ms(s.now())
	}
	return ms(at)
}

// cmpID orders digit-string ids numerically.
func cmpID(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}
