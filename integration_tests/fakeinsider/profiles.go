package fakeinsider

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"sync"
	"time"
)

// Identifiers are a profile's identifiers (only the ones that were sent).
type Identifiers struct {
	Email       string            `json:"email,omitempty"`
	PhoneNumber string            `json:"phone_number,omitempty"`
	UUID        string            `json:"uuid,omitempty"`
	Custom      map[string]string `json:"custom,omitempty"`
}

// Event is a stored event: the name and timestamp as sent, the parsed instant and the params.
type Event struct {
	Name      string         `json:"event_name"`
	Timestamp string         `json:"timestamp"`
	At        time.Time      `json:"-"`
	Params    map[string]any `json:"event_params,omitempty"`
}

// Profile is one unified user profile. Attributes holds default attributes at the top level and
// custom ones under "custom" (map[string]any), as they were sent (JSON numbers are float64).
type Profile struct {
	InsiderID   string         `json:"insider_id"`
	Identifiers Identifiers    `json:"identifiers"`
	Attributes  map[string]any `json:"attributes"`
	Events      []Event        `json:"events"`
	// Anonymized is set once the anonymize API removed the profile's personal data.
	Anonymized bool `json:"anonymized,omitempty"`
	// Upserts counts the accepted user objects merged into this profile.
	Upserts   int       `json:"upserts"`
	UpdatedAt time.Time `json:"updated_at"`
}

type profileDB struct {
	mu    sync.RWMutex
	seq   int
	byID  map[string]*Profile
	index map[string]string // identifier key (see keys) -> InsiderID
}

func newProfileDB() *profileDB {
	return &profileDB{byID: map[string]*Profile{}, index: map[string]string{}}
}

// keys lists the lookup keys of identifiers (and insider id).
func keys(iid string, ids Identifiers) []string {
	var k []string
	if iid != "" {
		k = append(k, "iid:"+iid)
	}
	if ids.Email != "" {
		k = append(k, "em:"+ids.Email)
	}
	if ids.PhoneNumber != "" {
		k = append(k, "pn:"+ids.PhoneNumber)
	}
	if ids.UUID != "" {
		k = append(k, "uuid:"+ids.UUID)
	}
	for _, n := range slices.Sorted(maps.Keys(ids.Custom)) {
		k = append(k, "c:"+n+"="+ids.Custom[n])
	}
	return k
}

func (db *profileDB) matching(u *user) []*Profile {
	var iids []string
	for _, k := range keys(u.insiderID, u.ids) {
		if iid, ok := db.index[k]; ok && !slices.Contains(iids, iid) {
			iids = append(iids, iid)
		}
	}
	slices.Sort(iids)
	out := make([]*Profile, len(iids))
	for i, iid := range iids {
		out[i] = db.byID[iid]
	}
	return out
}

// merge applies one validated user. Profiles sharing any identifier are unified into the oldest;
// an existing identifier value is never changed by upsert (research insider.md §2.2).
func (db *profileDB) merge(u *user, now time.Time) {
	db.mu.Lock()
	defer db.mu.Unlock()
	found := db.matching(u)
	reindex := keys(u.insiderID, u.ids)
	for _, f := range found {
		reindex = append(reindex, keys(f.InsiderID, f.Identifiers)...)
	}
	var p *Profile
	if len(found) == 0 {
		db.seq++
		p = &Profile{InsiderID: u.insiderID, Attributes: map[string]any{}, Events: []Event{},
			Identifiers: Identifiers{Custom: map[string]string{}}}
		if p.InsiderID == "" {
			p.InsiderID = fmt.Sprintf("fakeiid%08d", db.seq)
		}
		db.byID[p.InsiderID] = p
	} else {
		p = found[0]
		for _, other := range found[1:] {
			mergeIdentifiers(&p.Identifiers, other.Identifiers)
			mergeAttributes(p.Attributes, other.Attributes, false)
			for _, ev := range other.Events {
				p.Events = addEvent(p.Events, ev)
			}
			p.Upserts += other.Upserts
			delete(db.byID, other.InsiderID)
		}
	}
	mergeIdentifiers(&p.Identifiers, u.ids)
	mergeAttributes(p.Attributes, u.attrs, u.overwrite)
	for _, ev := range u.events {
		p.Events = addEvent(p.Events, ev)
	}
	p.Upserts++
	p.UpdatedAt = now
	for _, k := range append(reindex, keys(p.InsiderID, p.Identifiers)...) {
		db.index[k] = p.InsiderID
	}
}

