package fakehubspot_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/integration_tests/datagen"
	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

// TestDatedAndLegacyPaths: every operation answers the same on its date-based path and its
// legacy one; only the legacy calls are counted as such.
func TestDatedAndLegacyPaths(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	ids := s.AddContacts(datagen.Contacts(datagen.Options{Seed: 3, Count: 5})...)
	one := itoa(ids[0])
	fqn := s.EventDefinitions()[0].FullyQualifiedName
	pairs := []struct{ method, dated, legacy string }{
		{"GET", "/crm/properties/2026-09/contacts", "/crm/v3/properties/contacts"},
		{"GET", "/crm/objects/2026-09/contacts?limit=2", "/crm/v3/objects/contacts?limit=2"},
		{"GET", "/crm/objects/2026-09/contacts/" + one, "/crm/v3/objects/contacts/" + one},
		{"POST", "/crm/objects/2026-09/contacts/search", "/crm/v3/objects/contacts/search"},
		{"POST", "/crm/objects/2026-09/contacts/batch/read", "/crm/v3/objects/contacts/batch/read"},
		{"GET", "/events/custom/2026-09/event-definitions", "/events/v3/event-definitions"},
		{"GET", "/events/event-occurrences/2026-09?eventType=" + fqn, "/events/v3/events?eventType=" + fqn},
	}
	for _, p := range pairs {
		var body any
		switch {
		case strings.HasSuffix(p.dated, "/search"):
			body = map[string]any{"limit": 2, "properties": []string{"email"}}
		case strings.HasSuffix(p.dated, "/batch/read"):
			body = map[string]any{"properties": []string{"email"}, "inputs": []map[string]string{{"id": one}}}
		}
		d := do(t, s, p.method, p.dated, pat, body)
		l := do(t, s, p.method, p.legacy, pat, body)
		if d.status != http.StatusOK || l.status != d.status || !sameShape(d.body, l.body) {
			t.Errorf("%s %s: %d %s; legacy %d %s", p.method, p.dated, d.status, d.body, l.status, l.body)
		}
	}
	if got := s.LegacyCalls(); got != int64(len(pairs)) {
		t.Errorf("LegacyCalls = %d, want %d", got, len(pairs))
	}
	legacy := 0
	for _, r := range s.Requests() {
		if r.Legacy != strings.Contains(r.Path, "/v3/") {
			t.Errorf("%s logged with Legacy=%v", r.Path, r.Legacy)
		}
		if r.Legacy {
			legacy++
		}
	}
	if legacy != len(pairs) {
		t.Errorf("%d legacy requests logged", legacy)
	}
	// The legacy token endpoint is counted too; the dated one is not.
	postForm(t, s, refreshForm("test-client-id", "test-client-secret", "test-refresh-token"))
	if got := s.LegacyCalls(); got != int64(len(pairs)) {
		t.Errorf("the 2026-03 token endpoint counted as legacy")
	}
	s.ResetStats()
	if s.LegacyCalls() != 0 {
		t.Error("ResetStats kept the legacy count")
	}
}

// TestUnservedVersion answers 404 on every path of a version the fake does not serve, with a
// body like a missing object's.
func TestUnservedVersion(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{APIVersions: []string{"2026-09"}})
	for _, p := range []string{"/crm/objects/2026-03/contacts", "/crm/objects/2031-03/contacts/1",
		"/crm/properties/2031-03/contacts", "/events/event-occurrences/2031-03", "/events/custom/2031-03/event-definitions"} {
		r := do(t, s, "GET", p, pat, nil)
		e := r.errorBody(t)
		if r.status != 404 || e.Category != "OBJECT_NOT_FOUND" {
			t.Errorf("%s: %d %s", p, r.status, r.body)
		}
	}
	if r := do(t, s, "GET", "/crm/objects/2026-09/contacts", pat, nil); r.status != 200 {
		t.Errorf("served version: %d", r.status)
	}
}

// TestTokenParametersInQueryRefused: the token endpoint takes parameters from the body only.
func TestTokenParametersInQueryRefused(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	q := refreshForm("test-client-id", "test-client-secret", "test-refresh-token").Encode()
	res, err := http.Post(s.URL+"/oauth/2026-03/token?"+q, "application/x-www-form-urlencoded", strings.NewReader(q))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 400 || s.TokensIssued() != 0 {
		t.Errorf("status %d, %d tokens issued", res.StatusCode, s.TokensIssued())
	}
}

// sameShape reports whether two answers hold the same results (or, without results, the same
// object); paging links, which name the path asked, are not compared.
func sameShape(a, b []byte) bool {
	var x, y map[string]any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	if _, ok := x["results"]; ok {
		return reflect.DeepEqual(x["results"], y["results"])
	}
	return reflect.DeepEqual(x, y)
}
