package fakehubspot

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// store keeps contacts sorted by id in parallel slices (ids, upd, crt, arch, recs) so that the
// hot search scan reads contiguous int64 slices. Property values live in records, indexed by
// the slot of the property name in names. Every mutation bumps version, which invalidates the
// search cache.
type store struct {
	mu      sync.RWMutex
	ids     []int64
	upd     []int64 // lastmodifieddate, epoch ms
	crt     []int64 // createdate, epoch ms
	arch    []bool
	recs    []record
	names   []string       // property value slots
	slot    map[string]int // property name -> slot
	byEmail map[string]int64
	nextID  int64
	version uint64
	// mergedInto maps a merged-away contact id to the contact it was merged into (merge.go).
	mergedInto map[int64]int64
	// hist holds recorded property versions and observe is told of every change (history.go).
	hist    map[int64]contactHistory
	observe func(storeChange)
}

func newStore() *store {
	return &store{slot: map[string]int{}, byEmail: map[string]int64{}, nextID: 1, mergedInto: map[int64]int64{},
		hist: map[int64]contactHistory{}}
}

// slotFor returns the value slot of a property name, registering it when new. Caller holds mu.
func (s *store) slotFor(name string) int {
	if i, ok := s.slot[name]; ok {
		return i
	}
	s.names = append(s.names, name)
	s.slot[name] = len(s.names) - 1
	return len(s.names) - 1
}

// record holds one contact's property values packed into a single string, so a million
// contacts cost three heap pointers each instead of one per value (which keeps GC cheap).
type record struct {
	data string   // values of present slots, concatenated in slot order
	ends []uint32 // ends[k] is the end offset in data of slot k's value
	set  []uint64 // bit k set: slot k has a value (possibly "")
}

func (r *record) get(slot int) (string, bool) {
	if slot < 0 || slot/64 >= len(r.set) || r.set[slot/64]&(1<<(slot%64)) == 0 {
		return "", false
	}
	var start uint32
	if slot > 0 {
		start = r.ends[slot-1]
	}
	return r.data[start:r.ends[slot]], true
}

// values unpacks the record into slot -> value.
func (r *record) values() map[int]string {
	m := map[int]string{}
	for slot := range r.ends {
		if v, ok := r.get(slot); ok {
			m[slot] = v
		}
	}
	return m
}

func packRecord(m map[int]string) record {
	top := -1
	size := 0
	for k, v := range m {
		top = max(top, k)
		size += len(v)
	}
	if top < 0 {
		return record{}
	}
	r := record{ends: make([]uint32, top+1), set: make([]uint64, top/64+1)}
	var b strings.Builder
	b.Grow(size)
	for k := 0; k <= top; k++ {
		if v, ok := m[k]; ok {
			b.WriteString(v)
			r.set[k/64] |= 1 << (k % 64)
		}
		r.ends[k] = uint32(b.Len())
	}
	r.data = b.String()
	return r
}

func isDerived(name string) bool {
	return name == PropObjectID || name == PropCreateDate || name == PropLastModified
}

// pos returns the index of id in the sorted ids slice. Caller holds mu.
func (s *store) pos(id int64) (int, bool) {
	return slices.BinarySearch(s.ids, id)
}

