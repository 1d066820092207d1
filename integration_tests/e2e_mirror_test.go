package integrationtests

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/datagen"
	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
	"github.com/insider-hubspot/connectors/integration_tests/pipeline"
)

// mirrorPhone is the phone number of contact n (E.164, a San Francisco number).
func mirrorPhone(n int64) string { return fmt.Sprintf("+1415555%04d", n%10000) }

// TestE2EInsiderMirrorsHubSpot drives a realistic HubSpot history through the built source and
// destination over four syncs with the state carried: value updates and clears, email and phone
// changes (two between syncs included), archives, a restore, merges (a live one, one followed by
// an archive, one followed by a permanent deletion, one where the primary keeps its id),
// permanent deletions, and deleted contacts whose email a new contact takes (after an archive
// and after a permanent deletion). After each sync the fake Insider is compared with HubSpot's
// current state profile by profile (checkMirror).
func TestE2EInsiderMirrorsHubSpot(t *testing.T) {
	skipShort(t)
	e := newE2EWith(t, datagen.Options{}, fakehubspot.Options{Journal: fakehubspot.JournalOptions{DeleteOnMerge: true}})
	created := dataEnd().Add(-24 * time.Hour)
	var cs []fakehubspot.Contact
	for id := int64(2001); id <= 2020; id++ {
		cs = append(cs, fakehubspot.Contact{ID: id, CreatedAt: created, UpdatedAt: created, Properties: map[string]string{
			"email": fmt.Sprintf("p%d@example.com", id), "phone": mirrorPhone(id), "firstname": fmt.Sprintf("F%d", id),
			"lastname": fmt.Sprintf("L%d", id), "city": "Izmir", "lifecyclestage": "lead"}})
	}
	e.hs.AddContacts(cs...)
	e.src["permanent_deletions"] = map[string]any{"enabled": true}
	e.dest["attribute_mappings"] = []map[string]any{
		{"source_field": "firstname", "attribute": "name"},
		{"source_field": "lastname", "attribute": "surname"},
		{"source_field": "city", "attribute": "city"},
		{"source_field": "lifecyclestage", "attribute": "lifecycle_stage"},
	}
	e.dest["deletion_mode"] = "delete_profile"
	e.dest["merge_mode"] = "update_identity"
	e.dest["clear_empty_values"] = true
	// identity_changes follow and permanent_deletion_mode delete_profile are the defaults.
	e.writeConfigs()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	requireOK(t, e.sync(nil))
	e.checkMirror("first sync")

	// Between the first and second syncs.
	at := e.watermark().Add(time.Millisecond)
	next := func() time.Time { at = at.Add(time.Millisecond); return at }
	must(e.hs.ChangeEmail(2001, next(), "new2001@example.com"))
	must(e.hs.ChangeEmail(2002, next(), "b2002@example.com"))
	must(e.hs.ChangeEmail(2002, next(), "c2002@example.com")) // two changes between syncs
	must(e.hs.ClearProperties(2003, next(), "phone", "city"))
	must(e.hs.ChangePhone(2004, next(), mirrorPhone(9004)))
	must(e.hs.DeleteContact(2005, next()))  // archived
	must(e.hs.DeleteContact(2006, next()))  // archived,
	must(e.hs.RestoreContact(2006, next())) // then restored
	must(e.hs.PermanentlyDeleteContact(2007, next()))
	erasedMerge, err := e.hs.MergeContacts(2008, 2009, next()) // merged,
	must(err)
	must(e.hs.PermanentlyDeleteContact(erasedMerge, next())) // then erased
	liveMerge, err := e.hs.MergeContacts(2010, 2011, next())
	must(err)
	archivedMerge, err := e.hs.MergeContacts(2012, 2013, next()) // merged,
	must(err)
	must(e.hs.DeleteContact(archivedMerge, next()))   // then archived
	must(e.hs.PermanentlyDeleteContact(2014, next())) // erased, and its email taken by a new contact
	e.hs.AddContacts(fakehubspot.Contact{ID: 3001, CreatedAt: next(), UpdatedAt: at,
		Properties: map[string]string{"email": "p2014@example.com", "phone": mirrorPhone(3001), "firstname": "F3001"}})
	must(e.hs.UpdateContact(2015, next(), map[string]string{"firstname": "Renamed", "lifecyclestage": "customer"}))
	must(e.hs.ClearProperties(2016, next(), "lastname", "lifecyclestage"))

	res := e.sync(nil)
	requireOK(t, res)
	e.checkMirror("second sync")
	if p, ok := e.ins.FindByUUID(strconv.FormatInt(liveMerge, 10)); !ok || p.Identifiers.Email != "p2010@example.com" {
		t.Errorf("merged contact %d: profile %+v, want it with the primary's email", liveMerge, p.Identifiers)
	}
	sum := writeSummary(t, res)
	for _, k := range []string{"identifiers_changed", "identifiers_removed", "profiles_deleted", "profiles_deleted_permanently",
		"merged_away_profiles_removed", "profiles_cleared", "contacts_upserted_again"} {
		if sum[k] == "" || sum[k] == "0" {
			t.Errorf("second sync: summary %s=%q, want some", k, sum[k])
		}
	}

	// Between the second and third syncs.
	at = e.watermark().Add(time.Millisecond)
	must(e.hs.ChangeEmail(2001, next(), "third2001@example.com"))
	must(e.hs.ChangePhone(2015, next(), mirrorPhone(9015)))
	must(e.hs.ChangePhone(2015, next(), mirrorPhone(9115))) // two phone changes between syncs
	must(e.hs.DeleteContact(2017, next()))                  // archived, and its email taken by a new contact
	e.hs.AddContacts(fakehubspot.Contact{ID: 3002, CreatedAt: next(), UpdatedAt: at,
		Properties: map[string]string{"email": "p2017@example.com", "firstname": "F3002", "city": "Bursa"}})
	must(e.hs.UpdateContact(3001, next(), map[string]string{"city": "Ankara"}))
	must(e.hs.MergeContactsKeepingPrimary(2019, 2018, next())) // the primary keeps its id
	must(e.hs.DeleteContact(2006, next()))                     // archived again, for good
	must(e.hs.UpdateContact(2003, next(), map[string]string{"city": "Adana"}))

	requireOK(t, e.sync(nil))
	e.checkMirror("third sync")

	// Nothing changed: the fourth sync leaves Insider as it is.
	before := e.ins.Profiles()
	requireOK(t, e.sync(nil))
	e.checkMirror("fourth sync")
	if after := e.ins.Profiles(); fmt.Sprint(viewsOf(before)) != fmt.Sprint(viewsOf(after)) {
		t.Errorf("the fourth sync changed Insider's profiles")
	}
	if n := okStatuses(e.ins, fakeinsider.EndpointDelete); n == 0 {
		t.Error("no delete reached Insider")
	}
}

