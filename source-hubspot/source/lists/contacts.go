package lists

import (
	"context"
	"fmt"
	"strconv"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// contactCacheMax bounds how many contacts a run keeps after their records are written, so a
// contact in several lists is read once; past it, contacts are read for each list again.
const contactCacheMax = 100_000

// contactReader reads the contact of list_memberships records by batch read of 100, as event
// streams do, and keeps what it read for the lists that follow.
//
// Each answer is filed under every id it resolves (stream.ReadResolved), so the members that are
// ids merged away get the contact they were merged into. A contact that no longer exists
// (deleted, or never a contact) is absent from the answer and its records get a null contact.
// Not safe for concurrent use.
type contactReader struct {
	client *hubspot.Client
	enc    *stream.PropertyEncoder
	names  []string          // the configured properties (hs_merged_object_ids is added to each read)
	cache  map[uint64][]byte // encoded contact by id; a nil value: no such contact
	reads  int               // batch reads made
}

// newContactReader builds the reader for the contact object of the configured stream: the
// event_contact_properties, typed by the stream's contact schema.
func newContactReader(r *stream.Run, cs *protocol.ConfiguredStream) (*contactReader, error) {
	cols, names, err := r.ContactColumns(cs)
	if err != nil {
		return nil, err
	}
	return &contactReader{client: r.Client, enc: stream.NewPropertyEncoder(cols, false), names: names,
		cache: map[uint64][]byte{}}, nil
}

// cached reports whether the contact of id is known (found or missing) without a read.
func (lc *contactReader) cached(id uint64) bool {
	_, ok := lc.cache[id]
	return ok
}

// load reads the contacts of ids, at most hubspot.MaxBatchRead of them and none cached, with
// one batch read, and returns each: the encoded object, or nil when there is no such contact.
// They are cached while the cache has room.
func (lc *contactReader) load(ctx context.Context, ids []uint64) (map[uint64][]byte, error) {
	if len(ids) > hubspot.MaxBatchRead {
		return nil, fmt.Errorf("read %d contacts at once, more than a batch read takes", len(ids))
	}
	want := make([]string, len(ids))
	for i, id := range ids {
		want[i] = strconv.FormatUint(id, 10)
	}
	found, err := stream.ReadEncoded(ctx, lc.client, want, lc.names, lc.enc)
	if err != nil {
		return nil, fmt.Errorf("read the contacts of list members: %w", err)
	}
	lc.reads++
	out := make(map[uint64][]byte, len(ids))
	for i, id := range ids {
		out[id] = found[want[i]] // nil: no such contact
	}
	if len(lc.cache)+len(ids) <= contactCacheMax {
		for _, id := range ids {
			lc.cache[id] = out[id]
		}
	}
	return out, nil
}
