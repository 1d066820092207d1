package profiles

import (
	"github.com/insider-hubspot/connectors/destination-insider/mapping"
	"github.com/insider-hubspot/connectors/protocol"
)

// The profile calls of one record, as the destination's read loop decides them before the
// record is mapped.

// Archive is the delete or anonymize calls of one archived or permanently deleted contact, or of
// one record of a data-activation stream's soft_delete operation (SoftDelete).
type Archive struct {
	Key       string   // the record's primary key (the contact id); for SoftDelete its matching key's name (never a value)
	Permanent bool     // deleted permanently: permanent_deletion_mode applies, else deletion_mode
	Anonymize bool     // the mode is anonymize, else delete_profile
	Own       []byte   // the identifiers object of the contact's own profile (its id alone; for SoftDelete the matching key)
	Merged    []string // the ids merged into the contact
	Profiles  [][]byte // the identifiers objects of the profiles keyed by the merged ids
	Ref       protocol.RecordRef
	// SoftDelete marks a record of a soft_delete stream: Insider having no such user means
	// nothing to do (the record is committed), and the calls on one profile are ordered by Own.
	SoftDelete bool
	Stream     string // the record's stream, for logs; "" for contacts
}

// laneKeys are the keys that order the calls on the profiles of a with the other calls and the
// upserts of their contacts.
func (a *Archive) laneKeys() []string {
	if a.SoftDelete {
		return []string{"\x00" + string(a.Own)} // no contact key starts with NUL
	}
	return append([]string{a.Key}, a.Merged...)
}

// stream is the record's stream, for logs.
func (a *Archive) stream() string {
	if a.Stream == "" {
		return mapping.ContactsStream
	}
	return a.Stream
}

// Change is one contact whose profile changes before its upsert. HubSpot either gave a merged
// contact a new id (both old ids now resolve to it) or kept the primary's id; either way, for
// each merged-away id the profile keyed by it is re-keyed to the survivor's id (PATCH
// identity), or deleted when the survivor already has a profile. Then each changed identifier
// is re-keyed from its old value to its new one, an emptied one is removed from the contact's
// own profile, the record is upserted and its empty values cleared.
type Change struct {
	Key     string         // the record's primary key (the contact id)
	Merge   *mapping.Merge // nil: no merge to follow
	Changes mapping.Changes
	Own     []byte // the contact's own profile by its id, read when a change finds no profile; nil when no identifier is mapped from it
	User    []byte // the mapped user; nil when it has no attribute to upsert
	Events  int    // the events in User
	Clear   []byte // the attribute deletions of its empty values; nil for none
	Email   string // its email and phone identifiers, claimed for the reclaim (claims.go)
	Phone   string
	Ref     protocol.RecordRef
}