// viewsOf is the profiles as comparable text, by uuid.
func viewsOf(ps []fakeinsider.Profile) map[string]string {
	out := map[string]string{}
	for _, p := range ps {
		v := p.View()
		out[p.Identifiers.UUID] = fmt.Sprint(v.Identifiers, v.Attributes, v.Custom)
	}
	return out
}

// writeSummary returns the fields of the destination's write summary of a sync.
func writeSummary(t *testing.T, res *pipeline.Result) map[string]string {
	t.Helper()
	for _, l := range res.DestinationLogs {
		if rest, ok := strings.CutPrefix(l, "write summary "); ok {
			f, err := pipeline.LogFields(rest)
			if err != nil {
				t.Fatalf("summary %q: %v", l, err)
			}
			return f
		}
	}
	t.Fatalf("no write summary in %q", res.DestinationLogs)
	return nil
}

// checkMirror compares the fake Insider with the fake HubSpot's current contacts, profile by
// profile: one profile per live contact, keyed by its id (uuid); its current email and phone as
// its only email and phone identifiers, and no other identifier; its mapped values as they are
// now (a cleared one absent) and the fixed attribute. So nothing is left of archived, erased or
// merged-away contacts, and no profile holds an identifier that no live contact has.
func (e *e2e) checkMirror(when string) {
	e.t.Helper()
	byID, without := e.ins.ViewsBy(fakeinsider.TypeUUID)
	for _, v := range without {
		e.t.Errorf("%s: a profile without a uuid: %v", when, v.Identifiers)
	}
	var live []string
	for _, id := range e.hs.ContactIDs() {
		live = append(live, strconv.FormatInt(id, 10))
	}
	slices.Sort(live)
	if got := slices.Sorted(maps.Keys(byID)); !slices.Equal(got, live) {
		e.t.Errorf("%s: profiles keyed by %v,\nwant one per live contact %v", when, got, live)
	}
	for _, id := range e.hs.ContactIDs() {
		uuid := strconv.FormatInt(id, 10)
		v, ok := byID[uuid]
		if !ok {
			continue
		}
		c, _ := e.hs.Contact(id)
		p := c.Properties
		wantIDs := map[string]string{fakeinsider.TypeUUID: uuid}
		if em := strings.ToLower(strings.TrimSpace(p["email"])); em != "" {
			wantIDs[fakeinsider.TypeEmail] = em
		}
		if ph := strings.TrimSpace(p["phone"]); ph != "" {
			wantIDs[fakeinsider.TypePhone] = ph
		}
		if !maps.Equal(v.Identifiers, wantIDs) {
			e.t.Errorf("%s: contact %s: identifiers %v, want %v", when, uuid, v.Identifiers, wantIDs)
		}
		wantAttrs := map[string]any{}
		for src, attr := range map[string]string{"firstname": "name", "lastname": "surname", "city": "city"} {
			if s := strings.TrimSpace(p[src]); s != "" {
				wantAttrs[attr] = s
			}
		}
		wantCustom := map[string]any{"crm_source": "hubspot"}
		if s := strings.TrimSpace(p["lifecyclestage"]); s != "" {
			wantCustom["lifecycle_stage"] = s
		}
		if fmt.Sprint(v.Attributes) != fmt.Sprint(wantAttrs) || fmt.Sprint(v.Custom) != fmt.Sprint(wantCustom) {
			e.t.Errorf("%s: contact %s: attributes %v custom %v,\nwant %v custom %v", when, uuid, v.Attributes, v.Custom, wantAttrs, wantCustom)
		}
	}
}
