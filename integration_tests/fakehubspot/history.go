package fakehubspot

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Actions: what happened to a contact, as the webhooks journal names it (journal.go).
// GDPR_DELETE exists from the 2027-03-beta subscriptions API on.
const (
	ActionCreate     = "CREATE"
	ActionUpdate     = "UPDATE"
	ActionDelete     = "DELETE"
	ActionMerge      = "MERGE"
	ActionRestore    = "RESTORE"
	ActionGDPRDelete = "GDPR_DELETE"

	// actionPermanentDelete is the store's name for a permanent deletion; the journal records it
	// as GDPR_DELETE or DELETE (see JournalOptions.HidePermanentDeletes).
	actionPermanentDelete = "permanent_delete"
)

// Source says who made a property change, as HubSpot's property history reports it
// (propertiesWithHistory entries: sourceType, sourceId, sourceLabel, updatedByUserId).
type Source struct {
	Type   string // sourceType: CRM_UI, API, IMPORT, INTEGRATION, CALCULATED, ...
	ID     string // sourceId, e.g. "userId:12345"; "" leaves it out
	Label  string // sourceLabel; "" leaves it out
	UserID int64  // updatedByUserId; 0 leaves it out
}

// The sources the fake records when a caller names none: a user in HubSpot's UI for changes
// (UpdateContact, ChangeEmail, churn, ...), an import for the values a contact was added with,
// and HubSpot itself for the derived properties. The values are the fake's choice.
var (
	defaultSource    = Source{Type: "CRM_UI", ID: "userId:12345", UserID: 12345}
	importSource     = Source{Type: "IMPORT", ID: "import:1", Label: "Contacts import"}
	calculatedSource = Source{Type: "CALCULATED"}
)

// PropertyVersion is one entry of a property's history: the value it was set to, when, and by
// what. An empty Value is a cleared property.
type PropertyVersion struct {
	Value     string
	Timestamp time.Time
	Source    Source
}

// version is a recorded PropertyVersion, its time in epoch ms.
type version struct {
	value string
	ts    int64
	src   Source
}

// contactHistory holds one contact's recorded versions per property slot, oldest first. A slot
// without recorded versions has the one version versions synthesizes from its current value.
type contactHistory map[int][]version

// storeChange is one change to a contact, told to the store's observer (the journal) under the
// store's lock, in the order the changes happen. Action is a journal action (journal.go).
type storeChange struct {
	action  string
	id      int64
	at      time.Time
	changed map[string]string        // UPDATE: property -> new value ("" when cleared)
	props   func() map[string]string // CREATE: the contact's values, built only when wanted
	merged  []int64                  // MERGE: the ids merged away
}

// emit tells the observer, if any, of c. Caller holds mu.
func (s *store) emit(c storeChange) {
	if s.observe != nil {
		s.observe(c)
	}
}

// versions returns the versions of slot for the contact at i, oldest first: the recorded ones,
// or, when none was recorded, one for its current value set at its createdate by an import.
// Caller holds mu.
func (s *store) versions(i, slot int) []version {
	if v, ok := s.hist[s.ids[i]][slot]; ok {
		return v
	}
	if v, ok := s.recs[i].get(slot); ok {
		return []version{{value: v, ts: s.crt[i], src: importSource}}
	}
	return nil
}

// recordDiff records a version at `at` for each property whose value differs between the
// contact at i's records before and after, and returns those properties' new values. A value
// removed from the record is recorded as cleared (""). Caller holds mu (write).
func (s *store) recordDiff(i int, before, after record, at int64, src Source) map[string]string {
	old, cur := before.values(), after.values()
	for slot := range old {
		if _, ok := cur[slot]; !ok {
			cur[slot] = ""
		}
	}
	var changed map[string]string
	for slot, v := range cur {
		o, had := old[slot]
		if had && o == v || !had && v == "" {
			continue
		}
		h := s.hist[s.ids[i]]
		if h == nil {
			h = contactHistory{}
			s.hist[s.ids[i]] = h
		}
		if _, ok := h[slot]; !ok && had {
			h[slot] = []version{{value: o, ts: s.crt[i], src: importSource}}
		}
		h[slot] = append(h[slot], version{value: v, ts: at, src: src})
		if changed == nil {
			changed = map[string]string{}
		}
		changed[s.names[slot]] = v
	}
	return changed
}

