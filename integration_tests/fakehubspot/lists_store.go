package fakehubspot

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"time"
)

// listStore holds the lists. Its mutex is taken before the contact store's (never the other way
// round: contact mutations never touch lists), and every read or change of a list first brings
// the lists up to date with the contacts (refreshLists), so no hook into the contact mutations is
// needed: what HubSpot does in the background after a contact changes happens lazily, stamped
// with the time of the contact's change.
type listStore struct {
	mu         sync.Mutex
	lists      map[int64]*contactList
	nextID     int64
	lag        time.Duration
	keepStamps bool
	dropMerged bool
	denied     bool   // DenyListsScope
	seen       uint64 // contact store version the lists were last brought up to date with
	pending    bool   // some change waits for the evaluation lag
	lastEval   int64  // epoch ms of the last refresh: background changes are never stamped earlier
}

func newListStore(o ListOptions) *listStore {
	return &listStore{lists: map[int64]*contactList{}, nextID: 1, lag: o.EvaluationLag,
		keepStamps: o.BackgroundKeepsStamps, dropMerged: o.MergeDropsManualMemberships}
}

// contactList is one list. Times are epoch ms; zero means unset.
type contactList struct {
	id             int64
	name           string
	ptype          string
	objType        string
	filter         []ListCondition
	version        int
	created        int64
	updated        int64
	filtersUpdated int64
	deleted        int64
	members        map[int64]int64 // record id -> membershipTimestamp
	byID           []int64         // members in id order; nil when stale
	byJoin         []int64         // members in join order (ties by id); nil when stale
	// What the API reports as hs_list_size, hs_last_record_added_at, hs_last_record_removed_at.
	size        int
	lastAdded   int64
	lastRemoved int64
	processing  bool
}

// join adds a member at time at; publish moves the list's reported size and stamps.
func (l *contactList) join(id, at int64, publish bool) {
	if _, ok := l.members[id]; ok {
		return
	}
	l.members[id] = at
	l.byID, l.byJoin = nil, nil
	if publish {
		l.size = len(l.members)
		l.lastAdded = max(l.lastAdded, at)
		l.updated = max(l.updated, at)
	}
}

// leave removes a member at time at; publish as for join.
func (l *contactList) leave(id, at int64, publish bool) {
	if _, ok := l.members[id]; !ok {
		return
	}
	delete(l.members, id)
	l.byID, l.byJoin = nil, nil
	if publish {
		l.size = len(l.members)
		l.lastRemoved = max(l.lastRemoved, at)
		l.updated = max(l.updated, at)
	}
}

// sortedByID returns the members in ascending id order.
func (l *contactList) sortedByID() []int64 {
	if l.byID == nil {
		l.byID = make([]int64, 0, len(l.members))
		for id := range l.members {
			l.byID = append(l.byID, id)
		}
		slices.Sort(l.byID)
	}
	return l.byID
}

// sortedByJoin returns the members in ascending membershipTimestamp order, ties by id.
func (l *contactList) sortedByJoin() []int64 {
	if l.byJoin == nil {
		l.byJoin = append([]int64(nil), l.sortedByID()...)
		slices.SortStableFunc(l.byJoin, func(a, b int64) int { return cmp.Compare(l.members[a], l.members[b]) })
	}
	return l.byJoin
}

// purged reports whether a deleted list is past ListRetention at now (epoch ms).
func (l *contactList) purged(now int64) bool {
	return l.deleted != 0 && now-l.deleted >= ListRetention.Milliseconds()
}

// refreshLists applies to every live contact list what HubSpot does in the background since the
// last refresh: DYNAMIC lists re-evaluated, deleted and merged contacts leaving. It costs
// nothing when no contact changed and nothing waits for the evaluation lag. Caller holds
// lists.mu.
func (s *Server) refreshLists() {
	ls, st := s.lists, s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	if st.version == ls.seen && !ls.pending {
		return
	}
	now := ms(s.now())
	pending := false
	for _, l := range ls.lists {
		if l.deleted == 0 && l.objType == ContactObjectTypeID {
			l.processing = s.evaluate(l, now, 0)
			pending = pending || l.processing
		}
	}
	ls.seen, ls.pending, ls.lastEval = st.version, pending, max(ls.lastEval, now)
}

