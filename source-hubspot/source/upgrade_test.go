package source

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/protocol"
)

// upgradeWorld is the data behind the testdata/state_v3_*.json fixtures: those states were
// written by the source as it was before it moved to date-based API paths (commit 57cf9a1),
// reading this world at t0 with WithCheckpointEvery(100) and WithSearchConcurrency(1): contacts
// 1..450 modified at t0-1h, read from the watermark t0-2h, and 250 pe1_signup occurrences, one a
// minute from t0-5h, read from t0-6h. A full refresh of contacts wrote state_v3_list.json.
func upgradeWorld(t *testing.T) (*env, *protocol.ConfiguredCatalog) {
	e := newEnv(t)
	e.opts = append(e.opts, WithCheckpointEvery(100), WithSearchConcurrency(1))
	e.fake.addContacts(1, 450, t0.Add(-time.Hour))
	e.fake.AddEventDefinitions(fakehubspot.EventDefinition{Name: "signup", FullyQualifiedName: "pe1_signup",
		Properties: []fakehubspot.Property{{Name: "source_page", Type: "string"}}})
	for i := 0; i < 250; i++ {
		e.fake.AddEvents(fakehubspot.Event{ID: fmt.Sprintf("ev%03d", i), EventType: "pe1_signup",
			OccurredAt: t0.Add(-5*time.Hour + time.Duration(i)*time.Minute), ObjectID: int64(1 + i%31),
			Properties: map[string]string{"source_page": "/p"}})
	}
	return e, e.catalog(protocol.SyncModeIncremental, "contacts", "event_pe1_signup")
}

// eventIDs returns the event ids evNNN for first <= NNN < end.
func eventIDs(first, end int) map[string]bool {
	m := map[string]bool{}
	for i := first; i < end; i++ {
		m[fmt.Sprintf("ev%03d", i)] = true
	}
	return m
}

// TestResumeFromStateOfEarlierVersion resumes from states saved before the move to date-based
// paths: nothing is read again beyond the lookback, and nothing is lost.
func TestResumeFromStateOfEarlierVersion(t *testing.T) {
	for _, tc := range []struct {
		file     string
		contacts map[string]bool
		events   map[string]bool
	}{
		// Mid-window: contacts above id 200 of the window, then the (empty) next window; events
		// from the checkpoint (ev099 at 08:39) minus the 5-minute lookback.
		{"state_v3_mid_window.json", wantIDs(201, 250), eventIDs(94, 250)},
		// Mid-list (a full refresh cut off after id 200): the list resumes at 201.
		{"state_v3_list.json", wantIDs(201, 250), nil},
		// Finished runs: only the lookback before the watermark is read, and it holds nothing.
		{"state_v3_final.json", map[string]bool{}, map[string]bool{}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			e, cat := upgradeWorld(t)
			state, err := os.ReadFile(filepath.Join("..", "testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if tc.events == nil {
				cat.Streams = cat.Streams[:1]
			}
			res := e.read(cat, state)
			if res.code != 0 {
				t.Fatalf("exit %d: %v", res.code, res.traceErrors())
			}
			checkExactlyOnce(t, ids(t, res.records("contacts")), tc.contacts)
			if tc.events != nil {
				checkExactlyOnce(t, ids(t, res.records("event_pe1_signup")), tc.events)
			}
		})
	}
}

// TestVersionNotServed: a version HubSpot does not serve fails every stream of a read with a
// config_error naming api_version and the version, while a missing contact in get_contact mode
// is still reported as a missing contact.
func TestVersionNotServed(t *testing.T) {
	t.Run("read", func(t *testing.T) {
		e, cat := upgradeWorld(t)
		e.cfg["api_version"] = "2025-09"
		res := e.read(cat, nil)
		errs := res.traceErrors()
		if res.code == 0 || len(errs) != 2 {
			t.Fatalf("exit %d, %d errors; want one per stream", res.code, len(errs))
		}
		for _, m := range errs {
			if m.Trace.Error.FailureType != "config_error" || !strings.Contains(m.Trace.Error.Message, `api_version "2025-09"`) {
				t.Errorf("error %+v", m.Trace.Error)
			}
		}
	})
	t.Run("discover", func(t *testing.T) {
		e := newEnv(t)
		e.cfg["api_version"] = "2025-09"
		res := e.run("discover", "--config", e.writeFile("config.json", e.cfg))
		if errs := res.traceErrors(); res.code == 0 || len(errs) != 1 || !strings.Contains(errs[0].Trace.Error.Message, `api_version "2025-09"`) {
			t.Fatalf("exit %d, errors %+v", res.code, errs)
		}
	})
	t.Run("events only", func(t *testing.T) {
		// The CRM serves the version but the events API does not: discover fails rather than
		// quietly dropping the event streams.
		e := newEnv(t)
		e.cfg["api_version"] = "2026-03"
		notFound := `{"status":"error","message":"Unable to find a resource","category":"OBJECT_NOT_FOUND","correlationId":"corr-123"}`
		e.fake.failFirst(fakehubspot.EndpointEventDefinitions, 100, 404, nil, notFound)
		e.fake.failFirst(fakehubspot.EndpointEvents, 100, 404, nil, notFound)
		res := e.run("discover", "--config", e.writeFile("config.json", e.cfg))
		if errs := res.traceErrors(); res.code == 0 || len(errs) != 1 ||
			!strings.Contains(errs[0].Trace.Error.Message, `api_version "2026-03" (HTTP 404 for GET /events/custom/2026-03/event-definitions)`) {
			t.Fatalf("exit %d, errors %+v", res.code, errs)
		}
	})
	for _, tc := range []struct {
		name, version, want string
	}{
		{"get_contact, version served", "2026-09", "HubSpot has no contact with record id 999999"},
		{"get_contact, version not served", "2025-09", `HubSpot does not serve api_version "2025-09" (HTTP 404 for POST /crm/objects/2025-09/contacts/batch/read)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := upgradeWorld(t) // its catalog comes from discover with the default version
			cat := e.catalog(protocol.SyncModeIncremental, "contacts")
			e.cfg["api_version"] = tc.version
			e.cfg["sync_target"] = map[string]any{"mode": "get_contact", "contact_id": "999999"}
			res := e.read(cat, nil)
			errs := res.traceErrors()
			if res.code == 0 || len(errs) != 1 || errs[0].Trace.Error.FailureType != "config_error" ||
				!strings.Contains(errs[0].Trace.Error.Message, tc.want) {
				t.Fatalf("exit %d, errors %+v; want %q", res.code, errs, tc.want)
			}
		})
	}
}
