package fakehubspot_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

type eventsPage struct {
	Results []struct {
		ID         string            `json:"id"`
		EventType  string            `json:"eventType"`
		OccurredAt string            `json:"occurredAt"`
		ObjectType string            `json:"objectType"`
		ObjectID   string            `json:"objectId"`
		Properties map[string]string `json:"properties"`
	} `json:"results"`
	Paging *paging `json:"paging"`
}

func TestEventDefinitions(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{PortalID: 42})
	var p struct {
		Total   int `json:"total"`
		Results []struct {
			FullyQualifiedName string                 `json:"fullyQualifiedName"`
			Properties         []fakehubspot.Property `json:"properties"`
		} `json:"results"`
		Paging *paging `json:"paging"`
	}
	do(t, s, "GET", "/events/v3/event-definitions?limit=2", pat, nil).json(t, &p)
	if p.Total != 3 || len(p.Results) != 2 || p.Results[0].FullyQualifiedName != "pe42_newsletter_signup" || len(p.Results[0].Properties) == 0 || p.Paging == nil {
		t.Fatalf("page 1: %+v", p)
	}
	s.DenyEvents(true)
	r := do(t, s, "GET", "/events/v3/event-definitions", pat, nil)
	e := r.errorBody(t)
	if r.status != 403 || e.Category != "MISSING_SCOPES" {
		t.Fatalf("denied: %d %s", r.status, r.body)
	}
	if r := do(t, s, "GET", "/events/v3/events", pat, nil); r.status != 403 {
		t.Fatalf("denied occurrences: %d", r.status)
	}
}

func TestEventOccurrencesPagingAndFilters(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	fqn := fakehubspot.FQN(fakehubspot.DefaultPortalID, "newsletter_signup")
	t0 := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	var evs []fakehubspot.Event
	for i := 0; i < 25; i++ {
		evs = append(evs, fakehubspot.Event{EventType: fqn, OccurredAt: t0.Add(time.Duration(i/2) * time.Minute), ObjectID: int64(1 + i%3),
			Properties: map[string]string{"source_page": "p"}})
	}
	evs = append(evs, fakehubspot.Event{EventType: "pe123456_other", OccurredAt: t0, ObjectID: 1})
	s.AddEvents(evs...)
	q := url.Values{"eventType": {fqn}, "objectType": {"contact"}, "limit": {"10"},
		"occurredAfter": {t0.Add(-time.Second).Format(time.RFC3339)}}
	seen := map[string]bool{}
	last := ""
	for pages := 0; ; pages++ {
		var p eventsPage
		r := do(t, s, "GET", "/events/v3/events?"+q.Encode(), pat, nil)
		if r.status != 200 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		r.json(t, &p)
		for _, e := range p.Results {
			if seen[e.ID] || e.EventType != fqn || e.OccurredAt < last {
				t.Fatalf("duplicate, wrong type or out of order: %+v", e)
			}
			seen[e.ID], last = true, e.OccurredAt
		}
		if p.Paging == nil {
			break
		}
		q.Set("after", p.Paging.Next.After)
	}
	if len(seen) != 25 {
		t.Fatalf("got %d events, want 25", len(seen))
	}
	var one eventsPage
	do(t, s, "GET", "/events/v3/events?objectType=contact&objectId=2&eventType="+fqn, pat, nil).json(t, &one)
	if len(one.Results) != 8 || one.Results[0].ObjectID != "2" {
		t.Fatalf("objectId filter: %d", len(one.Results))
	}
	for _, bad := range []string{"limit=101", "objectId=2", "occurredAfter=yesterday", "after=zzz"} {
		if r := do(t, s, "GET", "/events/v3/events?"+bad, pat, nil); r.status != 400 {
			t.Errorf("%s: %d", bad, r.status)
		}
	}
}
