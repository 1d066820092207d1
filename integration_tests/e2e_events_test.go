package integrationtests

import (
	"strconv"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/datagen"
	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

func pipelineUUID(id int64) string { return strconv.FormatInt(id, 10) }

// TestE2ECustomEvents: custom behavioral events become Insider events on their contact's
// profile, with mapped and fixed parameters; unmapped event streams are ignored.
func TestE2ECustomEvents(t *testing.T) {
	e := newE2E(t, datagen.Options{Seed: 8, Count: 400})
	defs := e.hs.EventDefinitions()
	end := dataEnd()
	evs := datagen.Events(datagen.EventOptions{Seed: 8, Definitions: defs, ContactIDs: e.hs.ContactIDs(), Count: 600,
		Start: end.Add(-48 * time.Hour), End: end})
	e.hs.AddEvents(evs...)
	signup := fakehubspot.FQN(fakehubspot.DefaultPortalID, "newsletter_signup")
	e.dest["event_mappings"] = []map[string]any{{
		"stream": "event_" + signup, "event_name": "newsletter_signup",
		"parameters": []map[string]any{
			{"source_field": "properties.source_page", "parameter": "url"},
			{"source_field": "properties.plan", "parameter": "plan"},
			{"source_field": "contact.email", "parameter": "signup_email"},
		},
	}}
	e.dest["fixed_event_parameters"] = []map[string]any{{"parameter": "source", "value": "hubspot"}}
	e.writeConfigs()

	res := e.sync(nil)
	requireOK(t, res)

	want := map[string]bool{} // distinct (contact, second, page, plan): Insider de-duplicates equal events
	for _, ev := range e.hs.Events() {
		if ev.EventType == signup {
			want[pipelineUUID(ev.ObjectID)+"|"+ev.OccurredAt.UTC().Format(time.RFC3339)+"|"+ev.Properties["source_page"]+"|"+ev.Properties["plan"]] = true
		}
	}
	got, other := 0, 0
	for _, p := range e.ins.Profiles() {
		for _, ev := range p.Events {
			if ev.Name != "newsletter_signup" {
				other++
				continue
			}
			got++
			custom, _ := ev.Params["custom"].(map[string]any)
			if custom["source"] != "hubspot" {
				t.Errorf("event without the fixed parameter custom.source: %+v", ev.Params)
			}
			if custom["signup_email"] == nil && p.Identifiers.Email != "" {
				t.Errorf("event of a contact with email lacks custom.signup_email: %+v", ev.Params)
			}
			if url, ok := ev.Params["url"]; ok && url == "" {
				t.Errorf("empty url parameter sent: %+v", ev.Params)
			}
		}
	}
	if len(want) == 0 {
		t.Fatal("the generated data has no newsletter_signup events")
	}
	if got != len(want) {
		t.Errorf("Insider holds %d newsletter_signup events, want %d", got, len(want))
	}
	if other != 0 {
		t.Errorf("%d events of unmapped streams reached Insider", other)
	}
}
