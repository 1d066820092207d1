package integrationtests

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/protocol/protocoltest"
)

// mirrorRecord is what the mirror test reads of a contacts record.
type mirrorRecord struct {
	ID         string            `json:"id"`
	Archived   bool              `json:"archived"`
	Permanent  bool              `json:"deleted_permanently"`
	Merged     *string           `json:"hs_merged_object_ids"`
	Email      *string           `json:"email"`
	Previous   map[string]string `json:"previous_values"`
	ArchivedAt *string           `json:"archivedAt"`
}

// mirrorRead runs the source binary's read with the state of the previous run (nil for none)
// and returns its contacts records by id and its last contacts STATE.
func mirrorRead(t *testing.T, bin, dir string, state json.RawMessage) (map[string]mirrorRecord, json.RawMessage) {
	t.Helper()
	args := []string{"read", "--config", filepath.Join(dir, "source.json"), "--catalog", filepath.Join(dir, "catalog.json")}
	if state != nil {
		args = append(args, "--state", writeJSON(t, dir, "state.json", []any{map[string]any{"type": "STREAM",
			"stream": map[string]any{"stream_descriptor": map[string]string{"name": "contacts"}, "stream_state": state}}}))
	}
	run := runConnector(t, bin, nil, args...)
	if run.Exit != 0 {
		t.Fatalf("read exit %d:\n%s", run.Exit, run.Stdout)
	}
	recs := map[string]mirrorRecord{}
	var last json.RawMessage
	for _, m := range run.Msgs {
		switch {
		case m.Type == protocol.TypeRecord && m.Record.Stream == "contacts":
			var r mirrorRecord
			if err := json.Unmarshal(m.Record.Data, &r); err != nil {
				t.Fatal(err)
			}
			if prev, dup := recs[r.ID]; dup && (prev.Permanent || r.Permanent || prev.Archived != r.Archived) {
				t.Errorf("contact %s delivered twice: %+v and %+v", r.ID, prev, r)
			}
			recs[r.ID] = r
		case m.Type == protocol.TypeState && m.State.Stream != nil && m.State.Stream.StreamDescriptor.Name == "contacts":
			last = m.State.Stream.StreamState
		}
	}
	if last == nil {
		t.Fatalf("no contacts STATE:\n%s", run.Stdout)
	}
	return recs, last
}

