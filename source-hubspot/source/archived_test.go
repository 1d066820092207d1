package source

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// archivedRecords returns id -> archivedAt of the archived contacts records of a run.
func archivedRecords(t *testing.T, res *result) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, r := range res.records("contacts") {
		var v struct {
			ID         string  `json:"id"`
			Archived   bool    `json:"archived"`
			ArchivedAt *string `json:"archivedAt"`
			Email      string  `json:"email"`
		}
		if err := json.Unmarshal(r, &v); err != nil {
			t.Fatal(err)
		}
		if !v.Archived {
			continue
		}
		if _, dup := out[v.ID]; dup {
			t.Fatalf("archived contact %s delivered twice", v.ID)
		}
		if v.ArchivedAt == nil || v.Email == "" {
			t.Fatalf("archived record %s has no archivedAt or no properties", r)
		}
		out[v.ID] = *v.ArchivedAt
	}
	return out
}

func TestArchivedContactsAreDeliveredOnceEach(t *testing.T) {
	e := newEnv(t)
	e.fake.addContacts(1, 30, t0.Add(-48*time.Hour))
	e.fake.archive(3, t0.Add(-30*time.Hour))
	e.fake.archive(7, t0.Add(-time.Minute)) // after this run's end (the index-lag margin)
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	first := e.read(cat, nil)
	if first.code != 0 {
		t.Fatalf("exit %d: %v", first.code, first.traceErrors())
	}
	got := archivedRecords(t, first)
	if len(got) != 1 || got["3"] != t0.Add(-30*time.Hour).Format(stream.TimeLayout) {
		t.Fatalf("first run archived records %v, want only contact 3 with its archivedAt", got)
	}
	st, err := ParseContactsState(first.lastState(t, "contacts"))
	if err != nil {
		t.Fatal(err)
	}
	if end := t0.Add(-2 * time.Minute); !st.ArchivedAt.Equal(end) || st.ArchivedResume != nil {
		t.Fatalf("state %+v, want archivedAt %s and no archived resume", st, end)
	}

	// Between runs: contact 12 is archived; the next run delivers 7 and 12, not 3 again.
	e.clk.Set(t0.Add(time.Hour))
	e.fake.archive(12, t0.Add(30*time.Minute))
	second := e.read(cat, first.lastState(t, "contacts"))
	if second.code != 0 {
		t.Fatalf("exit %d: %v", second.code, second.traceErrors())
	}
	if got := archivedRecords(t, second); len(got) != 2 || got["7"] == "" || got["12"] == "" {
		t.Fatalf("second run archived records %v, want 7 and 12", got)
	}
	// Nothing changed: a third run delivers no archived contact.
	e.clk.Set(t0.Add(2 * time.Hour))
	third := e.read(cat, second.lastState(t, "contacts"))
	if got := archivedRecords(t, third); len(got) != 0 {
		t.Fatalf("third run archived records %v, want none", got)
	}
}

func TestDeletedContactsOffListsNoArchive(t *testing.T) {
	e := newEnv(t)
	e.cfg["deleted_contacts"] = false
	e.fake.addContacts(1, 5, t0.Add(-48*time.Hour))
	e.fake.archive(2, t0.Add(-time.Hour))
	res := e.read(e.catalog(protocol.SyncModeIncremental, "contacts"), json.RawMessage(`{"lastmodifieddate":"2026-01-01T00:00:00Z","archivedAt":"2026-02-01T00:00:00Z"}`))
	if res.code != 0 {
		t.Fatalf("exit %d: %v", res.code, res.traceErrors())
	}
	if got := archivedRecords(t, res); len(got) != 0 {
		t.Errorf("archived records %v with deleted_contacts false", got)
	}
	if n := e.fake.callCount(pathList); n != 0 {
		t.Errorf("%d list calls with deleted_contacts false", n)
	}
	if !strings.Contains(string(res.lastState(t, "contacts")), `"archivedAt":"2026-02-01T00:00:00.000Z"`) {
		t.Errorf("the archive watermark was not kept: %s", res.lastState(t, "contacts"))
	}
}

