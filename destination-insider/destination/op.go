package destination

import (
	"github.com/insider-hubspot/connectors/destination-insider/mapping"
	"github.com/insider-hubspot/connectors/protocol"
)

// op is what a record asks of Insider. The read loop decides it once per record, from the
// values the mapping scanned, before the record is mapped; each op has its own path to the
// sender. A new kind of record (joining or leaving an audience) is a new op.
type op uint8

const (
	// opUpsert maps the record and upserts the user or event it becomes, in a batch; under
	// clear_empty_values its empty mapped attributes are cleared after the batch is accepted.
	opUpsert op = iota
	// opArchive handles an archived or permanently deleted contact as deletion_mode or
	// permanent_deletion_mode says: it is skipped, or its profile, found by its id alone, is
	// deleted or anonymized, and so are those keyed by the ids merged into it. The record is not
	// mapped.
	opArchive
	// opProfile changes the contact's profile before its upsert: the profiles of the contacts
	// merged into it are re-keyed to its id (merge_mode update_identity), and its changed
	// identifiers are re-keyed or removed (identity_changes follow). The record is then upserted
	// alone, and its empty values cleared.
	opProfile
)

// opOf decides the op of a record of stream s, scanned as r, under cfg. For opProfile it
// returns what changes (the merge, the identity changes); changes without a call (invalid old
// values alone) go with opUpsert.
func opOf(m *mapping.Mapper, cfg *Config, s mapping.Stream, r mapping.Record) (op, *profileCall) {
	if !s.Contacts() {
		return opUpsert, nil
	}
	if r.Archived() {
		return opArchive, nil
	}
	var merge *mapping.Merge
	if cfg.MergeMode == MergeUpdateIdentity {
		if g, ok := m.Merge(r); ok {
			merge = &g
		}
	}
	var changes mapping.Changes
	if cfg.IdentityChanges == IdentityFollow {
		changes = m.IdentityChanges(r)
	}
	switch {
	case merge == nil && changes.Empty():
		return opUpsert, nil
	case merge == nil && len(changes.Rekeys) == 0 && len(changes.Cleared) == 0:
		return opUpsert, &profileCall{changes: changes} // invalid old values alone: counted
	}
	c := &profileCall{merge: merge, changes: changes}
	if len(changes.Rekeys)+len(changes.Cleared) > 0 {
		c.own = m.OwnProfile(r).Profile
	}
	return opProfile, c
}

// archiveCall is the delete or anonymize calls of one archived or permanently deleted contact.
type archiveCall struct {
	key       string // the record's primary key (the contact id)
	permanent bool   // deleted permanently: permanent_deletion_mode applies
	mode      string // delete_profile or anonymize
	own       []byte // the identifiers object of the contact's own profile (its id alone)
	merged    []string
	profiles  [][]byte // the identifiers objects of the profiles keyed by the merged ids
	ref       protocol.RecordRef
}

// profileCall is one contact whose profile changes before its upsert (opProfile). HubSpot
// either gave a merged contact a new id (both old ids now resolve to it) or kept the primary's
// id; either way, for each merged-away id the profile keyed by it is re-keyed to the survivor's
// id (PATCH identity), or deleted when the survivor already has a profile. Then each changed
// identifier is re-keyed from its old value to its new one, an emptied one is removed from the
// contact's own profile, the record is upserted and its empty values cleared.
type profileCall struct {
	key     string
	merge   *mapping.Merge // nil: no merge to follow
	changes mapping.Changes
	own     []byte // the contact's own profile by its id, read when a change finds no profile; nil when no identifier is mapped from it
	user    []byte // the mapped user; nil when it has no attribute to upsert
	events  int
	clear   []byte // the attribute deletions of its empty values; nil for none
	email   string // its email and phone identifiers, claimed for the reclaim (claims.go)
	phone   string
	ref     protocol.RecordRef
}
