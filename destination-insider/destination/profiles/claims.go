package profiles

import (
	"slices"
	"sync"

	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/destination-insider/mapping"
	"github.com/insider-hubspot/connectors/internal/jsontext"
)

// Insider's upsert never moves an identifier: a contact upserted with an email that another
// profile still holds gets a profile without it. Within one run that happens when the profile
// that holds the value lets go of it later in the run: a contact deleted in HubSpot whose email
// a new contact took (the source delivers live contacts before deleted ones), or a contact
// whose email changed to one another contact gave up. So the run keeps, for each email and
// phone number it upserted, the contact that claimed it (its mapped user), and a call that
// frees a value (a delete or anonymization, a re-key away from it, an identifier removed) hands
// it to its claimant: the claimant is upserted again, after re-keying it first when Insider
// refused that re-key because the value was taken. A delete learns which values it frees by
// reading the profile first (one read per deleted profile, only once a contact was upserted).
//
// The book is bounded in memory; past the bound no new claim is kept, and a freed value whose
// claimant was not kept is logged once.

// maxClaimBytes bounds the memory of the claims of one run.
const maxClaimBytes = 16 << 20

// claim is the contact of this run that wants an identifier value.
type claim struct {
	key  string
	user []byte // its mapped user, upserted again once the value is free
	// change is a re-key to the value that Insider refused because another profile held it.
	change *mapping.IdentityChange
}

// claimed is a claim as the book keeps it: the user is users[off:off+n] of the book's arena.
type claimed struct {
	key    string
	off, n int
	change *mapping.IdentityChange
}

// claimBook is the claims of one run by identifier value (the encoded identifiers object of
// that one identifier, hashed). Users are kept back to back in one arena, so a claim costs no
// allocation of its own. It is safe for concurrent use.
type claimBook struct {
	mu      sync.Mutex
	byValue map[uint64]int // value hash -> index in claims
	claims  []claimed
	arena   []byte
	limit   int
	full    bool // a claim was not kept: the bound was reached
	warned  bool // a freed value without a kept claimant was logged
	scratch []byte
}

func newClaimBook(limit int) *claimBook {
	return &claimBook{byValue: map[uint64]int{}, limit: limit}
}

// claim records that contact key was upserted as user with the email and phone number given
// ("" for none).
func (b *claimBook) claim(key string, user []byte, email, phone string) {
	if b == nil || (email == "" && phone == "") {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	c := claimed{key: key}
	for _, v := range [][2]string{{"email", email}, {"phone_number", phone}} {
		if v[1] == "" {
			continue
		}
		b.scratch = appendOneID(b.scratch[:0], v[0], v[1])
		if i, ok := b.byValue[hashValue(b.scratch)]; ok && b.claims[i].key == key && b.claims[i].change != nil {
			c.change = b.claims[i].change // a refused re-key of this contact to the value stays pending
		}
	}
	i, ok := b.keep(c, user)
	if !ok {
		return
	}
	if email != "" {
		b.scratch = appendOneID(b.scratch[:0], "email", email)
		b.byValue[hashValue(b.scratch)] = i
	}
	if phone != "" {
		b.scratch = appendOneID(b.scratch[:0], "phone_number", phone)
		b.byValue[hashValue(b.scratch)] = i
	}
}

// claimChange records that Insider refused to re-key contact key as change because another
// profile held the new value; user is its mapped user (nil when it has none).
func (b *claimBook) claimChange(key string, user []byte, change mapping.IdentityChange) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if i, ok := b.keep(claimed{key: key, change: &change}, user); ok {
		b.byValue[hashValue(change.New)] = i
	}
}

// keep stores c with a copy of user, unless the bound is reached; b.mu is held.
func (b *claimBook) keep(c claimed, user []byte) (int, bool) {
	if len(b.arena)+len(user) > b.limit {
		b.full = true
		return 0, false
	}
	c.off, c.n = len(b.arena), len(user)
	b.arena = append(b.arena, user...)
	b.claims = append(b.claims, c)
	return len(b.claims) - 1, true
}

// take removes and returns the claim on value unless its contact is one of self; lost reports
// that no claim was found while the book had to leave some out, the first time only.
func (b *claimBook) take(value string, self []string) (c *claim, lost bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	h := hashValue([]byte(value))
	i, ok := b.byValue[h]
	if !ok {
		if b.full && !b.warned {
			b.warned = true
			return nil, true
		}
		return nil, false
	}
	k := b.claims[i]
	if slices.Contains(self, k.key) {
		return nil, false
	}
	delete(b.byValue, h)
	return &claim{key: k.key, user: slices.Clone(b.arena[k.off : k.off+k.n]), change: k.change}, false
}

// drop removes the claim of contact key on value, if it still holds it.
func (b *claimBook) drop(value, key string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	h := hashValue([]byte(value))
	if i, ok := b.byValue[h]; ok && b.claims[i].key == key {
		delete(b.byValue, h)
	}
}

// empty reports whether nothing could be claimed: no value was claimed and none left out.
func (b *claimBook) empty() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.byValue) == 0 && !b.full
}

// hashValue is the book's key of an encoded identifier value. Two values of one hash (a chance
// of one in 2^64 per pair) would only make a contact's upsert repeat, or miss its reclaim.
// It is FNV-1a, written out so that it allocates nothing.
func hashValue(v []byte) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for _, c := range v {
		h ^= uint64(c)
		h *= prime
	}
	return h
}

// oneID encodes the identifiers object {typ: v}, as the mapping encodes one identifier.
func oneID(typ, v string) string { return string(appendOneID(nil, typ, v)) }

func appendOneID(b []byte, typ, v string) []byte {
	b = append(b, '{')
	b = jsontext.AppendString(b, typ)
	b = append(b, ':')
	b = jsontext.AppendString(b, v)
	return append(b, '}')
}

// heldValues are the identifier values a profile read found, as book keys.
func heldValues(h insider.Held) []string {
	var out []string
	if h.Email != "" {
		out = append(out, oneID("email", h.Email))
	}
	if h.Phone != "" {
		out = append(out, oneID("phone_number", h.Phone))
	}
	return out
}
