package destination

import (
	"encoding/json"
	"sync"

	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/destination-insider/mapping"
	"github.com/insider-hubspot/connectors/internal/jsontext"
	"github.com/insider-hubspot/connectors/protocol"
)

// This file holds the list memberships a batch carries (audience_attribute): per user, the list
// names to add to the audience attribute, sent as one upsert request whose users append to the
// array (no not_append), and the names to remove, sent as one attribute-delete request
// (custom.partial). All the changes of one user in a batch travel in one user object of each
// request, and a name changed twice in a batch is sent as its last change, so the two requests
// commute. Across batches, the read loop keeps a change from overtaking an opposite change of
// the same name for the same user still in flight (audienceFlight).

// audienceChange is one name to add to a user's audience attribute (add) or remove from it.
type audienceChange struct {
	name string
	add  bool
}

// membershipChanges are the changes of a membership record, in the order they apply: a renamed
// list's old name goes before its new one.
func membershipChanges(ms *mapping.Membership) []audienceChange {
	if ms.Previous != "" {
		return []audienceChange{{name: ms.Previous}, {name: ms.Name, add: true}}
	}
	return []audienceChange{{name: ms.Name, add: ms.Join}}
}

// audienceUser is what one user's records of a batch change.
type audienceUser struct {
	ids   []byte          // the encoded identifiers object
	names []string        // each name changed, once, in the order first changed
	add   map[string]bool // name -> its last change: added (true) or removed
}

// audiencePart is the list memberships of one batch and their records.
type audiencePart struct {
	cfg    *Config
	flight *audienceFlight
	attr   []byte // the encoded audience attribute name
	users  []*audienceUser
	byIDs  map[string]int
	// Per record: its ref, key, stream and user, and whether it adds or removes names.
	refs                []protocol.RecordRef
	keys                []string
	stream              []string
	recUser             []int
	recAdds, recRemoves []bool
	// size bounds the body of either request, in bytes.
	size int

	// Built by materialize: the upsert of the users with names to add and the attribute delete
	// of those with names to remove, and the index of each user in them (-1 when not there).
	joins          *insider.Batch
	exits          *insider.AttributeDeletes
	joinOf, exitOf []int
	held           bool // its changes are held in flight
	scratch        []byte
}

// Fixed parts of a join user, the longer of the two user objects:
// {"identifiers":<ids>,"attributes":{"custom":{<attr>:[<names>]}}}
const (
	joinUserStart  = `{"identifiers":`
	joinUserMiddle = `,"attributes":{"custom":{`
	joinUserEnd    = `]}}}`
)

func newAudiencePart(cfg *Config, flight *audienceFlight) *audiencePart {
	a := &audiencePart{cfg: cfg, flight: flight, attr: jsontext.AppendString(nil, cfg.AudienceAttribute),
		byIDs: map[string]int{}, joins: newBatch(cfg), exits: insider.NewAttributeDeletes()}
	a.reset()
	return a
}

// reset empties the part, keeping its memory.
func (a *audiencePart) reset() {
	a.users = a.users[:0]
	clear(a.byIDs)
	a.refs, a.keys, a.stream, a.recUser = a.refs[:0], a.keys[:0], a.stream[:0], a.recUser[:0]
	a.recAdds, a.recRemoves = a.recAdds[:0], a.recRemoves[:0]
	a.joins.Reset(a.cfg.SkipHook)
	a.exits.Reset()
	a.joinOf, a.exitOf = a.joinOf[:0], a.exitOf[:0]
	a.size = max(a.joins.Size(), a.exits.Size())
	a.held = false
}

// records is the number of records the part holds.
func (a *audiencePart) records() int {
	if a == nil {
		return 0
	}
	return len(a.refs)
}

// userCount is the number of users the part holds.
func (a *audiencePart) userCount() int {
	if a == nil {
		return 0
	}
	return len(a.users)
}

// bodyBytes bounds the bytes of the part's two request bodies.
func (a *audiencePart) bodyBytes() int {
	if a.records() == 0 {
		return 0
	}
	return 2 * a.size
}

// nameBytes is what a name adds to a user object: its encoding and a comma.
func nameBytes(name string) int { return len(jsontext.AppendString(nil, name)) + 1 }

// extraFor is what adding the changes of the user with ids would add to the bound of each body,
// and whether the user is new to the part.
func (a *audiencePart) extraFor(ids []byte, changes []audienceChange) (bytes int, newUser bool) {
	var u *audienceUser
	if i, ok := a.byIDs[string(ids)]; ok {
		u = a.users[i]
	} else {
		newUser = true
		bytes = len(joinUserStart) + len(ids) + len(joinUserMiddle) + len(a.attr) + len(":[") + len(joinUserEnd) + 1
	}
	for _, c := range changes {
		if u == nil {
			bytes += nameBytes(c.name)
		} else if _, seen := u.add[c.name]; !seen {
			bytes += nameBytes(c.name)
		}
	}
	return bytes, newUser
}

