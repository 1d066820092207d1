package source

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/insider-hubspot/connectors/source-hubspot/source/journal"
)

// reparse marshals s and parses the result, failing the test if either fails.
func reparse(t *testing.T, s ContactsState) ([]byte, ContactsState) {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseContactsState(b)
	if err != nil {
		t.Fatalf("re-parse of %s: %v", b, err)
	}
	return b, back
}

func TestContactsStateRoundTrip(t *testing.T) {
	ts := func(s string) time.Time { v, _ := time.Parse(time.RFC3339Nano, s); return v.UTC() }
	for _, s := range []ContactsState{
		{LastModified: ts("2026-01-02T03:04:05.678Z")},
		{LastModified: ts("2026-01-02T03:04:05.678Z"), Resume: &Resume{Method: methodSearch,
			Start: ts("2026-01-01T00:00:00Z"), End: ts("2026-01-02T00:00:00Z"), AfterID: "57156923994"}},
		{LastModified: time.Unix(0, 0).UTC(), Resume: &Resume{Method: methodList, End: ts("2026-01-02T00:00:00Z"), ListAfter: "501"}},
		{LastModified: ts("2026-01-02T03:04:05.678Z"), Resume: &Resume{Method: methodSearch, End: ts("2026-01-02T00:00:00Z"), AfterID: "10",
			Ranges: []IDRange{{AfterID: "10", UpToID: "500"}, {AfterID: "900"}}}},
		{LastModified: ts("2026-01-02T03:04:05.678Z"), ArchivedAt: ts("2026-01-01T00:00:00.001Z")},
		{LastModified: ts("2026-01-02T03:04:05.678Z"), ArchivedAt: ts("2026-01-01T00:00:00Z"),
			ArchivedResume: &ArchivedResume{End: ts("2026-01-02T00:00:00Z"), After: "opaque/token=="}},
		{LastModified: ts("2026-01-02T03:04:05.678Z"), ArchivedResume: &ArchivedResume{End: ts("2026-01-02T00:00:00Z"), After: "7"}},
		{LastModified: time.Unix(0, 0).UTC(), Resume: &Resume{Method: methodBackfill, End: ts("2026-01-02T00:00:00Z"),
			Ranges: []IDRange{{AfterID: "0", UpToID: "3100"}, {AfterID: "3412", UpToID: "9000"}, {AfterID: "9800"}}}},
		{LastModified: ts("2026-01-02T03:04:05.678Z"), Journal: &journal.State{At: ts("2026-01-02T03:04:05.678Z")}},
		{LastModified: ts("2026-01-02T03:04:05.678Z"), ArchivedAt: ts("2026-01-01T00:00:00Z"),
			Journal: &journal.State{Offset: "00000000-0001-7240-801e-019ca9450a00", At: ts("2026-01-02T00:00:00.001Z")}},
	} {
		b, back := reparse(t, s)
		if diff := cmp.Diff(s, back); diff != "" {
			t.Errorf("%s round trip (-want +got):\n%s", b, diff)
		}
	}
}

func TestParseContactsStateRejects(t *testing.T) {
	for _, raw := range []string{`[]`, `"x"`, `{"lastmodifieddate":"tomorrow"}`, `{"lastmodifieddate":true}`,
		`{"other":1}`, `{"lastmodifieddate":"2026-01-01T00:00:00Z","resume":{"method":"teleport","end":"2026-01-01T00:00:00Z"}}`,
		`{"resume":{"method":"search","end":"2026-01-01T00:00:00Z","after_id":"abc"}}`,
		`{"resume":{"method":"search","end":"2026-01-01T00:00:00Z","ranges":[{"after_id":"1","up_to_id":"x"}]}}`,
		`{"lastmodifieddate":"2026-01-01T00:00:00Z","archivedAt":"yesterday"}`,
		`{"lastmodifieddate":"2026-01-01T00:00:00Z","archived_resume":{"end":"2026-01-01T00:00:00Z"}}`,
		`{"lastmodifieddate":"2026-01-01T00:00:00Z","archived_resume":{"end":"soon","after":"5"}}`,
		`{"lastmodifieddate":"2026-01-01T00:00:00Z","archived_resume":[]}`,
		`{"resume":{"method":"search","start":"2026-01-02T00:00:00Z","end":"2026-01-01T00:00:00Z"}}`,
		`{"resume":{"method":"search","end":"2026-01-01T00:00:00Z","ranges":[{"after_id":"10","up_to_id":"9"}]}}`,
		`{"lastmodifieddate":"2026-01-01T00:00:00Z","journal_offset":"abc"}`,
		`{"lastmodifieddate":"2026-01-01T00:00:00Z","journal_offset":7,"journal_offset_at":"2026-01-01T00:00:00Z"}`,
		`{"lastmodifieddate":"2026-01-01T00:00:00Z","journal_offset":"abc","journal_offset_at":"soon"}`} {
		if _, err := ParseContactsState(json.RawMessage(raw)); err == nil {
			t.Errorf("%s accepted", raw)
		}
	}
	for _, raw := range []string{``, `null`, `{}`} {
		if s, err := ParseContactsState(json.RawMessage(raw)); err != nil || !s.LastModified.IsZero() {
			t.Errorf("%q: %+v %v; want no state", raw, s, err)
		}
	}
}

// TestParseContactsStateNamesEveryMethod: an unknown resume method is refused with the methods
// a resume point may hold, backfill included.
func TestParseContactsStateNamesEveryMethod(t *testing.T) {
	_, err := ParseContactsState(json.RawMessage(`{"lastmodifieddate":"2026-01-01T00:00:00Z","resume":{"method":"teleport","end":"2026-01-01T00:00:00Z"}}`))
	if err == nil || !strings.Contains(err.Error(), `"teleport" is not search, list or backfill`) {
		t.Errorf("err = %v, want one naming search, list and backfill", err)
	}
}

func FuzzParseContactsState(f *testing.F) {
	for _, s := range []string{`{"lastmodifieddate":"2026-01-02T03:04:05.678Z"}`, `{"updatedAt":"1700000000000"}`,
		`{"lastmodifieddate":"2026-01-02T03:04:05Z","resume":{"method":"search","start":"2026-01-01T00:00:00Z","end":"2026-01-02T00:00:00Z","after_id":"12"}}`,
		`{"lastmodifieddate":1700000000000}`, `[]`,
		`{"lastmodifieddate":"2026-01-02T03:04:05Z","resume":{"method":"search","end":"2026-01-02T00:00:00Z","ranges":[{"after_id":"1","up_to_id":"9"},{"after_id":"20"}]}}`, `null`, `{"resume":{"method":"list","end":"2026-01-02T00:00:00Z","after":"x"}}`,
		`{"lastmodifieddate":"2026-01-02T03:04:05Z","archivedAt":"2026-01-01T00:00:00Z","archived_resume":{"end":"2026-01-02T00:00:00Z","after":"a b"}}`,
		`{"lastmodifieddate":"2026-01-02T03:04:05Z","journal_offset":"","journal_offset_at":"2026-01-01T00:00:00Z"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		s, err := ParseContactsState(json.RawMessage(raw))
		if err != nil {
			return
		}
		b, back := reparse(t, s)
		b2, _ := json.Marshal(back)
		if string(b) != string(b2) {
			t.Fatalf("not stable: %s vs %s", b, b2)
		}
	})
}