// evaluate brings list l up to date with the contacts at now. With at == 0 it is HubSpot's
// background processing: a change waits until the contact's lastmodifieddate is the evaluation
// lag in the past, is stamped then (but never before the previous refresh), and moves the
// reported stamps unless BackgroundKeepsStamps. With at > 0 it is a user's action at that time
// (creating the list, changing its filter, restoring it): no lag, every change stamped at, the
// stamps move. It reports whether some change waits for the lag. Caller holds lists.mu and
// store.mu (read).
func (s *Server) evaluate(l *contactList, now, at int64) bool {
	ls := s.lists
	e := &evaluation{ls: ls, now: now, at: at, lag: ls.lag.Milliseconds(), publish: at != 0 || !ls.keepStamps}
	s.evaluateGone(l, e)
	if l.ptype == ListDynamic {
		s.evaluateFilter(l, e)
	}
	return e.pending
}

// evaluation is one run of evaluate: when its changes are stamped, whether they wait for the
// lag, and whether one did.
type evaluation struct {
	ls               *listStore
	now, at, lag     int64
	publish, pending bool
}

// when is the stamp of a change made by a contact's change at upd.
func (e *evaluation) when(upd int64) int64 {
	if e.at != 0 {
		return e.at
	}
	return max(upd+e.lag, e.ls.lastEval)
}

// waits reports (and remembers) that a change made by a contact's change at upd waits for the lag.
func (e *evaluation) waits(upd int64) bool {
	if e.at == 0 && e.lag > 0 && upd+e.lag > e.now {
		e.pending = true
		return true
	}
	return false
}

// evaluateGone takes out of l the members that are no longer live contacts: archived ones,
// merged ones (whose MANUAL and SNAPSHOT memberships move to the merged contact) and those
// deleted permanently. Caller holds lists.mu and store.mu (read).
func (s *Server) evaluateGone(l *contactList, e *evaluation) {
	st := s.store
	var gone []int64 // members that are no longer live contacts
	for id := range l.members {
		if i, ok := st.pos(id); !ok || st.arch[i] {
			gone = append(gone, id)
		}
	}
	slices.Sort(gone)
	for _, id := range gone {
		if i, ok := st.pos(id); ok { // archived (deleted) contact
			if !e.waits(st.upd[i]) {
				l.leave(id, e.when(st.upd[i]), e.publish)
			}
			continue
		}
		to := st.resolveMerged(id)
		j, ok := st.pos(to)
		if to == id || !ok || st.arch[j] { // gone without a trace (a permanent delete)
			l.leave(id, e.when(e.now-e.lag), e.publish)
			continue
		}
		if e.waits(st.upd[j]) { // merged away: the merged contact's lastmodifieddate is the merge
			continue
		}
		t := e.when(st.upd[j])
		l.leave(id, t, e.publish)
		if l.ptype != ListDynamic && !s.lists.dropMerged {
			l.join(to, t, e.publish) // guessed: see ListOptions.MergeDropsManualMemberships
		}
	}
}

// evaluateFilter moves the live contacts of DYNAMIC list l in or out as they meet its filter.
// Caller holds lists.mu and store.mu (read).
func (s *Server) evaluateFilter(l *contactList, e *evaluation) {
	st := s.store
	for i, id := range st.ids {
		if st.arch[i] {
			continue
		}
		_, in := l.members[id]
		match := s.matchesFilter(i, l.filter)
		if match == in || e.waits(st.upd[i]) {
			continue
		}
		if match {
			l.join(id, e.when(st.upd[i]), e.publish)
		} else {
			l.leave(id, e.when(st.upd[i]), e.publish)
		}
	}
}

// fill adds every live contact matching l's filter at time at (a DYNAMIC or SNAPSHOT list
// created). Caller holds lists.mu and store.mu (read).
func (s *Server) fill(l *contactList, at int64) {
	st := s.store
	for i, id := range st.ids {
		if !st.arch[i] && s.matchesFilter(i, l.filter) {
			l.join(id, at, true)
		}
	}
}

// matchesFilter reports whether contact i meets every condition. Caller holds store.mu (read).
func (s *Server) matchesFilter(i int, f []ListCondition) bool {
	for _, c := range f {
		v, ok := s.store.value(i, c.Property)
		var hit bool
		switch c.Operator {
		case "", OpIsEqualTo:
			hit = ok && strings.EqualFold(v, c.Value)
		case OpIsNotEqualTo:
			hit = ok && v != "" && !strings.EqualFold(v, c.Value)
		case OpContains:
			hit = ok && strings.Contains(strings.ToLower(v), strings.ToLower(c.Value))
		case OpIsKnown:
			hit = ok && v != ""
		case OpIsUnknown:
			hit = !ok || v == ""
		}
		if !hit {
			return false
		}
	}
	return true
}
