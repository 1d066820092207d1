package fakehubspot

import (
	"fmt"
	"time"
)

// HubSpot's list processing types (https://developers.hubspot.com/docs/api-reference/latest/crm/lists/guide.md):
// MANUAL lists change only by user or API action; DYNAMIC lists have filters that HubSpot
// re-evaluates in the background whenever a record changes; SNAPSHOT lists evaluate their filters
// once, when created, and are manual afterwards.
const (
	ListManual   = "MANUAL"
	ListDynamic  = "DYNAMIC"
	ListSnapshot = "SNAPSHOT"
)

// ListsReadScope is the scope the fake names in its 403 MISSING_SCOPES answer to a lists read
// (HubSpot accepts crm.lists.read or crm.segments.read for every read).
const ListsReadScope = "crm.lists.read"

// ListRetention is how long a deleted list can be restored ("up to 90-days following the
// delete", https://developers.hubspot.com/docs/api-reference/2026-03/crm/lists/delete-list.md).
// Afterwards the fake treats it as purged: unknown to every endpoint and helper.
const ListRetention = 90 * 24 * time.Hour

// Operators of a ListCondition. HubSpot's list filters are far richer (filter branches of
// PROPERTY, event, association ... filters); the fake evaluates one AND group of property
// conditions, which is what tests of a reader need.
const (
	OpIsEqualTo    = "IS_EQUAL_TO"     // the value, compared case-insensitively (default)
	OpIsNotEqualTo = "IS_NOT_EQUAL_TO" // a value other than this one (unset does not match)
	OpContains     = "CONTAINS"        // the value contains this text, case-insensitively
	OpIsKnown      = "IS_KNOWN"        // any non-empty value
	OpIsUnknown    = "IS_UNKNOWN"      // unset or empty
)

// ListCondition is one condition on a contact property of a DYNAMIC or SNAPSHOT list's filter.
// Derived properties (hs_object_id, createdate, lastmodifieddate) are compared as the fake
// sends them. Case-insensitive string comparison is the fake's guess.
type ListCondition struct {
	Property string
	Operator string // one of the Op* constants; "" means OpIsEqualTo
	Value    string
}

// ListSpec describes a list to create with CreateList.
type ListSpec struct {
	// ID is the list id, a digit string; "" takes the next free one (ids start at 1).
	ID string
	// Name must be unique, case-insensitively, among the lists not deleted.
	Name string
	// ProcessingType is ListManual (default), ListDynamic or ListSnapshot.
	ProcessingType string
	// ObjectTypeID defaults to ContactObjectTypeID. Lists of other objects hold record ids the fake
	// does not check and never re-evaluates; they exist so a reader can be seen to skip them.
	ObjectTypeID string
	// Filter is the AND of conditions of a DYNAMIC or SNAPSHOT contact list (required for them,
	// refused for MANUAL lists).
	Filter []ListCondition
	// Members are added to a MANUAL or SNAPSHOT list at creation (records that do not exist are
	// ignored, as HubSpot's add endpoint ignores them).
	Members []int64
	// CreatedAt defaults to Options.Clock.
	CreatedAt time.Time
}

// ListOptions configure the lists of the fake (Options.Lists). The zero value is HubSpot as far
// as it is documented, with the fake's guesses where it is not.
type ListOptions struct {
	// EvaluationLag delays what HubSpot does in the background after a contact changes: a
	// DYNAMIC list's re-evaluation and a deleted or merged contact leaving its lists happen once
	// the contact's lastmodifieddate is EvaluationLag in the past (by Clock). Until then the
	// contact's memberships stay as they were and the DYNAMIC lists waiting for it report
	// processingStatus "PROCESSING". Zero (the default) applies every change at once. HubSpot
	// documents that the processing happens in the background, not how long it takes.
	EvaluationLag time.Duration
	// BackgroundKeepsStamps makes the membership changes HubSpot makes by itself (a DYNAMIC
	// list's re-evaluation, a deleted or merged contact leaving a list) leave the list's
	// hs_list_size, hs_last_record_added_at, hs_last_record_removed_at and updatedAt as they were.
	// Guessed either way: HubSpot does not document what moves on a re-evaluation. The default
	// (false) moves them, as their names suggest. listVersion moves only with the list's
	// definition (name, filters), in both modes (also a guess).
	BackgroundKeepsStamps bool
	// MergeDropsManualMemberships makes a contact merged away simply leave its MANUAL and SNAPSHOT
	// lists. By default (false) the contact the merge leaves takes its place (joining at the
	// merge), as a third-party account of HubSpot's merge says static list memberships are
	// combined (https://koalify.io/blog/what-happens-to-data-when-you-merge-records-in-hubspot);
	// HubSpot itself documents neither. DYNAMIC lists re-evaluate the merged contact either way.
	MergeDropsManualMemberships bool
}

// ListInfo is a list as the fake holds it, for tests to inspect (List, Lists).
type ListInfo struct {
	ID             string
	Name           string
	ProcessingType string
	ObjectTypeID   string
	Filter         []ListCondition
	// Version is listVersion: 1 at creation, +1 on each rename and filter change.
	Version          int
	CreatedAt        time.Time
	UpdatedAt        time.Time
	FiltersUpdatedAt time.Time
	DeletedAt        time.Time // zero while the list is not deleted
	// Size, LastAddedAt and LastRemovedAt are what the API reports as hs_list_size,
	// hs_last_record_added_at and hs_last_record_removed_at (see BackgroundKeepsStamps).
	Size          int
	LastAddedAt   time.Time
	LastRemovedAt time.Time
	// Members is the real number of members (equal to Size unless BackgroundKeepsStamps).
	Members int
	// Processing is true while a DYNAMIC list waits for EvaluationLag (processingStatus
	// "PROCESSING" instead of "COMPLETE").
	Processing bool
}

// ListMember is one membership: the record and when it was added to the list
// (membershipTimestamp).
type ListMember struct {
	RecordID int64
	JoinedAt time.Time
}

// checkFilter validates conditions for a list of processing type pt.
func checkFilter(pt string, f []ListCondition) error {
	if pt == ListManual {
		if len(f) > 0 {
			return fmt.Errorf("a MANUAL list has no filter")
		}
		return nil
	}
	if len(f) == 0 {
		return fmt.Errorf("a %s list needs a filter", pt)
	}
	for _, c := range f {
		if c.Property == "" {
			return fmt.Errorf("a filter condition names no property")
		}
		switch c.Operator {
		case "", OpIsEqualTo, OpIsNotEqualTo, OpContains, OpIsKnown, OpIsUnknown:
		default:
			return fmt.Errorf("unknown filter operator %q (want one of %s, %s, %s, %s, %s)", c.Operator,
				OpIsEqualTo, OpIsNotEqualTo, OpContains, OpIsKnown, OpIsUnknown)
		}
	}
	return nil
}
