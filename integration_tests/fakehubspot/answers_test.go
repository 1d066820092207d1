package fakehubspot_test

import (
	"net/http"
	"testing"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

func TestAnswerNext(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	s.AnswerNext(fakehubspot.EndpointSearch, 2, fakehubspot.Answer{Status: 429, Header: http.Header{"Retry-After": {"3"}},
		Body: `{"status":"error","errorType":"RATE_LIMIT"}`})
	s.AnswerNext(fakehubspot.EndpointAny, 1, fakehubspot.Answer{Status: 404, Body: "gone"})
	search := map[string]any{"limit": 10}
	for i := range 2 {
		r := do(t, s, "POST", "/crm/objects/2026-09/contacts/search", "", search)
		if r.status != 429 || r.header.Get("Retry-After") != "3" || string(r.body) != `{"status":"error","errorType":"RATE_LIMIT"}` {
			t.Errorf("search %d: %d %v %s, want the queued 429 (before authentication)", i, r.status, r.header, r.body)
		}
	}
	if r := do(t, s, "GET", "/crm/objects/2026-09/contacts?limit=10", pat, nil); r.status != 404 || string(r.body) != "gone" {
		t.Errorf("list: %d %s, want the answer queued for any endpoint", r.status, r.body)
	}
	if r := do(t, s, "POST", "/crm/objects/2026-09/contacts/search", pat, search); r.status != 200 {
		t.Errorf("search after the queue: %d %s", r.status, r.body)
	}
	if n := s.Count(fakehubspot.EndpointSearch); n != 3 {
		t.Errorf("%d searches counted, want 3", n)
	}
	s.AnswerNext(fakehubspot.EndpointSearch, 1, fakehubspot.Answer{Status: 500})
	s.ClearFaults()
	if r := do(t, s, "POST", "/crm/objects/2026-09/contacts/search", pat, search); r.status != 200 {
		t.Errorf("search after ClearFaults: %d %s", r.status, r.body)
	}
}
