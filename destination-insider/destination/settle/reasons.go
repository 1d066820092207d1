package settle

// Rejection reasons of delivery, as counted in Summary.Rejected beside the mapping's
// (mapping.Reason*).
const (
	ReasonTooLarge       = "too_large"
	ReasonInsider        = "rejected_by_insider" // listed as failed in Insider's 200 answer
	ReasonInsiderRefused = "refused_by_insider"  // Insider answered 400 to a request of only this user
	ReasonArchived       = "archived"            // deletion_mode ignore
	// ReasonDeletedPermanently is a contact deleted permanently under permanent_deletion_mode ignore.
	ReasonDeletedPermanently = "deleted_permanently"
	ReasonNoSuchUser         = "no_such_user"   // Insider has no profile to anonymize
	ReasonNotInInsider       = "not_in_insider" // update_only: Insider has no profile to update
)

// Counts echoed in the destinationStats of a STATE (beside recordCount and
// rejectedRecordCount), for the records that state covers (Report.CountOn).
const (
	StatDeleted               = "profilesDeletedCount"
	StatAnonymized            = "profilesAnonymizedCount"
	StatDeletedPermanently    = "profilesDeletedPermanentlyCount"
	StatAnonymizedPermanently = "profilesAnonymizedPermanentlyCount"
	StatRekeyed               = "identifiersChangedCount"
	StatRekeyRefused          = "identifierChangesRefusedCount"
	StatIdentifierRemoved     = "identifiersRemovedCount"
	StatCleared               = "profilesClearedCount"
)

// Reasons Insider refuses, or the connector does not make, an identity change, as counted in
// Summary.RekeyRefused (identity_changes_refused).
const (
	// RefusalTaken: the new value already belongs to another profile.
	RefusalTaken = "taken"
	// RefusalNotInIR: the identifier type is not enabled in Insider's Identity Resolution.
	RefusalNotInIR = "not_in_identity_resolution"
	// RefusalSole: the identifier to remove is the profile's only one.
	RefusalSole = "sole_identifier"
	// RefusalInvalidOld: the previous value is not a valid identifier; no call is made.
	RefusalInvalidOld = "invalid_old_value"
	// RefusalOther: another refusal; its message is logged.
	RefusalOther = "refused"
)
