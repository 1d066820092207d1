package lists

import (
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// TestListsSkipRuleTable: what keeps a MANUAL or SNAPSHOT list from being skipped.
func TestListsSkipRuleTable(t *testing.T) {
	now := t0
	list := func() *hubspot.List {
		return &hubspot.List{ListID: "1", ListVersion: 2, Name: "Manual", ProcessingType: "MANUAL", ProcessingStatus: "COMPLETE",
			UpdatedAt: "2026-02-28T12:00:00.000Z", AdditionalProperties: map[string]hubspot.FlexString{
				"hs_list_size": "1", "hs_last_record_added_at": "1772280000000"}}
	}
	snapshot := func() *Snapshot {
		return snapshotOf(list(), []uint64{101}, now.Add(-time.Hour))
	}
	if why, ok := unchangedSince(snapshot(), list(), now); !ok || why == "" {
		t.Fatalf("an unchanged MANUAL list is not skipped")
	}
	for name, change := range map[string]func(old *Snapshot, l *hubspot.List){
		"renamed":      func(_ *Snapshot, l *hubspot.List) { l.Name = "Other" },
		"new version":  func(_ *Snapshot, l *hubspot.List) { l.ListVersion++ },
		"updated":      func(_ *Snapshot, l *hubspot.List) { l.UpdatedAt = "2026-03-01T12:00:00.001Z" },
		"size":         func(_ *Snapshot, l *hubspot.List) { l.AdditionalProperties["hs_list_size"] = "2" },
		"added":        func(_ *Snapshot, l *hubspot.List) { l.AdditionalProperties["hs_last_record_added_at"] = "1" },
		"removed":      func(_ *Snapshot, l *hubspot.List) { l.AdditionalProperties["hs_last_record_removed_at"] = "1" },
		"dynamic":      func(old *Snapshot, l *hubspot.List) { l.ProcessingType, old.ProcessingType = "DYNAMIC", "DYNAMIC" },
		"type changed": func(_ *Snapshot, l *hubspot.List) { l.ProcessingType = "SNAPSHOT" },
		"processing":   func(_ *Snapshot, l *hubspot.List) { l.ProcessingStatus = "PROCESSING" },
		"no size": func(old *Snapshot, l *hubspot.List) {
			delete(l.AdditionalProperties, "hs_list_size")
			old.Size = ""
		},
		"read processing": func(old *Snapshot, _ *hubspot.List) {
			p := list()
			p.ProcessingStatus = "PROCESSING"
			*old = *snapshotOf(p, []uint64{101}, now.Add(-time.Hour))
		},
		"read a day ago": func(old *Snapshot, _ *hubspot.List) { old.ReadAt = now.Add(-24 * time.Hour) },
		"read ahead":     func(old *Snapshot, _ *hubspot.List) { old.ReadAt = now.Add(time.Minute) },
	} {
		old, l := snapshot(), list()
		change(old, l)
		if _, ok := unchangedSince(old, l, now); ok {
			t.Errorf("%s: skipped", name)
		}
	}
}
