package fakehubspot_test

import (
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

// TestDeleteEventDefinition: a deleted definition is no longer listed and its eventType has no
// occurrences; the other definitions and their occurrences stay.
func TestDeleteEventDefinition(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{PortalID: 42})
	gone, kept := "pe42_newsletter_signup", s.EventDefinitions()[1].FullyQualifiedName
	at := time.Date(2026, 1, 10, 11, 0, 0, 0, time.UTC)
	s.AddEvents(fakehubspot.Event{EventType: gone, OccurredAt: at, ObjectID: 1},
		fakehubspot.Event{EventType: kept, OccurredAt: at, ObjectID: 1})
	if !s.DeleteEventDefinition(gone) || s.DeleteEventDefinition(gone) {
		t.Fatal("DeleteEventDefinition should delete the definition once")
	}
	var defs struct {
		Results []struct {
			FullyQualifiedName string `json:"fullyQualifiedName"`
		} `json:"results"`
	}
	do(t, s, "GET", "/events/custom/2026-09/event-definitions?limit=100", pat, nil).json(t, &defs)
	if len(defs.Results) != 2 || defs.Results[0].FullyQualifiedName == gone || defs.Results[1].FullyQualifiedName == gone {
		t.Errorf("definitions after the delete: %+v", defs.Results)
	}
	for fqn, want := range map[string]int{gone: 0, kept: 1} {
		var p eventsPage
		do(t, s, "GET", "/events/event-occurrences/2026-09?eventType="+fqn, pat, nil).json(t, &p)
		if len(p.Results) != want {
			t.Errorf("%s: %d occurrences, want %d", fqn, len(p.Results), want)
		}
	}
}
