package source

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/source/events"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// lateEventsEnv is a shared fake with 60 occurrences of one event type that were visible on time
// before t0, and the incremental catalog of that event's stream.
func lateEventsEnv(t *testing.T) (*env, *fakehubspot.Server, string, *protocol.ConfiguredCatalog, []string) {
	t.Helper()
	e, srv := sharedEnv(t, fakehubspot.Options{})
	contacts := srv.AddContacts(fakehubspot.Contact{ID: 501, CreatedAt: t0.Add(-48 * time.Hour), UpdatedAt: t0.Add(-48 * time.Hour),
		Properties: map[string]string{"email": "late@example.com"}})
	fqn := srv.EventDefinitions()[0].FullyQualifiedName
	name := stream.EventPrefix + fqn
	var onTime []fakehubspot.Event
	for i := range 60 {
		onTime = append(onTime, fakehubspot.Event{ID: fmt.Sprintf("on-time-%02d", i), EventType: fqn,
			OccurredAt: t0.Add(-3*time.Hour + time.Duration(i)*time.Minute), ObjectID: contacts[0]})
	}
	ids := srv.AddEvents(onTime...)
	return e, srv, name, e.catalog(protocol.SyncModeIncremental, name), ids
}

// addLate makes 20 occurrences visible now (the clock's time) whose occurredAt lies 20 to 40
// minutes before now, as batched, retried or backdated sends arrive, and onTime whose occurredAt
// lies in the 50 minutes after now (the fake shows an occurrence at once).
func addLate(e *env, srv *fakehubspot.Server, name string, onTime int) []string {
	fqn := name[len(stream.EventPrefix):]
	now := e.clk.Now()
	var evs []fakehubspot.Event
	for i := range 20 {
		evs = append(evs, fakehubspot.Event{ID: fmt.Sprintf("late-%02d", i), EventType: fqn,
			OccurredAt: now.Add(-20*time.Minute - time.Duration(i)*time.Minute), ObjectID: 501})
	}
	for i := range onTime {
		evs = append(evs, fakehubspot.Event{ID: fmt.Sprintf("new-%03d", i), EventType: fqn,
			OccurredAt: now.Add(time.Minute + time.Duration(i)*50*time.Minute/time.Duration(onTime)), ObjectID: 501})
	}
	return srv.AddEvents(evs...)
}

// TestLateEventsAreDeliveredOnce: 20 occurrences that become visible 20 to 40 minutes after
// their occurredAt, between two syncs, are delivered by the second sync, and every occurrence
// comes exactly once across the two syncs (the second reads back over the first's occurrences
// and recognises them). Resuming the second sync from any of its STATEs delivers each of its
// occurrences exactly once too.
func TestLateEventsAreDeliveredOnce(t *testing.T) {
	t.Parallel()
	e, srv, stream, cat, first := lateEventsEnv(t)
	e.opts = append(e.opts, WithCheckpointEvery(7))
	run1 := e.read(cat, nil)
	if run1.code != 0 {
		t.Fatalf("first sync: exit %d %+v", run1.code, run1.traceErrors())
	}
	checkOnce(t, ids(t, run1.records(stream)), first)

	e.clk.Set(t0.Add(time.Minute)) // the late occurrences arrive after the first sync ended
	later := addLate(e, srv, stream, 250)
	e.clk.Set(t0.Add(time.Hour))
	state := streamStateFile(stream, run1.lastState(t, stream))
	run2 := e.read(cat, state)
	if run2.code != 0 {
		t.Fatalf("second sync: exit %d %+v", run2.code, run2.traceErrors())
	}
	checkOnce(t, ids(t, run2.records(stream)), later)

	// Resume the second sync from each of its STATEs.
	var before []string
	states := 0
	for _, m := range run2.msgs {
		switch m.Type {
		case "RECORD":
			before = append(before, ids(t, []json.RawMessage{m.Record.Data})[0])
		case "STATE":
			states++
			resumed := e.read(cat, streamStateFile(stream, m.State.Stream.State))
			if resumed.code != 0 {
				t.Fatalf("resume: exit %d %+v", resumed.code, resumed.traceErrors())
			}
			checkOnce(t, slices.Concat(before, ids(t, resumed.records(stream))), later)
		}
	}
	if states < 3 {
		t.Errorf("%d STATEs in the second sync; the test needs several to resume from", states)
	}
}

// checkOnce fails t unless got holds every id of want exactly once and nothing else.
func checkOnce(t *testing.T, got, want []string) {
	t.Helper()
	seen := map[string]int{}
	for _, id := range got {
		seen[id]++
	}
	for _, id := range want {
		if seen[id] != 1 {
			t.Fatalf("occurrence %s delivered %d times (%d records for %d occurrences)", id, seen[id], len(got), len(want))
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d records for %d occurrences", len(got), len(want))
	}
}

// TestEventLookbackOff: with event_lookback_minutes 0 the stream reads back only
// lookback_minutes and its state holds no delivered occurrences, as before the event lookback.
func TestEventLookbackOff(t *testing.T) {
	t.Parallel()
	e, srv, stream, cat, _ := lateEventsEnv(t)
	e.cfg["event_lookback_minutes"] = 0
	run1 := e.read(cat, nil)
	e.clk.Set(t0.Add(time.Minute))
	addLate(e, srv, stream, 10)
	e.clk.Set(t0.Add(time.Hour))
	run2 := e.read(cat, streamStateFile(stream, run1.lastState(t, stream)))
	if run2.code != 0 {
		t.Fatalf("exit %d %+v", run2.code, run2.traceErrors())
	}
	if n := len(run2.records(stream)); n != 10 {
		t.Errorf("%d records, want only the 10 on-time occurrences", n)
	}
	st, err := events.ParseState(run2.lastState(t, stream))
	if err != nil || st.Delivered != nil {
		t.Errorf("state %+v %v: want no delivered occurrences", st, err)
	}
}
