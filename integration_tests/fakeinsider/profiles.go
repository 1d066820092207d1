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

// merge applies one validated user where resolve puts it: a new profile, or the surviving
// profile of those it unifies, with the identifiers it keeps. An existing identifier value is
// never changed by upsert ("will not change an existing identifier",
// https://academy.insiderone.com/docs/upsert-user-data-api). It returns the identifiers the
// user carried that were dropped (see identity.go).
func (db *profileDB) merge(u *user, now time.Time, prio priority) []Identifier {
	db.mu.Lock()
	defer db.mu.Unlock()
	r := db.resolve(u, prio)
	var p *Profile
	if len(r.members) == 0 {
		db.seq++
		p = &Profile{InsiderID: u.insiderID, Attributes: map[string]any{}, Events: []Event{},
			Identifiers: Identifiers{Custom: map[string]string{}}}
		if p.InsiderID == "" {
			p.InsiderID = fmt.Sprintf("fakeiid%08d", db.seq)
		}
		db.byID[p.InsiderID] = p
	} else {
		p = db.unify(r.members)
	}
	for _, id := range r.kept {
		p.Identifiers.set(id.Type, id.Value)
	}
	mergeAttributes(p.Attributes, u.attrs, u.overwrite)
	for _, ev := range u.events {
		p.Events = addEvent(p.Events, ev)
	}
	p.Upserts++
	p.UpdatedAt = now
	for _, k := range keys(p.InsiderID, p.Identifiers) {
		db.index[k] = p.InsiderID
	}
	return r.dropped
}

// unify folds the profiles iids into the first: identifiers are the union (resolve checked that
// they fit), attribute values of the most recently updated profile win and arrays are joined,
// events are joined. The others are removed. Caller holds db.mu.
func (db *profileDB) unify(iids []string) *Profile {
	p := db.byID[iids[0]]
	if len(iids) == 1 {
		return p
	}
	ps := make([]*Profile, len(iids))
	for i, iid := range iids {
		ps[i] = db.byID[iid]
	}
	byAge := slices.Clone(ps)
	slices.SortStableFunc(byAge, func(a, b *Profile) int { return a.UpdatedAt.Compare(b.UpdatedAt) })
	attrs := map[string]any{}
	for _, o := range byAge {
		mergeAttributes(attrs, o.Attributes, false)
	}
	p.Attributes = attrs
	for _, o := range ps[1:] {
		for _, id := range o.Identifiers.List() {
			p.Identifiers.set(id.Type, id.Value)
		}
		for _, ev := range o.Events {
			p.Events = addEvent(p.Events, ev)
		}
		p.Upserts += o.Upserts
		p.Anonymized = p.Anonymized && o.Anonymized
		db.drop(o.InsiderID)
	}
	return p
}

// mergeAttributes overwrites scalars; arrays append new values unless overwrite (not_append).
// Documented (https://academy.insiderone.com/docs/upsert-user-data-api): "When you send data to
// an array attribute for a user, the new values are added to the existing ones by default";
// "not_append": true or "append": false overwrite. [inferred]: a value the array already holds
// is not added twice (values compared as JSON values), and an array sent to an attribute that
// holds no array replaces it.
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
// ("Sending the same event 100 times results in only one entry", Insider's Postman collection).
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

// Find returns the profile holding the identifier typ ("email", "phone_number", "uuid" or
// "custom.<name>") with value v. Values are compared exactly, as Insider documents no
// normalisation.
func (s *Server) Find(typ, v string) (Profile, bool) { return s.find(idKey(typ, v)) }

// FindByEmail returns the profile whose email identifier equals email exactly.
func (s *Server) FindByEmail(email string) (Profile, bool) { return s.Find(TypeEmail, email) }

// FindByPhone returns the profile whose phone_number identifier equals phone (E.164).
func (s *Server) FindByPhone(phone string) (Profile, bool) { return s.Find(TypePhone, phone) }

// FindByUUID returns the profile whose uuid identifier equals uuid.
func (s *Server) FindByUUID(uuid string) (Profile, bool) { return s.Find(TypeUUID, uuid) }

// FindByCustom returns the profile whose custom identifier name has value.
func (s *Server) FindByCustom(name, value string) (Profile, bool) {
	return s.Find(customPrefix+name, value)
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
