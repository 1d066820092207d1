package source

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// requireConfigError fails unless the run stopped with one config_error whose message holds
// every one of want.
func requireConfigError(t *testing.T, res *result, want ...string) {
	t.Helper()
	errs := res.traceErrors()
	if res.code == 0 || len(errs) != 1 || errs[0].Trace.Error.FailureType != "config_error" {
		t.Fatalf("exit %d, errors %+v; want one config_error", res.code, errs)
	}
	for _, w := range want {
		if !strings.Contains(errs[0].Trace.Error.Message, w) {
			t.Errorf("error %q does not say %q", errs[0].Trace.Error.Message, w)
		}
	}
}

// TestCursorAheadOfTheClockIsRefused: a run on a host whose clock ran a day fast writes a
// watermark in the future; once the clock is right again, the next run does not keep it (which
// would read nothing until the clock passes it) but stops with a config_error saying why.
func TestCursorAheadOfTheClockIsRefused(t *testing.T) {
	e := newEnv(t)
	e.fake.addContacts(1, 50, t0.Add(-time.Hour))
	cat := e.catalog(protocol.SyncModeIncremental, "contacts")
	e.clk.Set(t0.Add(24 * time.Hour))
	fast := e.read(cat, nil)
	if fast.code != 0 {
		t.Fatalf("exit %d: %v", fast.code, fast.traceErrors())
	}
	e.clk.Set(t0)
	e.fake.addContacts(100, 20, t0.Add(-10*time.Minute)) // changed after the fast run really ran
	res := e.read(cat, fast.lastState(t, "contacts"))
	requireConfigError(t, res, "lastmodifieddate "+stream.FormatTime(t0.Add(24*time.Hour-2*time.Minute)),
		"later than the current time "+stream.FormatTime(t0), "clock", "reset the stream")
	if n := len(res.states("contacts")); n != 0 {
		t.Errorf("%d STATE messages; the future watermark must not be echoed as if read", n)
	}
}

func TestResumeAheadOfTheClockOrInvertedIsRefused(t *testing.T) {
	past, future := stream.FormatTime(t0.Add(-time.Hour)), stream.FormatTime(t0.Add(time.Hour))
	for _, tc := range []struct{ name, state, want string }{
		{"resume end in the future", `{"lastmodifieddate":"` + past + `","resume":{"method":"search","start":"` + past +
			`","end":"` + future + `","after_id":"5"}}`, "resume.end " + future},
		{"inverted window", `{"lastmodifieddate":"` + past + `","resume":{"method":"search","start":"` + stream.FormatTime(t0.Add(-time.Minute)) +
			`","end":"` + past + `","after_id":"5"}}`, "after resume.end"},
		{"inverted id range", `{"lastmodifieddate":"` + past + `","resume":{"method":"search","start":"` + past +
			`","end":"` + stream.FormatTime(t0.Add(-5*time.Minute)) + `","ranges":[{"after_id":"900","up_to_id":"100"},{"after_id":"1000"}]}}`,
			"inverted id range"},
		{"archive watermark in the future", `{"lastmodifieddate":"` + past + `","archivedAt":"` + future + `"}`, "archivedAt " + future},
		{"archived pass ending in the future", `{"lastmodifieddate":"` + past + `","archivedAt":"` + past +
			`","archived_resume":{"end":"` + future + `","after":"5"}}`, "archived_resume.end " + future},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.fake.addContacts(1, 50, t0.Add(-30*time.Minute))
			res := e.read(e.catalog(protocol.SyncModeIncremental, "contacts"), json.RawMessage(tc.state))
			requireConfigError(t, res, tc.want)
		})
	}
}

func TestEventCursorAheadOfTheClockIsRefused(t *testing.T) {
	e := newEnv(t)
	e.fake.AddEventDefinitions(fakehubspot.EventDefinition{Name: "signup", FullyQualifiedName: "pe1_signup"})
	e.fake.addContacts(1, 5, t0.Add(-time.Hour))
	for i := 0; i < 5; i++ {
		e.fake.AddEvents(fakehubspot.Event{ID: "ev" + string(rune('a'+i)), EventType: "pe1_signup",
			OccurredAt: t0.Add(-time.Hour), ObjectID: 1})
	}
	cat := e.catalog(protocol.SyncModeIncremental, "event_pe1_signup")
	future := stream.FormatTime(t0.Add(3 * time.Hour))
	res := e.read(cat, streamStateFile("event_pe1_signup", json.RawMessage(`{"occurredAt":"`+future+`"}`)))
	requireConfigError(t, res, "event_pe1_signup", "occurredAt "+future, "later than the current time")
}

// TestResumeIDPastEveryContactIsReadAgain: a resume point whose after_id is above every contact
// id (an edited state) would skip its whole window; the window is read again instead.
func TestResumeIDPastEveryContactIsReadAgain(t *testing.T) {
	for _, tc := range []struct{ name, resume string }{
		{"search", `"method":"search","start":"` + stream.FormatTime(t0.Add(-2*time.Hour)) + `","end":"` + stream.FormatTime(t0.Add(-time.Hour)) +
			`","after_id":"99999999999"`},
		{"ranges", `"method":"search","start":"` + stream.FormatTime(t0.Add(-2*time.Hour)) + `","end":"` + stream.FormatTime(t0.Add(-time.Hour)) +
			`","ranges":[{"after_id":"99999999999"}]`},
		{"list", `"method":"list","end":"` + stream.FormatTime(t0.Add(-time.Hour)) + `","after":"99999999999"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.fake.addContacts(1, 300, t0.Add(-90*time.Minute)) // inside the resumed window only
			state := json.RawMessage(`{"lastmodifieddate":"` + stream.FormatTime(t0.Add(-2*time.Hour)) + `","resume":{` + tc.resume + `}}`)
			e.cfg["lookback_minutes"] = 0
			res := e.read(e.catalog(protocol.SyncModeIncremental, "contacts"), state)
			if res.code != 0 {
				t.Fatalf("exit %d: %v", res.code, res.traceErrors())
			}
			got := map[string]bool{}
			for _, id := range ids(t, res.records("contacts")) {
				got[id] = true
			}
			for id := range wantIDs(1, 300) {
				if !got[id] {
					t.Fatalf("contact %s skipped: the resume point was trusted", id)
				}
			}
			warned := false
			for _, l := range res.logs("WARN") {
				warned = warned || strings.Contains(l, "past every contact id")
			}
			if !warned {
				t.Errorf("no WARN about the resume point; WARN logs %q", res.logs("WARN"))
			}
		})
	}
}