// changeFrom is change with the source of the change named: it applies f to the live contact id,
// records the versions f changed, and tells the observer (UPDATE, or DELETE when f archived the
// contact).
func (s *store) changeFrom(id int64, at time.Time, src Source, f func(i int)) bool {
	return s.changeChecked(id, at, src, nil, f) == nil
}

// errNotLive is changeChecked's answer for an unknown or archived contact.
var errNotLive = errors.New("no such live contact")

// changeChecked is changeFrom where check, when not nil, may refuse the change (its error is
// returned) before anything moves.
func (s *store) changeChecked(id int64, at time.Time, src Source, check func(i int) error, f func(i int)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.pos(id)
	if !ok || s.arch[i] {
		return errNotLive
	}
	if check != nil {
		if err := check(i); err != nil {
			return err
		}
	}
	before := s.recs[i]
	s.unindexEmail(i)
	f(i)
	s.upd[i] = ms(at)
	s.indexEmail(i)
	s.version++
	changed := s.recordDiff(i, before, s.recs[i], ms(at), src)
	switch {
	case s.arch[i]:
		s.emit(storeChange{action: ActionDelete, id: id, at: at})
	case len(changed) > 0:
		s.emit(storeChange{action: ActionUpdate, id: id, at: at, changed: changed})
	}
	return nil
}

// noteReplace records, before AddContacts replaces the contact at i with r, the versions that
// change, at the new lastmodifieddate, as an import. Caller holds mu (write).
func (s *store) noteReplace(i int, r record, at time.Time) {
	changed := s.recordDiff(i, s.recs[i], r, ms(at), importSource)
	if len(changed) > 0 && !s.arch[i] {
		s.emit(storeChange{action: ActionUpdate, id: s.ids[i], at: at, changed: changed})
	}
}

// noteCreate tells the observer of the contact just added at i. Caller holds mu (write).
func (s *store) noteCreate(i int) {
	if s.arch[i] {
		return
	}
	id := s.ids[i]
	s.emit(storeChange{action: ActionCreate, id: id, at: fromMS(s.crt[i]), props: func() map[string]string {
		out := map[string]string{}
		for slot, v := range s.recs[i].values() {
			out[s.names[slot]] = v
		}
		return out
	}})
}

// UpdateContactFrom is UpdateContact with the source of the change named, as the property
// history will report it.
func (s *Server) UpdateContactFrom(id int64, at time.Time, src Source, props map[string]string) error {
	ok := s.store.changeFrom(id, at, src, func(i int) { s.store.setValues(i, props) })
	if !ok {
		return fmt.Errorf("update contact %d: %s", id, s.store.describe(id))
	}
	return nil
}

// setValues sets properties of the contact at i (derived ones ignored). Caller holds mu (write).
func (s *store) setValues(i int, props map[string]string) {
	m := s.recs[i].values()
	for k, v := range props {
		if !isDerived(k) {
			m[s.slotFor(k)] = v
		}
	}
	s.recs[i] = packRecord(m)
}

// ChangeEmail gives a live contact a new email at time at. Like HubSpot, which keeps an email
// unique among contacts, it refuses an email another live contact has (case-insensitively).
func (s *Server) ChangeEmail(id int64, at time.Time, email string) error {
	err := s.store.changeChecked(id, at, defaultSource, func(int) error {
		if other, ok := s.store.byEmail[strings.ToLower(email)]; ok && other != id {
			return fmt.Errorf("contact %d already has email %q", other, email)
		}
		return nil
	}, func(i int) { s.store.setValues(i, map[string]string{"email": email}) })
	if err != nil {
		if errors.Is(err, errNotLive) {
			return fmt.Errorf("change email of contact %d: %s", id, s.store.describe(id))
		}
		return fmt.Errorf("change email of contact %d: %w", id, err)
	}
	return nil
}

