package integrationtests

import (
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/datagen"
	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
	"github.com/insider-hubspot/connectors/integration_tests/pipeline"
)

// profileUUIDs returns the uuid of every profile in the fake Insider, failing on a profile
// without one (every contact has a uuid here).
func (e *e2e) profileUUIDs() []string {
	e.t.Helper()
	var out []string
	for _, p := range e.ins.Profiles() {
		if p.Identifiers.UUID == "" {
			e.t.Fatalf("profile %s has no uuid: %+v", p.InsiderID, p.Identifiers)
		}
		out = append(out, p.Identifiers.UUID)
	}
	slices.Sort(out)
	return out
}

// liveUUIDs is the id of every live contact in the fake HubSpot, as profile uuids.
func (e *e2e) liveUUIDs() []string {
	var out []string
	for _, id := range e.hs.ContactIDs() {
		out = append(out, strconv.FormatInt(id, 10))
	}
	slices.Sort(out)
	return out
}

// okStatuses counts the requests to ep that Insider answered 200.
func okStatuses(ins *fakeinsider.Server, ep fakeinsider.Endpoint) int {
	n := 0
	for _, r := range ins.Requests() {
		if r.Endpoint == ep && r.Status == 200 {
			n++
		}
	}
	return n
}

// TestE2EDeletesAndMerges: contacts are deleted and merged in HubSpot between syncs (with
// HubSpot's current merge, which makes a new contact, and with the earlier one, where the
// primary keeps its id). With deletion_mode delete_profile and merge_mode update_identity the
// fake Insider ends up holding exactly one profile per live contact; with the default modes
// nothing is deleted. A third sync with no changes does nothing more.
func TestE2EDeletesAndMerges(t *testing.T) {
	skipShort(t)
	for _, tc := range []struct {
		name         string
		deletion     string
		merge        string
		wantUUIDs    func(e *e2e, before []string, merged int64) []string
		wantDeletes  bool
		wantRejected bool
	}{
		{name: "delete_profile and update_identity", deletion: "delete_profile", merge: "update_identity", wantDeletes: true,
			wantUUIDs: func(e *e2e, _ []string, _ int64) []string { return e.liveUUIDs() }},
		{name: "default modes", wantRejected: true,
			// Nothing is deleted or re-keyed. The new merged contact's uuid outranks the email it
			// shares with the primary's profile, so Insider makes it a profile of its own without
			// that email (an identifier is never moved by an upsert), and the primary's stays.
			wantUUIDs: func(_ *e2e, before []string, merged int64) []string {
				return append(slices.Clone(before), strconv.FormatInt(merged, 10))
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newE2E(t, datagen.Options{})
			contacts := make([]fakehubspot.Contact, 40)
			created := dataEnd().Add(-24 * time.Hour)
			for i := range contacts {
				id := int64(1001 + i)
				contacts[i] = fakehubspot.Contact{ID: id, CreatedAt: created, UpdatedAt: created.Add(time.Duration(i) * time.Second),
					Properties: map[string]string{"email": fmt.Sprintf("person%d@example.com", id), "firstname": fmt.Sprintf("P%d", id), "city": "Izmir"}}
			}
			e.hs.AddContacts(contacts...)
			if tc.deletion != "" {
				e.dest["deletion_mode"] = tc.deletion
				e.dest["merge_mode"] = tc.merge
			}
			e.writeConfigs()

			requireOK(t, e.sync(nil))
			before := e.profileUUIDs()
			if !slices.Equal(before, e.liveUUIDs()) {
				t.Fatalf("first sync: profiles %v, want one per contact", before)
			}

			// Between the syncs: after the first run's window end, before the second's.
			at := e.watermark().Add(time.Millisecond)
			for _, id := range []int64{1005, 1006} {
				if err := e.hs.DeleteContact(id, at); err != nil {
					t.Fatal(err)
				}
			}
			merged, err := e.hs.MergeContacts(1010, 1011, at) // a new contact; 1010 and 1011 resolve to it
			if err != nil {
				t.Fatal(err)
			}
			if err := e.hs.MergeContactsKeepingPrimary(1020, 1021, at); err != nil {
				t.Fatal(err)
			}
			if err := e.hs.UpdateContact(1030, at, map[string]string{"city": "Ankara"}); err != nil {
				t.Fatal(err)
			}

			res := e.sync(nil)
			requireOK(t, res)
			got := e.profileUUIDs()
			want := tc.wantUUIDs(e, before, merged)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("after the second sync Insider holds profiles %v,\nwant %v", got, want)
			}
			if p, ok := e.ins.FindByEmail("person1010@example.com"); !ok || (tc.wantDeletes && p.Identifiers.UUID != strconv.FormatInt(merged, 10)) {
				t.Errorf("merged contact %d: profile %+v, want the primary's email on the merged contact's profile", merged, p.Identifiers)
			}
			if p, _ := e.ins.FindByUUID("1030"); p.Attributes["city"] != "Ankara" {
				t.Errorf("updated contact 1030 has city %v", p.Attributes["city"])
			}
			if deletes := e.ins.RequestCount(fakeinsider.EndpointDelete); (deletes > 0) != tc.wantDeletes {
				t.Errorf("%d delete requests; want some: %v", deletes, tc.wantDeletes)
			}
			if tc.wantRejected && rejectedInStates(t, e) < 2 {
				t.Errorf("the archived records are not counted as rejected in the echoed states")
			}

			// Nothing changed: the third sync deletes and re-keys nothing, and Insider holds the same.
			deletes, identity := e.ins.RequestCount(fakeinsider.EndpointDelete), okStatuses(e.ins, fakeinsider.EndpointIdentity)
			profiles := map[string]map[string]any{}
			for _, p := range e.ins.Profiles() {
				profiles[p.Identifiers.UUID] = p.Attributes
			}
			requireOK(t, e.sync(nil))
			if d, i := e.ins.RequestCount(fakeinsider.EndpointDelete), okStatuses(e.ins, fakeinsider.EndpointIdentity); d != deletes || i != identity {
				t.Errorf("the third sync made %d deletes and %d identity changes", d-deletes, i-identity)
			}
			after := map[string]map[string]any{}
			for _, p := range e.ins.Profiles() {
				after[p.Identifiers.UUID] = p.Attributes
			}
			if !maps.EqualFunc(profiles, after, func(a, b map[string]any) bool { return fmt.Sprint(a) == fmt.Sprint(b) }) {
				t.Errorf("the third sync changed Insider's profiles")
			}
		})
	}
}

// rejectedInStates is rejectedRecordCount of the last contacts state the destination echoed
// (the archived records come last, so that state covers them).
func rejectedInStates(t *testing.T, e *e2e) int {
	t.Helper()
	states, err := pipeline.LoadStates(filepath.Join(e.dir, pipeline.StateFile))
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Stats struct {
			Rejected float64 `json:"rejectedRecordCount"`
		} `json:"destinationStats"`
	}
	if err := json.Unmarshal(states["/contacts"], &st); err != nil {
		t.Fatalf("contacts state: %v (%s)", err, states["/contacts"])
	}
	return int(st.Stats.Rejected)
}