func TestFullRefreshListsNoArchive(t *testing.T) {
	e := newEnv(t)
	e.fake.addContacts(1, 5, t0.Add(-48*time.Hour))
	e.fake.archive(2, t0.Add(-time.Hour))
	res := e.read(e.catalog(protocol.SyncModeFullRefresh, "contacts"), nil)
	if got := archivedRecords(t, res); len(got) != 0 || len(res.records("contacts")) != 4 {
		t.Errorf("full refresh delivered %d records, archived %v; want the 4 live contacts", len(res.records("contacts")), got)
	}
}

func TestArchivedPassResumesFromItsCheckpoint(t *testing.T) {
	e := newEnv(t)
	e.opts = append(e.opts, WithCheckpointEvery(100))
	e.fake.addContacts(1, 450, t0.Add(-48*time.Hour))
	for id := int64(1); id <= 450; id++ {
		e.fake.archive(id, t0.Add(-time.Hour))
	}
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	full := e.read(cat, nil)
	if got := archivedRecords(t, full); len(got) != 450 {
		t.Fatalf("%d archived records, want 450", len(got))
	}
	var mid json.RawMessage
	for _, s := range full.states("contacts") {
		if st, err := ParseContactsState(s); err == nil && st.ArchivedResume != nil && mid == nil {
			mid = s // the first archived checkpoint: one page (100 contacts) delivered
		}
	}
	if mid == nil {
		t.Fatalf("no archived checkpoint among %d states", len(full.states("contacts")))
	}
	// A contact archived after the interrupted pass's end must still come, in the next pass.
	e.clk.Set(t0.Add(time.Hour))
	e.fake.addContacts(1000, 1, t0.Add(-48*time.Hour))
	e.fake.archive(1000, t0.Add(30*time.Minute))
	res := e.read(cat, mid)
	if res.code != 0 {
		t.Fatalf("exit %d: %v", res.code, res.traceErrors())
	}
	got := archivedRecords(t, res)
	if len(got) != 351 || got["100"] != "" || got["101"] == "" || got["1000"] == "" {
		t.Fatalf("resumed run archived %d records; want 101..450 and 1000", len(got))
	}
	st, _ := ParseContactsState(res.lastState(t, "contacts"))
	if !st.ArchivedAt.Equal(t0.Add(time.Hour-2*time.Minute)) || st.ArchivedResume != nil {
		t.Errorf("final state %+v", st)
	}
}

// A contact merged and then deleted is delivered with hs_merged_object_ids, whatever the
// configured schema selects, so that a destination removes the profiles of the ids merged into
// it too.
func TestArchivedMergedContactCarriesMergedIDs(t *testing.T) {
	e := newEnv(t)
	e.fake.addContacts(1, 5, t0.Add(-48*time.Hour))
	merged, err := e.fake.MergeContacts(2, 3, t0.Add(-40*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	e.fake.archive(merged, t0.Add(-30*time.Minute))
	cat := `{"streams":[{"stream":{"name":"contacts","json_schema":{"type":"object","properties":` +
		`{"email":{"type":["null","string"]}}},"supported_sync_modes":["full_refresh","incremental"]},` +
		`"sync_mode":"incremental","destination_sync_mode":"append"}]}`
	res := e.readRaw(cat, streamStateFile("contacts", json.RawMessage(`{"lastmodifieddate":"`+
		stream.FormatTime(t0.Add(-time.Hour))+`","archivedAt":"`+stream.FormatTime(t0.Add(-time.Hour))+`"}`)))
	if res.code != 0 {
		t.Fatalf("exit %d: %v", res.code, res.traceErrors())
	}
	var got []map[string]any
	for _, m := range recordFields(t, res) {
		if m["archived"] == true {
			got = append(got, m)
		}
	}
	if len(got) != 1 || got[0]["id"] != strconv.FormatInt(merged, 10) || got[0][stream.MergedIDsProperty] != "2;3" {
		t.Fatalf("archived records %v, want contact %d with %s \"2;3\"", got, merged, stream.MergedIDsProperty)
	}
}
