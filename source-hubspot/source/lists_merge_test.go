package source

import (
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// TestListsMergedAndDeletedContacts: contacts 101 and 102 are merged (HubSpot's current merge: a
// new contact with a new id, both old ids resolve to it) and 103 is deleted. The merged-away
// and deleted contacts leave their lists; the merged contact takes their MANUAL memberships
// (unless HubSpot drops them) and the DYNAMIC list evaluates it. An exit of a merged-away id
// carries the merged contact (a batch read by the old id answers it, under its new id); a
// deleted contact's exit has a null contact.
func TestListsMergedAndDeletedContacts(t *testing.T) {
	for _, drop := range []bool{false, true} {
		name := "manual memberships carried over"
		if drop {
			name = "manual memberships dropped"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := listsEnv(t, fakehubspot.ListOptions{MergeDropsManualMemberships: drop})
			f := e.fake
			at := t0.Add(-24 * time.Hour)
			f.mustList(fakehubspot.ListSpec{ID: "1", Name: "Manual", Members: []int64{101, 102, 103}, CreatedAt: at})
			f.mustList(fakehubspot.ListSpec{ID: "2", Name: "VIPs", ProcessingType: fakehubspot.ListDynamic, CreatedAt: at,
				Filter: []fakehubspot.ListCondition{{Property: "is_vip", Value: "true"}}})
			first := e.readLists(t, protocol.SyncModeIncremental, nil)

			merged, err := f.MergeContacts(101, 102, t0.Add(10*time.Minute)) // 101's values win: not a VIP
			f.must(err)
			f.archive(103, t0.Add(10*time.Minute))
			e.clk.Set(t0.Add(time.Hour))
			second := e.readLists(t, protocol.SyncModeIncremental, first.lastState(t, stream.Lists))
			z := strconv.FormatInt(merged, 10)
			want := []string{"-Manual/101", "-Manual/102", "-Manual/103", "+Manual/" + z, "-VIPs/102"}
			if drop {
				want = []string{"-Manual/101", "-Manual/102", "-Manual/103", "-VIPs/102"}
			}
			recs := memberships(t, second)
			if d := cmp.Diff(want, shorts(recs)); d != "" {
				t.Fatalf("after the merge (-want +got):\n%s", d)
			}
			for _, m := range recs {
				email, _ := m.Contact["email"].(string)
				switch m.RecordID {
				case "103":
					if m.Contact != nil {
						t.Errorf("%s: contact %v, want null (deleted)", m.short(), m.Contact)
					}
				default:
					if email != "c101@example.com" || m.Contact["hs_object_id"] != float64(merged) {
						t.Errorf("%s: contact %v, want the merged contact %s", m.short(), m.Contact, z)
					}
				}
			}
		})
	}
}

// TestListsMemberMergedAwayStillListed: HubSpot evaluates lists in the background, so a list
// can still name a merged-away id; the member's contact is the merged one, found under the old
// id it was asked for.
func TestListsMemberMergedAwayStillListed(t *testing.T) {
	t.Parallel()
	e := listsEnv(t, fakehubspot.ListOptions{EvaluationLag: time.Hour})
	f := e.fake
	f.mustList(fakehubspot.ListSpec{ID: "1", Name: "Manual", Members: []int64{101, 102}, CreatedAt: t0.Add(-24 * time.Hour)})
	f.must(f.MergeContactsKeepingPrimary(102, 101, t0.Add(-10*time.Minute)))
	res := e.readLists(t, protocol.SyncModeIncremental, nil)
	recs := memberships(t, res)
	if d := cmp.Diff([]string{"+Manual/101", "+Manual/102"}, shorts(recs)); d != "" {
		t.Fatalf("(-want +got):\n%s", d)
	}
	for _, m := range recs {
		if m.Contact["email"] != "c102@example.com" {
			t.Errorf("%s: contact %v, want contact 102, into which 101 was merged", m.short(), m.Contact)
		}
	}
	if n := e.fake.Count(fakehubspot.EndpointBatchRead); n != 1 {
		t.Errorf("%d batch reads for two members, want 1", n)
	}
}