func mergeIdentifiers(dst *Identifiers, src Identifiers) {
	set := func(d *string, v string) {
		if *d == "" {
			*d = v
		}
	}
	set(&dst.Email, src.Email)
	set(&dst.PhoneNumber, src.PhoneNumber)
	set(&dst.UUID, src.UUID)
	if dst.Custom == nil {
		dst.Custom = map[string]string{}
	}
	for k, v := range src.Custom {
		if _, ok := dst.Custom[k]; !ok {
			dst.Custom[k] = v
		}
	}
}

// mergeAttributes overwrites scalars; arrays append new values unless overwrite (not_append).
func mergeAttributes(dst, src map[string]any, overwrite bool) {
	for k, v := range src {
		if k == "custom" {
			sm, _ := v.(map[string]any)
			dm, ok := dst["custom"].(map[string]any)
			if !ok {
				dm = map[string]any{}
				dst["custom"] = dm
			}
			mergeAttributes(dm, sm, overwrite)
			continue
		}
		arr, isArr := v.([]any)
		old, hadArr := dst[k].([]any)
		if isArr && hadArr && !overwrite {
			for _, x := range arr {
				if !slices.ContainsFunc(old, func(o any) bool { return reflect.DeepEqual(o, x) }) {
					old = append(old, x)
				}
			}
			dst[k] = old
			continue
		}
		dst[k] = v
	}
}

// addEvent appends ev unless an event with the same name, instant and params is stored
// ("Sending the same event 100 times results in only one entry", research §2.4).
func addEvent(evs []Event, ev Event) []Event {
	for _, o := range evs {
		if o.Name == ev.Name && o.At.Equal(ev.At) && reflect.DeepEqual(o.Params, ev.Params) {
			return evs
		}
	}
	return append(evs, ev)
}

func cloneProfile(p *Profile) Profile {
	b, err := json.Marshal(p)
	if err != nil {
		panic(fmt.Sprintf("profile %s does not encode: %v", p.InsiderID, err)) // values came from JSON
	}
	var c Profile
	if err := json.Unmarshal(b, &c); err != nil {
		panic(fmt.Sprintf("profile %s does not decode: %v", p.InsiderID, err))
	}
	for i := range c.Events {
		c.Events[i].At = p.Events[i].At
	}
	if c.Identifiers.Custom == nil {
		c.Identifiers.Custom = map[string]string{}
	}
	return c
}

// Profiles returns a deep copy of all profiles, ordered by InsiderID.
func (s *Server) Profiles() []Profile {
	s.db.mu.RLock()
	defer s.db.mu.RUnlock()
	out := make([]Profile, 0, len(s.db.byID))
	for _, id := range slices.Sorted(maps.Keys(s.db.byID)) {
		out = append(out, cloneProfile(s.db.byID[id]))
	}
	return out
}

// ProfileCount returns the number of profiles.
func (s *Server) ProfileCount() int {
	s.db.mu.RLock()
	defer s.db.mu.RUnlock()
	return len(s.db.byID)
}

func (s *Server) find(key string) (Profile, bool) {
	s.db.mu.RLock()
	defer s.db.mu.RUnlock()
	iid, ok := s.db.index[key]
	if !ok {
		return Profile{}, false
	}
	return cloneProfile(s.db.byID[iid]), true
}

// FindByEmail returns the profile whose email identifier equals email exactly.
func (s *Server) FindByEmail(email string) (Profile, bool) { return s.find("em:" + email) }

// FindByPhone returns the profile whose phone_number identifier equals phone (E.164).
func (s *Server) FindByPhone(phone string) (Profile, bool) { return s.find("pn:" + phone) }

// FindByUUID returns the profile whose uuid identifier equals uuid.
func (s *Server) FindByUUID(uuid string) (Profile, bool) { return s.find("uuid:" + uuid) }

// FindByCustom returns the profile whose custom identifier name has value.
func (s *Server) FindByCustom(name, value string) (Profile, bool) {
	return s.find("c:" + name + "=" + value)
}

// DumpJSON writes all profiles as one indented JSON array, ordered by InsiderID.
func (s *Server) DumpJSON(w io.Writer) error {
	s.db.mu.RLock()
	defer s.db.mu.RUnlock()
	all := make([]*Profile, 0, len(s.db.byID))
	for _, id := range slices.Sorted(maps.Keys(s.db.byID)) {
		all = append(all, s.db.byID[id])
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(all); err != nil {
		return fmt.Errorf("dump profiles: %w", err)
	}
	return nil
}

// ResetProfiles deletes every profile.
func (s *Server) ResetProfiles() {
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	s.db.byID = map[string]*Profile{}
	s.db.index = map[string]string{}
}
