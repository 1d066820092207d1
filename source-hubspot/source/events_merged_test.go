package source

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// The events of contacts merged away keep their contact: HubSpot answers a batch read by a
// merged-away id with the merged contact under its new id, and every event still names its old
// objectId.
func TestEventsOfMergedContactsKeepTheirContact(t *testing.T) {
	e := newEnv(t)
	e.fake.addContacts(100, 10, t0.Add(-3*time.Hour))
	e.fake.AddEventDefinitions(fakehubspot.EventDefinition{Name: "signup", FullyQualifiedName: "pe1_signup"})
	for i := range 61 {
		obj := int64(100 + i%2) // 31 events of contact 100, 30 of contact 101
		e.fake.AddEvents(fakehubspot.Event{ID: fmt.Sprintf("ev%03d", i), EventType: "pe1_signup",
			OccurredAt: t0.Add(-2*time.Hour + time.Duration(i)*time.Second), ObjectID: obj})
	}
	merged, err := e.fake.MergeContacts(100, 101, t0.Add(-time.Hour)) // a new id; 100's email wins
	if err != nil {
		t.Fatal(err)
	}
	e.fake.AddEvents(fakehubspot.Event{ID: "ev-new", EventType: "pe1_signup", OccurredAt: t0.Add(-30 * time.Minute), ObjectID: merged})

	res := e.read(e.catalog(protocol.SyncModeIncremental, "event_pe1_signup"), nil)
	if res.code != 0 {
		t.Fatalf("exit %d: %v", res.code, res.traceErrors())
	}
	recs := res.records("event_pe1_signup")
	if len(recs) != 62 {
		t.Fatalf("got %d event records, want 62", len(recs))
	}
	lost := 0
	for _, r := range recs {
		var v struct {
			ID       string         `json:"id"`
			ObjectID string         `json:"objectId"`
			Contact  map[string]any `json:"contact"`
		}
		if err := json.Unmarshal(r, &v); err != nil {
			t.Fatal(err)
		}
		if v.Contact == nil {
			lost++
			continue
		}
		if v.Contact["email"] != "c100@example.com" || v.Contact["hs_object_id"] != float64(merged) {
			t.Errorf("event %s of contact %s: contact %v, want the merged contact %d", v.ID, v.ObjectID, v.Contact, merged)
		}
		if _, ok := v.Contact[stream.MergedIDsProperty]; ok {
			t.Errorf("event %s: contact %v carries %s, which event_contact_properties does not name", v.ID, v.Contact, stream.MergedIDsProperty)
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d events lost their contact", lost, len(recs))
	}
	if n := e.fake.callCount(pathBatchRead); n != 1 {
		t.Errorf("batch reads = %d, want 1 (62 events on one page, 3 distinct ids)", n)
	}
}
