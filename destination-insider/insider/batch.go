package insider

import (
	"encoding/json"
	"strconv"
)

// Request limits of the upsert endpoint.
const (
	// MaxUsers is the largest number of users Insider accepts in one upsert request.
	MaxUsers = 1000
	// MaxBodyBytes is the largest upsert request body Insider accepts.
	MaxBodyBytes = 5_000_000
)

// Batch builds the JSON body of one upsert request:
//
//	{"skip_hook":false,"users":[<user>,<user>,...]}
//
// Users are added as already encoded JSON objects, so the body is built once
// in a reused buffer and its exact size is known before it is sent. A Batch
// is not safe for concurrent use; once handed to Client.UpsertBatch it must
// not be changed until that call returns.
type Batch struct {
	buf      []byte
	starts   []int // offset of each user in buf
	usersEnd int   // offset just past the last user; buf may hold the "]}" suffix after it
	skipHook bool
	callback []byte // encoded error_callback_endpoint; nil leaves it out
}

// NewBatch returns an empty batch whose requests carry the given skip_hook.
func NewBatch(skipHook bool) *Batch {
	b := &Batch{}
	b.Reset(skipHook)
	return b
}

// Reset empties the batch, keeping its memory for reuse.
func (b *Batch) Reset(skipHook bool) {
	b.skipHook = skipHook
	b.buf = append(b.buf[:0], `{"skip_hook":`...)
	b.buf = strconv.AppendBool(b.buf, skipHook)
	if b.callback != nil {
		b.buf = append(b.buf, `,"error_callback_endpoint":`...)
		b.buf = append(b.buf, b.callback...)
	}
	b.buf = append(b.buf, `,"users":[`...)
	b.usersEnd = len(b.buf)
	b.starts = b.starts[:0]
}

// SetErrorCallback sets the error_callback_endpoint of the batch's
// requests: the URL Insider notifies when an accepted upsert later fails to
// unify. It empties the batch; Reset keeps it. "" removes it.
func (b *Batch) SetErrorCallback(url string) {
	b.callback = nil
	if url != "" {
		b.callback, _ = json.Marshal(url) // a string always encodes
	}
	b.Reset(b.skipHook)
}

// ErrorCallback returns the batch's error_callback_endpoint, "" when unset.
func (b *Batch) ErrorCallback() string {
	var s string
	_ = json.Unmarshal(b.callback, &s) // nil leaves s empty
	return s
}

// Len reports how many users the batch holds.
func (b *Batch) Len() int { return len(b.starts) }

// Size reports the size in bytes of the encoded request body.
func (b *Batch) Size() int { return b.end() + len("]}") }

// SizeWith reports the body size the batch would have after adding a user
// whose encoding is userLen bytes long.
func (b *Batch) SizeWith(userLen int) int {
	n := b.Size() + userLen
	if len(b.starts) > 0 {
		n++ // separating comma
	}
	return n
}

// Add appends one encoded user object. user must be a JSON object; it is copied.
func (b *Batch) Add(user []byte) {
	b.buf = b.buf[:b.end()]
	if need := len(b.buf) + 1 + len(user) + len("]}"); need > cap(b.buf) {
		// Grow like append, but not far past the largest body Insider takes:
		// memory stays bounded by the number of batches in use.
		grown := make([]byte, len(b.buf), max(need, min(2*cap(b.buf), MaxBodyBytes+len("]}"))))
		copy(grown, b.buf)
		b.buf = grown
	}
	if len(b.starts) > 0 {
		b.buf = append(b.buf, ',')
	}
	b.starts = append(b.starts, len(b.buf))
	b.buf = append(b.buf, user...)
	b.usersEnd = len(b.buf)
}

// User returns the encoding of the i-th user. The slice aliases the batch.
func (b *Batch) User(i int) []byte {
	end := b.end()
	if i+1 < len(b.starts) {
		end = b.starts[i+1] - 1
	}
	return b.buf[b.starts[i]:end]
}

// Body returns the complete request body. The slice aliases the batch and is
// valid until the next Add or Reset.
func (b *Batch) Body() []byte {
	b.buf = append(b.buf[:b.end()], ']', '}')
	return b.buf
}

// Cap reports the memory, in bytes, the batch's buffer holds.
func (b *Batch) Cap() int { return cap(b.buf) }

// SkipHook reports the skip_hook value of the batch.
func (b *Batch) SkipHook() bool { return b.skipHook }

// slice returns a new batch holding users [lo, hi) of b.
func (b *Batch) slice(lo, hi int) *Batch {
	s := NewBatch(b.skipHook)
	s.callback = b.callback
	s.Reset(b.skipHook)
	for i := lo; i < hi; i++ {
		s.Add(b.User(i))
	}
	return s
}

// end is the offset just past the last user (or the prefix when empty).
func (b *Batch) end() int { return b.usersEnd }
