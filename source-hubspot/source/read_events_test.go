package source

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/source/events"
)

func TestEventsWithContactEnrichment(t *testing.T) {
	e := newEnv(t)
	e.fake.addContacts(100, 30, t0.Add(-time.Hour))
	e.fake.AddEventDefinitions(fakehubspot.EventDefinition{Name: "signup", FullyQualifiedName: "pe1_signup",
		Properties: []fakehubspot.Property{{Name: "source_page", Type: "string"}, {Name: "amount", Type: "number"}}})
	for i := 0; i < 250; i++ {
		obj := int64(100 + i%31) // contact 130 does not exist
		e.fake.AddEvents(fakehubspot.Event{ID: fmt.Sprintf("ev%03d", i), EventType: "pe1_signup",
			OccurredAt: t0.Add(-3*time.Hour + time.Duration(i)*time.Second), ObjectID: obj,
			Properties: map[string]string{"source_page": "/p", "amount": "12.5"}})
	}
	e.fake.AddEvents(fakehubspot.Event{ID: "other", EventType: "pe1_other", OccurredAt: t0.Add(-time.Hour), ObjectID: 100})
	cat := e.catalog(protocol.SyncModeIncremental, "event_pe1_signup")
	res := e.read(cat, nil)
	if res.code != 0 {
		t.Fatalf("exit %d: %v", res.code, res.traceErrors())
	}
	recs := res.records("event_pe1_signup")
	if len(recs) != 250 {
		t.Fatalf("got %d event records, want 250", len(recs))
	}
	if n := e.fake.callCount(pathBatchRead); n != 3 {
		t.Errorf("batch reads = %d, want 3 (one per page of 100 events)", n)
	}
	nulls := 0
	for _, r := range recs {
		var v struct {
			ID         string         `json:"id"`
			ObjectID   string         `json:"objectId"`
			Properties map[string]any `json:"properties"`
			Contact    map[string]any `json:"contact"`
		}
		if err := json.Unmarshal(r, &v); err != nil {
			t.Fatal(err)
		}
		if v.Properties["amount"] != 12.5 {
			t.Errorf("%s amount = %#v", v.ID, v.Properties["amount"])
		}
		if v.ObjectID == "130" {
			if v.Contact != nil {
				t.Errorf("missing contact should be null, got %v", v.Contact)
			}
			nulls++
			continue
		}
		if v.Contact["email"] != "c"+v.ObjectID+"@example.com" || v.Contact["hs_object_id"] == nil {
			t.Errorf("%s contact = %v", v.ID, v.Contact)
		}
	}
	if nulls == 0 {
		t.Error("no event of the deleted contact")
	}
	st, err := events.ParseState(res.lastState(t, "event_pe1_signup"))
	if err != nil || !st.OccurredAt.Equal(t0.Add(-2*time.Minute)) {
		t.Errorf("final state %+v %v", st, err)
	}
	// A second run from that state reads nothing new but keeps the state.
	next := e.read(cat, streamStateFile("event_pe1_signup", res.lastState(t, "event_pe1_signup")))
	if n := len(next.records("event_pe1_signup")); n != 0 {
		t.Errorf("second run re-read %d events", n)
	}
}
