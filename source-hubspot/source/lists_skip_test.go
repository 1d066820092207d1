package source

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// TestListsSkipRule runs the skip rule against both guesses of what HubSpot does when it changes
// memberships in the background (BackgroundKeepsStamps): a DYNAMIC list re-evaluated after a
// contact change, and a contact deleted out of a MANUAL list. Whichever HubSpot does, the
// DYNAMIC list's change comes in the next run, because DYNAMIC lists are always read; the
// deleted contact's exit comes in the next run when HubSpot moves the stamps, and within a day
// (the periodic re-read) when it does not. An untouched MANUAL list is not read in between.
func TestListsSkipRule(t *testing.T) {
	for _, keep := range []bool{false, true} {
		t.Run(fmt.Sprintf("BackgroundKeepsStamps %v", keep), func(t *testing.T) {
			t.Parallel()
			e := listsEnv(t, fakehubspot.ListOptions{BackgroundKeepsStamps: keep})
			f := e.fake
			at := t0.Add(-24 * time.Hour)
			f.must(f.UpdateContact(103, at, map[string]string{"lifecyclestage": "customer"}))
			f.mustList(fakehubspot.ListSpec{ID: "1", Name: "Manual", Members: []int64{101, 102}, CreatedAt: at})
			f.mustList(fakehubspot.ListSpec{ID: "2", Name: "Dynamic", ProcessingType: fakehubspot.ListDynamic, CreatedAt: at,
				Filter: []fakehubspot.ListCondition{{Property: "lifecyclestage", Value: "customer"}}})
			f.mustList(fakehubspot.ListSpec{ID: "3", Name: "Untouched", Members: []int64{105}, CreatedAt: at})
			first := e.readLists(t, protocol.SyncModeIncremental, nil)
			if d := cmp.Diff([]string{"+Manual/101", "+Manual/102", "+Dynamic/103", "+Untouched/105"}, shorts(memberships(t, first))); d != "" {
				t.Fatalf("first run (-want +got):\n%s", d)
			}

			// HubSpot's background work: 104 becomes a customer, 101 is deleted.
			f.must(f.UpdateContact(104, t0.Add(10*time.Minute), map[string]string{"lifecyclestage": "customer"}))
			f.archive(101, t0.Add(10*time.Minute))
			if info, _ := f.List("1"); (info.Size == 1) == keep {
				t.Fatalf("the fake's Manual list reports size %d with BackgroundKeepsStamps %v", info.Size, keep)
			}
			e.clk.Set(t0.Add(time.Hour))
			f.ResetStats()
			second := e.readLists(t, protocol.SyncModeIncremental, first.lastState(t, stream.Lists))
			want := []string{"-Manual/101", "+Dynamic/104"}
			reads := int64(2) // Manual, whose stamps moved, and Dynamic
			if keep {
				want, reads = []string{"+Dynamic/104"}, 1
			}
			if d := cmp.Diff(want, shorts(memberships(t, second))); d != "" {
				t.Errorf("second run (-want +got):\n%s", d)
			}
			if n := f.membershipCalls(); n != reads {
				t.Errorf("%d memberships calls, want %d", n, reads)
			}
			for _, m := range memberships(t, second) {
				if !m.Member && m.Contact != nil {
					t.Errorf("the exit of deleted contact 101 has contact %v, want null", m.Contact)
				}
			}

			// A day after each list's last read, every list is read again.
			e.clk.Set(t0.Add(25 * time.Hour))
			f.ResetStats()
			third := e.readLists(t, protocol.SyncModeIncremental, second.lastState(t, stream.Lists))
			want = []string{}
			if keep {
				want = []string{"-Manual/101"}
			}
			if d := cmp.Diff(want, shorts(memberships(t, third))); d != "" {
				t.Errorf("run a day later (-want +got):\n%s", d)
			}
			if n := f.membershipCalls(); n != 3 {
				t.Errorf("%d memberships calls a day later, want 3 (every list)", n)
			}
		})
	}
}
