package lists

import (
	"time"

	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// listMember is a member as HubSpot lists it: the record id and when it was added to the list
// (epoch ms, -1 when HubSpot sent no readable time).
type listMember struct {
	id uint64
	at int64
}

// listRecord is one record to deliver: a member that joined (or, for a renamed list or a list
// delivered in full, every member), or one that left.
type listRecord struct {
	id   uint64
	at   int64 // the membershipTimestamp of a member; exits take the run's time
	exit bool
}

// listHead is what the records of one list share.
type listHead struct {
	id, name, ptype string
	// previous is the name the list had when its snapshot was taken, set when renamed: the
	// name its exits carry.
	previous string
	renamed  bool
}

// diffMembers compares a list's members now (sorted by id) with the ids of its snapshot
// (sorted): first an exit for every id of before missing from now, then a record for every
// member of now that before lacks, or for every member of now when all is set.
func diffMembers(before []uint64, now []listMember, all bool) []listRecord {
	var exits, current []listRecord
	i := 0
	for _, m := range now {
		for i < len(before) && before[i] < m.id {
			exits = append(exits, listRecord{id: before[i], exit: true})
			i++
		}
		had := i < len(before) && before[i] == m.id
		if had {
			i++
		}
		if all || !had {
			current = append(current, listRecord{id: m.id, at: m.at})
		}
	}
	for ; i < len(before); i++ {
		exits = append(exits, listRecord{id: before[i], exit: true})
	}
	return append(exits, current...)
}

// snapshotOf is the snapshot of list l with these member ids, read at now. A list HubSpot was
// still processing keeps no stamps, so the next run reads it again.
func snapshotOf(l *hubspot.List, ids []uint64, now time.Time) *Snapshot {
	s := &Snapshot{Name: l.Name, ProcessingType: l.ProcessingType, Version: l.ListVersion, ReadAt: now.UTC(),
		Count: len(ids), Members: encodeMembers(ids)}
	if l.ProcessingStatus == "" || l.ProcessingStatus == "COMPLETE" {
		s.UpdatedAt = l.UpdatedAt
		s.Size = l.Additional(hubspot.ListSizeProperty)
		s.LastAddedAt = l.Additional(hubspot.ListLastAddedProperty)
		s.LastRemovedAt = l.Additional(hubspot.ListLastRemovedProperty)
	}
	return s
}