// add inserts or replaces contacts; it returns the ids used. Caller must not hold mu.
func (s *store) add(now time.Time, cs []Contact) []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]int64, 0, len(cs))
	for _, c := range cs {
		if c.ID <= 0 {
			c.ID = s.nextID
		}
		if c.ID >= s.nextID {
			s.nextID = c.ID + 1
		}
		if c.CreatedAt.IsZero() {
			c.CreatedAt = now
		}
		if c.UpdatedAt.IsZero() {
			c.UpdatedAt = c.CreatedAt
		}
		m := make(map[int]string, len(c.Properties))
		for k, v := range c.Properties {
			if !isDerived(k) {
				m[s.slotFor(k)] = v
			}
		}
		r := packRecord(m)
		i, found := s.pos(c.ID)
		if found {
			s.noteReplace(i, r, c.UpdatedAt) // history and journal (history.go)
			s.unindexEmail(i)
			s.upd[i], s.crt[i], s.arch[i], s.recs[i] = ms(c.UpdatedAt), ms(c.CreatedAt), c.Archived, r
		} else if i == len(s.ids) {
			s.ids = append(s.ids, c.ID)
			s.upd = append(s.upd, ms(c.UpdatedAt))
			s.crt = append(s.crt, ms(c.CreatedAt))
			s.arch = append(s.arch, c.Archived)
			s.recs = append(s.recs, r)
		} else {
			s.ids = slices.Insert(s.ids, i, c.ID)
			s.upd = slices.Insert(s.upd, i, ms(c.UpdatedAt))
			s.crt = slices.Insert(s.crt, i, ms(c.CreatedAt))
			s.arch = slices.Insert(s.arch, i, c.Archived)
			s.recs = slices.Insert(s.recs, i, r)
		}
		s.indexEmail(i)
		if !found {
			s.noteCreate(i) // journal (history.go)
		}
		out = append(out, c.ID)
	}
	s.version++
	return out
}

func (s *store) indexEmail(i int) {
	if e, ok := s.recs[i].get(s.slotFor("email")); ok && e != "" && !s.arch[i] {
		s.byEmail[strings.ToLower(e)] = s.ids[i]
	}
}

func (s *store) unindexEmail(i int) {
	if e, ok := s.recs[i].get(s.slotFor("email")); ok {
		if s.byEmail[strings.ToLower(e)] == s.ids[i] {
			delete(s.byEmail, strings.ToLower(e))
		}
	}
}

// update sets properties on a contact and moves its lastmodifieddate to at.
func (s *store) update(id int64, at time.Time, props map[string]string) bool {
	return s.change(id, at, func(i int) {
		m := s.recs[i].values()
		for k, v := range props {
			if !isDerived(k) {
				m[s.slotFor(k)] = v
			}
		}
		s.recs[i] = packRecord(m)
	})
}

// archive marks a contact archived (HubSpot's delete): it leaves search, list and get.
func (s *store) archive(id int64, at time.Time) bool {
	return s.change(id, at, func(i int) { s.arch[i] = true })
}

// change applies f to the live contact id (at its position i) with its email index kept right,
// and moves its lastmodifieddate to at. It reports false, changing nothing, for a contact that
// is unknown or archived. The property versions it changes are recorded (changeFrom, history.go).
func (s *store) change(id int64, at time.Time, f func(i int)) bool {
	return s.changeFrom(id, at, defaultSource, f)
}

// contactAt builds the public Contact at index i. Caller holds mu (read).
func (s *store) contactAt(i int) Contact {
	c := Contact{ID: s.ids[i], CreatedAt: fromMS(s.crt[i]), UpdatedAt: fromMS(s.upd[i]), Archived: s.arch[i],
		Properties: map[string]string{}}
	r := &s.recs[i]
	for slot, name := range s.names {
		if v, ok := r.get(slot); ok {
			c.Properties[name] = v
		}
	}
	c.Properties[PropObjectID] = strconv.FormatInt(s.ids[i], 10)
	c.Properties[PropCreateDate] = formatMS(s.crt[i])
	c.Properties[PropLastModified] = formatMS(s.upd[i])
	return c
}

// value returns property name of contact i, deriving the computed ones. Caller holds mu.
func (s *store) value(i int, name string) (string, bool) {
	switch name {
	case PropObjectID:
		return strconv.FormatInt(s.ids[i], 10), true
	case PropCreateDate:
		return formatMS(s.crt[i]), true
	case PropLastModified:
		return formatMS(s.upd[i]), true
	}
	slot, ok := s.slot[name]
	if !ok {
		return "", false
	}
	return s.recs[i].get(slot)
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// formatMS formats epoch ms the way HubSpot sends datetimes: 2026-01-02T03:04:05.678Z.
func formatMS(v int64) string { return fromMS(v).Format("2006-01-02T15:04:05.000Z") }
