package destination

import (
	"github.com/insider-hubspot/connectors/destination-insider/destination/profiles"
	"github.com/insider-hubspot/connectors/destination-insider/mapping"
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
	// opAudience adds a list name to the contact's audience attribute or removes it
	// (list_memberships under audience_attribute; audience.go).
	opAudience
	// opSoftDelete deletes, or anonymizes, the profile the matching key of a record of a
	// data-activation stream's soft_delete operation finds (softdelete.go). The record is not
	// mapped.
	opSoftDelete
)

// opOf decides the op of a record of stream s, scanned as r, under cfg. For opProfile it
// returns what changes (the merge, the identity changes); changes without a call (invalid old
// values alone) go with opUpsert.
func opOf(m *mapping.Mapper, cfg *Config, s mapping.Stream, r mapping.Record) (op, *profiles.Change) {
	switch {
	case s.Audience():
		return opAudience, nil
	case s.Operation() == mapping.OperationSoftDelete:
		return opSoftDelete, nil
	}
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
		return opUpsert, &profiles.Change{Changes: changes} // invalid old values alone: counted
	}
	c := &profiles.Change{Merge: merge, Changes: changes}
	if len(changes.Rekeys)+len(changes.Cleared) > 0 {
		c.Own = m.OwnProfile(r).Profile
	}
	return opProfile, c
}
