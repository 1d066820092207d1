package source

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// listContactsCache bounds how many contacts a run keeps after their records are written, so a
// contact in several lists is read once; past it, contacts are read for each list again.
const listContactsCache = 100_000

// listContacts reads the contact of list_memberships records by batch read of 100, as event
// streams do, and keeps what it read for the lists that follow.
//
// A batch read by the id of a contact merged away answers the contact it was merged into, under
// that contact's id, with the ids merged into it in hs_merged_object_ids. Each answer is
// therefore filed under every id it resolves: its own and those. A contact that no longer
// exists (deleted, or never a contact) is absent from the answer and its records get a null
// contact. Not safe for concurrent use.
type listContacts struct {
	client *hubspot.Client
	enc    *propertyEncoder
	names  []string          // properties requested: the configured ones and hs_merged_object_ids
	cache  map[uint64][]byte // encoded contact by id; a nil value: no such contact
	reads  int               // batch reads made
}

// newListContacts builds the reader for the contact object of the configured stream: the
// event_contact_properties, typed by the stream's contact schema.
func (r *readRun) newListContacts(cs *protocol.ConfiguredStream) (*listContacts, error) {
	contactCols, err := schemaColumns(cs.Stream.JSONSchema, "contact", nil)
	if err != nil {
		return nil, configErr("stream "+listsStream+": "+err.Error(), nil)
	}
	kinds := map[string]propertyKind{}
	for _, c := range contactCols {
		kinds[c.name] = c.kind
	}
	var cols []column
	var names []string
	merged := false
	for _, n := range r.cfg.EventContactProperties {
		if n = strings.TrimSpace(n); n != "" {
			cols = append(cols, column{name: n, kind: kinds[n]})
			names = append(names, n)
			merged = merged || n == mergedIDsProperty
		}
	}
	if !merged {
		names = append(names, mergedIDsProperty)
	}
	return &listContacts{client: r.client, enc: newPropertyEncoder(cols, false), names: names,
		cache: map[uint64][]byte{}}, nil
}

// cached reports whether the contact of id is known (found or missing) without a read.
func (lc *listContacts) cached(id uint64) bool {
	_, ok := lc.cache[id]
	return ok
}

// load reads the contacts of ids, at most hubspot.MaxBatchRead of them and none cached, with
// one batch read, and returns each: the encoded object, or nil when there is no such contact.
// They are cached while the cache has room.
func (lc *listContacts) load(ctx context.Context, ids []uint64) (map[uint64][]byte, error) {
	if len(ids) > hubspot.MaxBatchRead {
		return nil, fmt.Errorf("read %d contacts at once, more than a batch read takes", len(ids))
	}
	out := make(map[uint64][]byte, len(ids))
	want := make([]string, len(ids))
	for i, id := range ids {
		out[id] = nil
		want[i] = strconv.FormatUint(id, 10)
	}
	objs, err := lc.client.BatchReadContacts(ctx, want, lc.names)
	if err != nil {
		return nil, fmt.Errorf("read the contacts of list members: %w", err)
	}
	lc.reads++
	for i := range objs {
		b, err := lc.enc.appendObject(nil, objs[i].Properties)
		if err != nil {
			return nil, fmt.Errorf("contact %s: %w", objs[i].ID, err)
		}
		for _, id := range resolvedIDs(&objs[i]) {
			if _, asked := out[id]; asked {
				out[id] = b
			}
		}
	}
	if len(lc.cache)+len(ids) <= listContactsCache {
		for _, id := range ids {
			lc.cache[id] = out[id]
		}
	}
	return out, nil
}

// resolvedIDs are the ids a batch read answers with o: its own and those merged into it.
func resolvedIDs(o *hubspot.Object) []uint64 {
	var ids []uint64
	if id, err := strconv.ParseUint(o.ID, 10, 64); err == nil {
		ids = append(ids, id)
	}
	_ = hubspot.ScanProperties(o.Properties, func(name, value []byte, isNull bool) error {
		if isNull || string(name) != mergedIDsProperty {
			return nil
		}
		for _, f := range strings.Split(string(value), ";") {
			if id, err := strconv.ParseUint(strings.TrimSpace(f), 10, 64); err == nil {
				ids = append(ids, id)
			}
		}
		return nil
	})
	return ids
}
