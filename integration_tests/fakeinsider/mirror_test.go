package fakeinsider_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

// TestMirrorHelpers: a test reads the final state profile by profile, keyed by an identifier,
// and checks which identifier values are held.
func TestMirrorHelpers(t *testing.T) {
	s := listServer(t, fakeinsider.Options{Clock: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }})
	mustUpsert(t, s,
		map[string]any{"identifiers": ids("uuid", "2", "phone_number", "+14155550100", "custom.crm_id", "c2"),
			"events": []any{map[string]any{"event_name": "signup", "timestamp": "2025-12-01T00:00:00Z"}}},
		map[string]any{"identifiers": ids("email", "loose@x.com"), "attributes": map[string]any{"age": 40}})
	byUUID, without := s.ViewsBy("uuid")
	if len(byUUID) != 2 || len(without) != 1 || without[0].Identifiers["email"] != "loose@x.com" {
		t.Fatalf("by uuid %v, without %v", byUUID, without)
	}
	one := byUUID["1"]
	want := fakeinsider.View{InsiderID: one.InsiderID,
		Identifiers: map[string]string{"uuid": "1", "email": "a@x.com"},
		Attributes:  map[string]any{"name": "A", "surname": "B", "city": "X", "static_segment_id": []any{1.0, 2.0, 3.0}},
		Custom:      map[string]any{"hubspot_lists": []any{"Newsletter", "Leads", "VIP"}, "plan": "gold", "score": 7.0},
		Events:      []fakeinsider.Event{}}
	if diff := cmp.Diff(want, one); diff != "" {
		t.Errorf("profile 1 (-want +got):\n%s", diff)
	}
	two := byUUID["2"]
	if two.Identifiers["custom.crm_id"] != "c2" || two.Identifiers["phone_number"] != "+14155550100" || len(two.Events) != 1 || len(two.Custom) != 0 {
		t.Errorf("profile 2 %+v", two)
	}
	p, _ := s.FindByUUID("1")
	if got := p.CustomStrings("hubspot_lists"); strings.Join(got, ",") != "Leads,Newsletter,VIP" {
		t.Errorf("CustomStrings %v", got)
	}
	if got := s.HeldValues("email"); strings.Join(got, ",") != "a@x.com,loose@x.com" {
		t.Errorf("held emails %v", got)
	}
	if err := s.CheckNotHeld("email", "gone@x.com"); err != nil {
		t.Error(err)
	}
	if err := s.CheckNotHeld("custom.crm_id", "c2"); err == nil || !strings.Contains(err.Error(), `custom.crm_id "c2"`) {
		t.Errorf("CheckNotHeld of a held value: %v", err)
	}
}
