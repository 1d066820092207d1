package destination

import (
	"fmt"
	"testing"

	"github.com/insider-hubspot/connectors/destination-insider/mapping"
	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

// TestWriteTakesSmallRecordIDsAsIdentifiers: HubSpot's contact ids 0 and 1 are record ids like
// any other. Mapped as uuid or as a custom identifier they are sent, under every
// invalid_identifier_policy, also fail_run; placeholder words stay invalid there, and the
// placeholder rules of free text (an email "0") are unchanged.
func TestWriteTakesSmallRecordIDsAsIdentifiers(t *testing.T) {
	t.Parallel()
	for _, policy := range []string{mapping.PolicySkipIdentifier, mapping.PolicySkipRecord, mapping.PolicyFailRun} {
		t.Run(policy, func(t *testing.T) {
			t.Parallel()
			f := newInsider(t, fakeinsider.Options{})
			cfg := baseConfig(f.URL, func(c map[string]any) {
				c["invalid_identifier_policy"] = policy
				c["identifier_mappings"] = []any{
					map[string]any{"identifier": "uuid", "source_field": "hs_object_id"},
					map[string]any{"identifier": "custom", "custom_name": "crm_id", "source_field": "id"},
				}
			})
			in := []string{
				recordLine("contacts", `{"id":"1","hs_object_id":1,"firstname":"One"}`),
				recordLine("contacts", `{"id":"0","hs_object_id":"0","firstname":"Zero"}`),
				recordLine("event_signup", `{"id":"e1","occurredAt":"2026-01-02T03:04:05Z","contact":{"id":"1","hs_object_id":"1"}}`),
				stateLine("contacts", 1), stateLine("event_signup", 1),
			}
			r := runCmd(t, "write", cfg, in)
			if r.code != 0 {
				t.Fatalf("exit %d, traces %v: contact ids 0 and 1 are valid identifiers", r.code, r.traces)
			}
			for id, name := range map[string]string{"1": "One", "0": "Zero"} {
				p, ok := f.FindByUUID(id)
				if !ok || p.Attributes["name"] != name || p.Identifiers.Custom["crm_id"] != id {
					t.Errorf("profile of contact %s: %+v, found %v", id, p, ok)
				}
			}
			if p, _ := f.FindByUUID("1"); len(p.Events) != 1 {
				t.Errorf("contact 1 has %d events, want 1", len(p.Events))
			}
			if got := fmt.Sprint(echoes(r)); got != "[{contacts 1 2 0} {event_signup 1 1 0}]" {
				t.Errorf("echoed %s, want both states counting every record delivered", got)
			}
		})
	}
}