// TestE2ESourceMirrorsHubSpot drives a realistic history through the source binary over three
// syncs with the state carried: email and phone changes (two between syncs included), a cleared
// phone, archives, a restore, merges, a merge then a delete and a merge then an erasure,
// permanent deletions, and a deleted contact whose email a new contact takes. The source tells
// the destination all it needs to mirror HubSpot: previous_values, archived records with their
// merged ids, and each permanent deletion once.
func TestE2ESourceMirrorsHubSpot(t *testing.T) {
	bin := connectorBinaries(t).Source
	hs := fakehubspot.New(fakehubspot.Options{Journal: fakehubspot.JournalOptions{DeleteOnMerge: true}})
	t.Cleanup(hs.Close)
	t.Cleanup(func() { noLegacyCalls(t, hs) })
	created := dataEnd().Add(-24 * time.Hour)
	var cs []fakehubspot.Contact
	for id := int64(2001); id <= 2020; id++ {
		cs = append(cs, fakehubspot.Contact{ID: id, CreatedAt: created, UpdatedAt: created, Properties: map[string]string{
			"email": fmt.Sprintf("p%d@example.com", id), "phone": fmt.Sprintf("+1555000%04d", id),
			"mobilephone": fmt.Sprintf("+1555100%04d", id), "firstname": fmt.Sprintf("P%d", id)}})
	}
	hs.AddContacts(cs...)
	o := hs.Options()
	dir := t.TempDir()
	cfgPath := writeJSON(t, dir, "source.json", map[string]any{
		"credentials": map[string]any{"credentials_title": "OAuth Credentials", "client_id": o.ClientID,
			"client_secret": o.ClientSecret, "refresh_token": o.RefreshToken},
		"api_base_url":        hs.URL,
		"permanent_deletions": map[string]any{"enabled": true},
		// No lookback: a record read again inside the lookback carries its previous_values again
		// (the value at its window's start), and the third sync below is to deliver nothing.
		"lookback_minutes": 0,
	})
	disc := runConnector(t, bin, nil, "discover", "--config", cfgPath)
	cats := protocoltest.OfType(disc.Msgs, protocol.TypeCatalog)
	if disc.Exit != 0 || len(cats) != 1 {
		t.Fatalf("discover exit %d:\n%s", disc.Exit, disc.Stdout)
	}
	var cc protocol.ConfiguredCatalog
	for _, s := range cats[0].Catalog.Streams {
		if s.Name == "contacts" {
			cc.Streams = append(cc.Streams, protocol.ConfiguredStream{Stream: s, SyncMode: protocol.SyncModeIncremental,
				CursorField: s.DefaultCursorField, DestinationSyncMode: protocol.DestinationSyncModeAppendDedup, PrimaryKey: s.SourceDefinedPrimaryKey})
		}
	}
	writeJSON(t, dir, "catalog.json", cc)

	first, state := mirrorRead(t, bin, dir, nil)
	if len(first) != 20 {
		t.Fatalf("first sync: %d records, want 20", len(first))
	}
	var st struct {
		Watermark string `json:"lastmodifieddate"`
	}
	if err := json.Unmarshal(state, &st); err != nil {
		t.Fatal(err)
	}
	wm, err := time.Parse(time.RFC3339Nano, st.Watermark)
	if err != nil {
		t.Fatal(err)
	}

	// Between the syncs: after the first run's window end, before the second's.
	at := wm.Add(time.Millisecond)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(hs.ChangeEmail(2001, at, "new2001@example.com"))
	must(hs.ChangeEmail(2002, at, "b2002@example.com"))
	must(hs.ChangeEmail(2002, at.Add(time.Millisecond), "c2002@example.com")) // two changes between syncs
	must(hs.ClearProperties(2003, at, "phone"))
	must(hs.ChangeMobilePhone(2004, at, "+15552220000"))
	must(hs.DeleteContact(2005, at))                                         // archived: restorable
	must(hs.DeleteContact(2006, at))                                         // archived,
	must(hs.RestoreContact(2006, at.Add(time.Millisecond)))                  // then restored
	must(hs.PermanentlyDeleteContact(2007, at))                              // erased
	erasedMerge, err := hs.MergeContacts(2008, 2009, at)                     // merged,
	must(err)                                                                //
	must(hs.PermanentlyDeleteContact(erasedMerge, at.Add(time.Millisecond))) // then erased
	liveMerge, err := hs.MergeContacts(2010, 2011, at)                       // merged, live
	must(err)
	archivedMerge, err := hs.MergeContacts(2012, 2013, at) // merged,
	must(err)
	must(hs.DeleteContact(archivedMerge, at.Add(time.Millisecond))) // then deleted (restorable)
	must(hs.PermanentlyDeleteContact(2014, at))                     // erased, and its email taken by a new contact
	hs.AddContacts(fakehubspot.Contact{ID: 3001, CreatedAt: at.Add(time.Millisecond), UpdatedAt: at.Add(time.Millisecond),
		Properties: map[string]string{"email": "p2014@example.com", "phone": "+15559990000"}})

	second, state := mirrorRead(t, bin, dir, state)
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	wantPrev := map[string]map[string]string{
		"2001": {"email": "p2001@example.com"},
		"2002": {"email": "p2002@example.com"},
		"2003": {"phone": "+15550002003"},
		"2004": {"mobilephone": "+15551002004"},
	}
	for rid, r := range second {
		if w := wantPrev[rid]; fmt.Sprint(r.Previous) != fmt.Sprint(map[string]string(w)) {
			t.Errorf("contact %s: previous_values %v, want %v", rid, r.Previous, w)
		}
	}
	wantPermanent := map[string]string{"2007": "", id(erasedMerge): "2008;2009", "2014": ""}
	wantArchived := map[string]string{"2005": "", id(archivedMerge): "2012;2013"}
	for rid, r := range second {
		merged := ""
		if r.Merged != nil {
			merged = *r.Merged
		}
		switch {
		case r.Permanent:
			if w, ok := wantPermanent[rid]; !ok || merged != w || !r.Archived || r.ArchivedAt == nil {
				t.Errorf("contact %s delivered as deleted permanently: %+v (merged %q)", rid, r, merged)
			}
			delete(wantPermanent, rid)
		case r.Archived:
			if w, ok := wantArchived[rid]; !ok || merged != w {
				t.Errorf("contact %s delivered as archived: %+v (merged %q)", rid, r, merged)
			}
			delete(wantArchived, rid)
		}
	}
	if len(wantPermanent)+len(wantArchived) > 0 {
		t.Errorf("not delivered: deleted permanently %v, archived %v", wantPermanent, wantArchived)
	}
	for _, live := range []string{"2006", id(liveMerge), "3001"} {
		if r, ok := second[live]; !ok || r.Archived {
			t.Errorf("live contact %s: %+v", live, r)
		}
	}

	// Nothing changed: the third sync delivers no deletion and no previous value again.
	third, _ := mirrorRead(t, bin, dir, state)
	for rid, r := range third {
		if r.Archived || r.Permanent || r.Previous != nil {
			t.Errorf("third sync delivered contact %s again: %+v", rid, r)
		}
	}
}
