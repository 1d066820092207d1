package source

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/protocol/protocoltest"
	"github.com/insider-hubspot/connectors/source-hubspot/source/lists"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// TestListsResumeAfterEachList: a run killed after any of its STATEs (after list k) and
// resumed from it delivers exactly the records the whole run delivered after that STATE: the
// lists finished before it are neither read nor delivered again, the others' changes are all
// there. Checked for a first run (every member joins) and for a run with joins, exits, a
// rename, a deleted and a new list.
func TestListsResumeAfterEachList(t *testing.T) {
	t.Parallel()
	e := listsWorld(t, fakehubspot.ListOptions{})
	first := e.readLists(t, protocol.SyncModeIncremental, nil)
	t.Run("first run", func(t *testing.T) { checkListsResume(t, e, first) })

	listsChanges(e.fake)
	f := e.fake
	f.must(f.AddListMembers("6", t0.Add(40*time.Minute), 110))
	e.clk.Set(t0.Add(time.Hour))
	second := e.readLists(t, protocol.SyncModeIncremental, first.lastState(t, stream.Lists))
	if n := len(second.states(stream.Lists)); n < 5 {
		t.Fatalf("%d STATEs for a run that changed five lists; want one after each", n)
	}
	t.Run("changes", func(t *testing.T) { checkListsResume(t, e, second) })
}

// checkListsResume resumes from every STATE of full but its last, a run of the fake as it is now.
func checkListsResume(t *testing.T, e *env, full *result) {
	all := shorts(memberships(t, full))
	final := full.lastState(t, stream.Lists)
	var before int
	for _, m := range full.msgs {
		switch {
		case m.Type == "RECORD" && m.Record.Stream == stream.Lists:
			before++
		case m.Type == "STATE" && m.State.Stream.Descriptor.Name == stream.Lists:
			state := m.State.Stream.State
			if string(state) == string(final) {
				continue
			}
			st, err := lists.ParseState(state)
			if err != nil {
				t.Fatal(err)
			}
			e.fake.ResetStats()
			resumed := e.readLists(t, protocol.SyncModeIncremental, state)
			if d := cmp.Diff(all[before:], shorts(memberships(t, resumed))); d != "" {
				t.Errorf("resumed after %d records from %s (-want +got):\n%s", before, state, d)
			}
			if got := resumed.lastState(t, stream.Lists); string(got) != string(final) {
				t.Errorf("resumed from %s ends with\n%s\nwant\n%s", state, got, final)
			}
			if st.Resume == nil {
				continue
			}
			for _, r := range e.fake.RequestsTo(fakehubspot.EndpointListsMemberships) {
				id := strings.Split(strings.TrimPrefix(r.Path, "/crm/lists/2026-09/"), "/")[0]
				if _, done := st.Lists[id]; done && compareIDs(id, st.Resume.AfterList) <= 0 {
					t.Errorf("resumed after list %s, it read list %s again", st.Resume.AfterList, id)
				}
			}
		}
	}
}

// TestListsGolden pins the records and STATEs of a small run and of the run after a few
// changes in testdata/list_memberships.golden.jsonl (go test -update rewrites it).
func TestListsGolden(t *testing.T) {
	e := listsWorld(t, fakehubspot.ListOptions{})
	first := e.readLists(t, protocol.SyncModeIncremental, nil)
	listsChanges(e.fake)
	e.clk.Set(t0.Add(time.Hour))
	second := e.readLists(t, protocol.SyncModeIncremental, first.lastState(t, stream.Lists))
	var out []byte
	for i, res := range []*result{first, second} {
		out = fmt.Appendf(out, "{\"run\":%d}\n", i+1)
		for _, m := range res.msgs {
			var line []byte
			switch m.Type {
			case "RECORD":
				line, _ = json.Marshal(map[string]json.RawMessage{"record": m.Record.Data})
			case "STATE":
				line, _ = json.Marshal(map[string]json.RawMessage{"state": m.State.Stream.State})
			default:
				continue
			}
			out = append(append(out, line...), '\n')
		}
	}
	protocoltest.Golden(t, filepath.Join("..", "testdata", "list_memberships.golden.jsonl"), out, *update)
	if !slices.ContainsFunc(second.logs("INFO"), func(s string) bool { return strings.HasPrefix(s, "list memberships done") }) {
		t.Errorf("no summary INFO log: %q", second.logs("INFO"))
	}
}

// TestListsDailyReserve: list reads stop at the daily reserve like every other call. Six lists
// of 150 contacts cost three calls each (a memberships page, two batch reads): the first day's
// twelve calls read three lists and stop between the two batch reads of the fourth, which
// delivers none of its records; the next day resumes with the fourth list, and every membership
// comes exactly once.
func TestListsDailyReserve(t *testing.T) {
	t.Parallel()
	const dailyMax = 13 // a reserve of 1
	e := listsEnvWith(t, fakehubspot.Options{DailyMax: dailyMax})
	e.cfg["credentials"] = map[string]any{"credentials_title": "Private App Credentials", "access_token": "pat-static"}
	f := e.fake
	f.addContacts(1000, 900, t0.Add(-48*time.Hour))
	want := map[string]bool{}
	for l := range int64(6) {
		var members []int64
		for i := range int64(150) {
			members = append(members, 1000+l*150+i)
			want[fmt.Sprintf("+List %d/%d", l, 1000+l*150+i)] = true
		}
		f.mustList(fakehubspot.ListSpec{Name: fmt.Sprintf("List %d", l), Members: members, CreatedAt: t0.Add(-24 * time.Hour)})
	}
	cat := e.catalog(protocol.SyncModeIncremental, stream.Lists)
	var state []byte
	got := map[string]int{}
	var perDay []int
	for day := 1; ; day++ {
		if day > 10 {
			t.Fatalf("not done after %d days of %d calls", day, dailyMax)
		}
		f.ResetDaily()
		f.ResetStats()
		res := e.read(cat, state)
		recs := shorts(memberships(t, res))
		perDay = append(perDay, len(recs))
		for _, s := range recs {
			got[s]++
		}
		if res.code == 0 {
			break
		}
		checkDailyStop(t, res, f.Server, dailyMax)
		state = streamStateFile(stream.Lists, res.lastState(t, stream.Lists))
	}
	if !slices.Equal(perDay, []int{450, 450}) {
		t.Errorf("records a day %v, want [450 450]: three lists, then the three others", perDay)
	}
	for s := range want {
		if got[s] != 1 {
			t.Errorf("%s delivered %d times", s, got[s])
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d distinct records, want %d", len(got), len(want))
	}
}
