package destination

import (
	"github.com/insider-hubspot/connectors/destination-insider/mapping"
	"github.com/insider-hubspot/connectors/protocol"
)

// op is what a record asks of Insider. The read loop decides it once per record, from the
// values the mapping scanned, before the record is mapped; each op has its own path to the
// sender. A new kind of record (a change of identity, cleared attributes, a permanent delete,
// joining or leaving an audience) is a new op.
type op uint8

const (
	// opUpsert maps the record and upserts the user or event it becomes.
	opUpsert op = iota
	// opArchive handles an archived contact as deletion_mode says: it is skipped, or its
	// profile is deleted or anonymized. The record is not mapped: only its identifiers count.
	opArchive
	// opMerge re-keys the profiles of the contacts merged into the record's contact to its id
	// (merge_mode update_identity), then upserts it.
	opMerge
)

// opOf decides the op of a record of stream s, scanned as r. merges says that merge_mode asks
// for the merges of contacts; the merge is returned with opMerge.
func opOf(m *mapping.Mapper, s mapping.Stream, r mapping.Record, merges bool) (op, mapping.Merge) {
	if !s.Contacts() {
		return opUpsert, mapping.Merge{}
	}
	if r.Archived() {
		return opArchive, mapping.Merge{}
	}
	if merges {
		if g, ok := m.Merge(r); ok {
			return opMerge, g
		}
	}
	return opUpsert, mapping.Merge{}
}

// archiveCall is the delete or anonymize call of one archived contact (deletion_mode
// delete_profile or anonymize).
type archiveCall struct {
	ids []byte // the encoded identifiers object that finds the profile
	key string
	ref protocol.RecordRef
}

// mergeCall is one merged contact to re-key and upsert (merge_mode update_identity). HubSpot
// either gave the merged contact a new id (both old ids now resolve to it) or kept the
// primary's id; either way, for each merged-away id the profile keyed by it is re-keyed to the
// survivor's id (PATCH identity), or deleted when the survivor already has a profile, and then
// the record is upserted.
type mergeCall struct {
	key    string
	merge  mapping.Merge
	user   []byte // the mapped user, upserted after the identity changes
	events int
	ref    protocol.RecordRef
}
