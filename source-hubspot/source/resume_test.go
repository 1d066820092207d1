package source

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/protocol"
)

// resumedRun is a read resumed from one STATE of a full run.
type resumedRun struct {
	state  json.RawMessage
	before int      // the records the full run delivered before the STATE
	again  []string // the ids the resumed run delivered
}

// resumeFromEachState walks the output of full, a read of cat: at each STATE that pick accepts
// (every STATE when pick is nil) it runs a read resumed from it, and fails the test unless that
// run succeeds and the records before the STATE, with the resumed run's, cover every contact of
// want. It returns the resumed runs, for the caller's checks on what came again.
func resumeFromEachState(t *testing.T, e *env, cat *protocol.ConfiguredCatalog, full *result, want map[string]bool,
	pick func(state json.RawMessage) bool) []resumedRun {
	t.Helper()
	var before []string
	var runs []resumedRun
	for _, m := range full.msgs {
		switch m.Type {
		case "RECORD":
			before = append(before, ids(t, []json.RawMessage{m.Record.Data})[0])
		case "STATE":
			state := m.State.Stream.State
			if pick != nil && !pick(state) {
				continue
			}
			resumed := e.read(cat, state)
			if resumed.code != 0 {
				t.Fatalf("resume from %s: exit %d %v", state, resumed.code, resumed.traceErrors())
			}
			again := ids(t, resumed.records("contacts"))
			got := map[string]bool{}
			for _, id := range slices.Concat(before, again) {
				got[id] = true
			}
			for id := range want {
				if !got[id] {
					t.Fatalf("resuming from %s loses contact %s", state, id)
				}
			}
			runs = append(runs, resumedRun{state: state, before: len(before), again: again})
		}
	}
	return runs
}

// isBackfill reports whether a contacts state is a backfill's.
func isBackfill(state json.RawMessage) bool { return strings.Contains(string(state), `"backfill"`) }

func TestResumeFromEveryStateLeavesNoGap(t *testing.T) {
	for _, conc := range []int{1, 3} {
		t.Run(fmt.Sprintf("concurrency %d", conc), func(t *testing.T) { testResumeFromEveryState(t, conc) })
	}
}

func testResumeFromEveryState(t *testing.T, conc int) {
	t.Parallel()
	e := newEnv(t)
	// Sequentially, one window of more than 10,000 contacts (more than one query could page by
	// offset); concurrently, ranges checkpointed at their contiguous prefix.
	shared, every := 10_500, 2500
	if conc > 1 {
		shared, every = 5000, 800
	}
	e.opts = append(e.opts, WithCheckpointEvery(every), WithSearchConcurrency(conc), WithBackfill(false)) // search windows; backfill_test.go resumes backfills
	same := t0.Add(-30 * time.Minute)
	e.fake.addContacts(1, shared, same)
	e.fake.addContacts(50_000, 900, same.Add(time.Minute))
	all := union(wantIDs(1, shared), wantIDs(50_000, 900))
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	full := e.read(cat, watermarkState(t0.Add(-time.Hour)))
	if full.code != 0 {
		t.Fatalf("exit %d: %v", full.code, full.traceErrors())
	}
	runs := resumeFromEachState(t, e, cat, full, all, nil)
	for _, r := range runs {
		// It resumes where the run stopped: at most the pages other ranges were writing when
		// the STATE was taken come again.
		if again, max := len(r.again), len(all)-r.before+(conc-1)*200; again > max {
			t.Errorf("resuming from %s re-reads %d records, want at most %d", r.state, again, max)
		}
	}
	if states, min := len(runs), (shared+900)/every; states < min {
		t.Errorf("only %d STATE messages for %d records; want checkpoints every %d", states, shared+900, every)
	}
}

func TestResumeFromListCheckpoint(t *testing.T) {
	e := newEnv(t)
	e.opts = append(e.opts, WithCheckpointEvery(100))
	e.fake.addContacts(1, 450, t0.Add(-time.Hour))
	full := e.read(e.catalog(protocol.SyncModeFullRefresh, "contacts"), nil)
	states := full.states("contacts")
	if len(states) < 4 {
		t.Fatalf("%d states", len(states))
	}
	mid, err := ParseContactsState(states[1])
	if err != nil || mid.Resume == nil || mid.Resume.Method != methodList {
		t.Fatalf("mid-run state %s: %v", states[1], err)
	}
	res := e.read(e.catalog(protocol.SyncModeIncremental, "contacts"), states[1])
	if res.code != 0 {
		t.Fatalf("exit %d: %v", res.code, res.traceErrors())
	}
	// The list resumes after the second page; the window after it holds none of these contacts.
	checkExactlyOnce(t, ids(t, res.records("contacts")), wantIDs(201, 250))
}