// add puts the changes of one record into the part; a change of a name the user already
// changed in this batch replaces it.
func (a *audiencePart) add(ids []byte, changes []audienceChange, ref protocol.RecordRef, key, stream string) {
	extra, _ := a.extraFor(ids, changes)
	a.size += extra
	i, ok := a.byIDs[string(ids)]
	if !ok {
		i = len(a.users)
		a.byIDs[string(ids)] = i
		a.users = append(a.users, &audienceUser{ids: ids, add: map[string]bool{}})
	}
	u := a.users[i]
	adds, removes := false, false
	for _, c := range changes {
		if _, seen := u.add[c.name]; !seen {
			u.names = append(u.names, c.name)
		}
		u.add[c.name] = c.add
		adds, removes = adds || c.add, removes || !c.add
	}
	a.recAdds = append(a.recAdds, adds)
	a.recRemoves = append(a.recRemoves, removes)
	a.refs = append(a.refs, ref)
	a.keys = append(a.keys, key)
	a.stream = append(a.stream, stream)
	a.recUser = append(a.recUser, i)
}

// materialize builds the two request bodies and holds the part's changes in flight.
func (a *audiencePart) materialize() {
	if a.records() == 0 {
		return
	}
	a.joins.Reset(a.cfg.SkipHook)
	a.exits.Reset()
	a.joinOf, a.exitOf = a.joinOf[:0], a.exitOf[:0]
	for _, u := range a.users {
		a.joinOf = append(a.joinOf, -1)
		a.exitOf = append(a.exitOf, -1)
		var remove []json.RawMessage
		a.scratch = append(a.scratch[:0], joinUserStart...)
		a.scratch = append(a.scratch, u.ids...)
		a.scratch = append(a.scratch, joinUserMiddle...)
		a.scratch = append(a.scratch, a.attr...)
		a.scratch = append(a.scratch, ":["...)
		adds := 0
		for _, n := range u.names {
			enc := jsontext.AppendString(nil, n)
			if !u.add[n] {
				remove = append(remove, enc)
				continue
			}
			if adds > 0 {
				a.scratch = append(a.scratch, ',')
			}
			adds++
			a.scratch = append(a.scratch, enc...)
		}
		if adds > 0 {
			a.scratch = append(a.scratch, joinUserEnd...)
			a.joinOf[len(a.joinOf)-1] = a.joins.Len()
			a.joins.Add(a.scratch)
		}
		if len(remove) > 0 {
			d := insider.AttributeDelete{Identifiers: u.ids,
				CustomPartial: map[string][]json.RawMessage{a.cfg.AudienceAttribute: remove}}
			a.exitOf[len(a.exitOf)-1] = a.exits.Len()
			a.scratch = d.AppendJSON(a.scratch[:0])
			a.exits.Add(a.scratch)
		}
	}
	a.flight.hold(a)
}

// audienceFlight holds the changes of the batches handed to the senders and not yet answered,
// so that the read loop can keep a change from overtaking an opposite change of the same name
// for the same user. It is safe for concurrent use.
type audienceFlight struct {
	mu   sync.Mutex
	held map[string]int // flightKey -> batches holding it
}

func newAudienceFlight() *audienceFlight { return &audienceFlight{held: map[string]int{}} }

// flightKey names one change of one user.
func flightKey(add bool, ids []byte, name string) string {
	dir := "-"
	if add {
		dir = "+"
	}
	return dir + string(ids) + "\x00" + name
}

// hold notes the changes of a part handed to a sender.
func (f *audienceFlight) hold(a *audiencePart) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range a.users {
		for _, n := range u.names {
			f.held[flightKey(u.add[n], u.ids, n)]++
		}
	}
	a.held = true
}

// release forgets the changes of a part once it is answered.
func (f *audienceFlight) release(a *audiencePart) {
	if a == nil || !a.held {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range a.users {
		for _, n := range u.names {
			k := flightKey(u.add[n], u.ids, n)
			if f.held[k]--; f.held[k] <= 0 {
				delete(f.held, k)
			}
		}
	}
	a.held = false
}

// opposes reports whether a change opposite to one of changes, for the user with ids, is in
// flight.
func (f *audienceFlight) opposes(ids []byte, changes []audienceChange) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.held) == 0 {
		return false
	}
	for _, c := range changes {
		if f.held[flightKey(!c.add, ids, c.name)] > 0 {
			return true
		}
	}
	return false
}
