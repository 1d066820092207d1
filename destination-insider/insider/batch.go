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
	userList
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
	b.restart(func(buf []byte) []byte {
		buf = append(buf, `{"skip_hook":`...)
		buf = strconv.AppendBool(buf, skipHook)
		if b.callback != nil {
			buf = append(buf, `,"error_callback_endpoint":`...)
			buf = append(buf, b.callback...)
		}
		return append(buf, `,"users":[`...)
	})
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

func (b *Batch) part(lo, hi int) usersBody { return b.slice(lo, hi) }
