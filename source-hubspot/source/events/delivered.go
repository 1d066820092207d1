package events

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// maxDeliveredKeys bounds the occurrences an event stream's state remembers: about 10 bytes each
// (13 in base64), so a state stays near 130 KB at most, whatever the portal's volume. A stream
// with more occurrences inside its event lookback keeps the newest ones, and its lookback for
// late arrivals shrinks to the time they span (lateGuard.capKeys).
const maxDeliveredKeys = 10000

// occKey identifies a delivered occurrence: its occurredAt in epoch milliseconds and the first 8
// bytes of the SHA-256 of its id. Two occurrences are taken for one only when both agree: a
// 64-bit hash collision between occurrences of the same millisecond.
type occKey struct {
	ms int64
	h  uint64
}

func keyOf(id string, occurredAt time.Time) occKey {
	sum := sha256.Sum256([]byte(id))
	return occKey{ms: occurredAt.UnixMilli(), h: binary.BigEndian.Uint64(sum[:8])}
}

func cmpKey(a, b occKey) int {
	if c := cmp.Compare(a.ms, b.ms); c != 0 {
		return c
	}
	return cmp.Compare(a.h, b.h)
}

// deliveredSet is what an event stream remembers of the occurrences it delivered, so that a run
// reading back over its event lookback delivers only the occurrences that arrived late: keys
// holds, sorted, the key of every occurrence delivered with an occurredAt at or after since (in
// epoch milliseconds). It is not safe for concurrent use.
type deliveredSet struct {
	keys  []occKey
	since int64
}

// deliveredJSON is the state shape: {"since": RFC 3339, "count": n, "keys": base64url of, per
// key in order, the uvarint of its millisecond minus the previous key's (the first: minus since),
// then its 8 hash bytes}.
type deliveredJSON struct {
	Since string `json:"since"`
	Count int    `json:"count"`
	Keys  string `json:"keys"`
}

// has reports whether the occurrence k was delivered (as far as the set knows).
func (d *deliveredSet) has(k occKey) bool {
	_, found := slices.BinarySearchFunc(d.keys, k, cmpKey)
	return found
}

// add notes a delivered occurrence.
func (d *deliveredSet) add(k occKey) {
	if n := len(d.keys); n == 0 || cmpKey(d.keys[n-1], k) < 0 {
		d.keys = append(d.keys, k) // occurrences come oldest first: the usual case
		return
	}
	if i, found := slices.BinarySearchFunc(d.keys, k, cmpKey); !found {
		d.keys = slices.Insert(d.keys, i, k)
	}
}

// trimBelow forgets the occurrences before ms: the set covers ms and later at most.
func (d *deliveredSet) trimBelow(ms int64) {
	d.since = max(d.since, ms)
	d.dropBelow(ms)
}

// dropBelow drops the keys before ms, leaving since as it is.
func (d *deliveredSet) dropBelow(ms int64) {
	if i, _ := slices.BinarySearchFunc(d.keys, occKey{ms: ms}, cmpKey); i > 0 {
		d.keys = slices.Clone(d.keys[i:])
	}
}

// MarshalJSON writes the state's "delivered" object, with the keys at or after since.
func (d *deliveredSet) MarshalJSON() ([]byte, error) {
	i, _ := slices.BinarySearchFunc(d.keys, occKey{ms: d.since}, cmpKey)
	keys := d.keys[i:]
	b := make([]byte, 0, len(keys)*10)
	prev := d.since
	for _, k := range keys {
		b = binary.AppendUvarint(b, uint64(k.ms-prev))
		b = binary.BigEndian.AppendUint64(b, k.h)
		prev = k.ms
	}
	return json.Marshal(deliveredJSON{Since: stream.FormatTime(time.UnixMilli(d.since)), Count: len(keys),
		Keys: base64.RawURLEncoding.EncodeToString(b)})
}

// parseDelivered reads the state's "delivered" object; every problem is named.
func parseDelivered(raw json.RawMessage) (*deliveredSet, error) {
	var j deliveredJSON
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return nil, fmt.Errorf("event state delivered: %w", err)
	}
	since, err := stream.ParseTime(j.Since)
	if err != nil {
		return nil, fmt.Errorf("event state delivered.since: %w", err)
	}
	if since.UnixMilli() < 0 {
		// The connector never writes one: occurrences are after 1970, and a zero time is
		// written as 1970-01-01.
		return nil, fmt.Errorf("event state delivered.since %q is before 1970", j.Since)
	}
	b, err := base64.RawURLEncoding.DecodeString(j.Keys)
	if err != nil {
		return nil, fmt.Errorf("event state delivered.keys is not unpadded base64url: %w", err)
	}
	d := &deliveredSet{since: since.UnixMilli(), keys: make([]occKey, 0, min(j.Count, maxDeliveredKeys))}
	prev := d.since
	for len(b) > 0 {
		delta, n := binary.Uvarint(b)
		if n <= 0 || len(b) < n+8 || delta > math.MaxInt64-uint64(max(prev, 0)) {
			return nil, errBadKeys
		}
		k := occKey{ms: prev + int64(delta), h: binary.BigEndian.Uint64(b[n : n+8])}
		if len(d.keys) > 0 && cmpKey(d.keys[len(d.keys)-1], k) >= 0 {
			return nil, errBadKeys
		}
		d.keys = append(d.keys, k)
		prev, b = k.ms, b[n+8:]
	}
	if len(d.keys) != j.Count {
		return nil, fmt.Errorf("event state delivered.keys holds %d keys, count says %d", len(d.keys), j.Count)
	}
	return d, nil
}

var errBadKeys = errors.New("event state delivered.keys is not a list of occurrence keys written by this connector")