// ChangePhone sets a live contact's phone at time at.
func (s *Server) ChangePhone(id int64, at time.Time, phone string) error {
	return s.UpdateContactFrom(id, at, defaultSource, map[string]string{"phone": phone})
}

// ChangeMobilePhone sets a live contact's mobilephone at time at.
func (s *Server) ChangeMobilePhone(id int64, at time.Time, phone string) error {
	return s.UpdateContactFrom(id, at, defaultSource, map[string]string{"mobilephone": phone})
}

// ClearProperties clears properties of a live contact at time at the way HubSpot documents it (a
// value set to the empty string, https://developers.hubspot.com/docs/api/crm/understanding-the-crm
// "Clearing properties"): reads answer "" for them from then on (HubSpot returns "" for a cleared
// property; never-set properties stay null), search filters treat them as unset, the history
// records a "" version, and lastmodifieddate moves to at, so a window search sees the contact.
func (s *Server) ClearProperties(id int64, at time.Time, names ...string) error {
	props := make(map[string]string, len(names))
	for _, n := range names {
		props[n] = ""
	}
	return s.UpdateContactFrom(id, at, defaultSource, props)
}

// PropertyHistory returns a stored contact's (live or archived) versions of a property, newest
// first, as propertiesWithHistory answers them; nil when it was never set.
func (s *Server) PropertyHistory(id int64, name string) []PropertyVersion {
	st := s.store
	st.mu.RLock()
	defer st.mu.RUnlock()
	i, ok := st.pos(id)
	if !ok {
		return nil
	}
	var out []PropertyVersion
	for _, v := range slices.Backward(st.historyOf(i, name)) {
		out = append(out, PropertyVersion{Value: v.value, Timestamp: fromMS(v.ts), Source: v.src})
	}
	return out
}

// historyOf returns the versions of property name of the contact at i, oldest first; derived
// properties have one version, their current value. Caller holds mu.
func (s *store) historyOf(i int, name string) []version {
	switch name {
	case PropObjectID, PropCreateDate:
		v, _ := s.value(i, name)
		return []version{{value: v, ts: s.crt[i], src: calculatedSource}}
	case PropLastModified:
		v, _ := s.value(i, name)
		return []version{{value: v, ts: s.upd[i], src: calculatedSource}}
	}
	slot, ok := s.slot[name]
	if !ok {
		return nil
	}
	return s.versions(i, slot)
}

// describe says why id is not a live contact, for helpers' errors. Caller must not hold mu.
func (s *store) describe(id int64) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if i, ok := s.pos(id); ok && s.arch[i] {
		return "the contact is archived"
	}
	if to := s.resolveMerged(id); to != id {
		return fmt.Sprintf("the contact was merged into %d", to)
	}
	return "no such live contact"
}

// mergedHistory returns the history of the contact a merge of the contacts at pi (primary) and
// si makes: each property keeps the versions of the contact whose value won (the primary's when
// it has one), and the list of merged ids at mergedSlot gets a version at `at`. Caller holds mu
// (write), before the merge moves anything.
func (s *store) mergedHistory(pi, si, mergedSlot int, merged string, at int64) contactHistory {
	h := contactHistory{}
	for _, from := range []int{si, pi} {
		for slot := range s.recs[from].values() {
			if vs := s.versions(from, slot); len(vs) > 0 {
				h[slot] = slices.Clone(vs)
			}
		}
	}
	h[mergedSlot] = append(h[mergedSlot], version{value: merged, ts: at, src: calculatedSource})
	return h
}
