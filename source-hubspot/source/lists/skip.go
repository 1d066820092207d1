package lists

import (
	"time"

	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// Which lists a run may skip.
//
// A MANUAL list changes only when a user, a workflow or an API call adds or removes members,
// and HubSpot then moves its hs_list_size, hs_last_record_added_at or hs_last_record_removed_at
// and updatedAt; a SNAPSHOT list is manual once created. Such a list whose name, listVersion,
// updatedAt and those three stamps are all as the snapshot has them is skipped: its members are
// not read.
//
// A DYNAMIC list is always read. HubSpot re-evaluates it in the background whenever a contact
// changes, and does not document whether that moves the stamps; if it did not, a skip would
// miss joins and exits for as long as nobody edits the list. Contacts also leave lists of every
// type in the background when they are deleted or merged away, which may move no stamp either,
// so even an unchanged MANUAL or SNAPSHOT list is read once rereadAfter has passed since
// its last full read: such exits come a day late at worst, never not at all.
//
// The cost: a DYNAMIC list costs ceil(members / 250) calls every run, an unchanged MANUAL or
// SNAPSHOT list one full read a day.
const rereadAfter = 24 * time.Hour

// unchangedSince reports whether list l may be skipped: it is MANUAL or SNAPSHOT, its
// definition and member stamps are those of the snapshot old, and old was read less than
// rereadAfter before now. why says what made it skippable, for the log.
func unchangedSince(old *Snapshot, l *hubspot.List, now time.Time) (why string, ok bool) {
	switch {
	case l.ProcessingType != "MANUAL" && l.ProcessingType != "SNAPSHOT",
		old.ProcessingType != l.ProcessingType,
		l.ProcessingStatus != "" && l.ProcessingStatus != "COMPLETE",
		old.Name != l.Name,
		old.Version != l.ListVersion,
		old.UpdatedAt == "" || old.UpdatedAt != l.UpdatedAt,
		old.Size == "" || old.Size != l.Additional(hubspot.ListSizeProperty),
		old.LastAddedAt != l.Additional(hubspot.ListLastAddedProperty),
		old.LastRemovedAt != l.Additional(hubspot.ListLastRemovedProperty):
		return "", false
	}
	age := now.Sub(old.ReadAt)
	if old.ReadAt.IsZero() || age < 0 || age >= rereadAfter {
		return "", false
	}
	return "a " + l.ProcessingType + " list whose name, version, size and member stamps are unchanged, read " +
		age.Truncate(time.Second).String() + " ago", true
}
