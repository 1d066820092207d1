package fakeinsider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/insider-hubspot/connectors/integration_tests/fakeinsider"
)

func attrDelete(t *testing.T, s *fakeinsider.Server, us ...map[string]any) result {
	t.Helper()
	return call(t, s, "POST", "/api/user/v1/attribute/delete", users(us...))
}

// listServer is a fake whose account declares custom attributes of every kind used here.
func listServer(t *testing.T, opts fakeinsider.Options) *fakeinsider.Server {
	t.Helper()
	opts.CustomAttributes = map[string]string{"hubspot_lists": "array", "plan": "string", "score": "number"}
	s := fakeinsider.New(opts)
	t.Cleanup(s.Close)
	mustUpsert(t, s, person(map[string]any{"name": "A", "surname": "B", "city": "X", "static_segment_id": []any{1, 2, 3},
		"custom": map[string]any{"hubspot_lists": []any{"Newsletter", "Leads", "VIP"}, "plan": "gold", "score": 7}},
		"uuid", "1", "email", "a@x.com"))
	return s
}

// TestAttributeDelete: whole removes attributes, partial removes array values (list_id is
// static_segment_id), custom ones likewise under custom; identifiers are not deleted.
func TestAttributeDelete(t *testing.T) {
	s := listServer(t, fakeinsider.Options{})
	r := attrDelete(t, s, map[string]any{"identifiers": ids("uuid", "1"),
		"whole":   []any{"name", "email", "city"},
		"partial": map[string]any{"list_id": []any{1, 3, 9}},
		"custom": map[string]any{"whole": []any{"plan", "absent"},
			"partial": map[string]any{"hubspot_lists": []any{"Leads", "Other"}, "score": []any{7}}}})
	if r.status != 200 || r.raw != `{"data":{"successful":{"count":1},"fail":{}}}` {
		t.Fatalf("answer %d %s", r.status, r.raw)
	}
	p, _ := s.FindByUUID("1")
	want := map[string]any{"surname": "B", "static_segment_id": []any{float64(2)},
		"custom": map[string]any{"hubspot_lists": []any{"Newsletter", "VIP"}, "score": float64(7)}}
	if diff := cmp.Diff(want, p.Attributes); diff != "" {
		t.Errorf("attributes (-want +got):\n%s", diff)
	}
	if p.Identifiers.Email != "a@x.com" || s.Ignored()[fakeinsider.IgnoredIdentifierDelete] != 1 {
		t.Errorf("identifiers %+v, ignored %v: the email identifier must stay", p.Identifiers, s.Ignored())
	}
	// Emptying an array leaves it, empty; the answer may be {}.
	e := listServer(t, fakeinsider.Options{EmptyAttributeDeleteAnswer: true})
	r = attrDelete(t, e, map[string]any{"identifiers": ids("email", "a@x.com"),
		"custom": map[string]any{"partial": map[string]any{"hubspot_lists": []any{"Newsletter", "Leads", "VIP"}}}})
	if r.status != 200 || r.raw != "{}" {
		t.Fatalf("answer %d %s, want 200 {}", r.status, r.raw)
	}
	if p, _ := e.FindByUUID("1"); fmt.Sprint(p.Attributes["custom"]) != "map[hubspot_lists:[] plan:gold score:7]" {
		t.Errorf("custom attributes %v", p.Attributes["custom"])
	}
}

// TestAttributeDeleteUsers: an unknown user and invalid users fail in data.fail, nothing is
// created, and the other users of the request are applied.
func TestAttributeDeleteUsers(t *testing.T) {
	s := listServer(t, fakeinsider.Options{EmptyAttributeDeleteAnswer: true})
	p, _ := s.FindByUUID("1")
	r := attrDelete(t, s,
		map[string]any{"identifiers": ids("email", "nobody@x.com"), "whole": []any{"name"}},
		map[string]any{"insider_id": p.InsiderID, "whole": []any{"name"}},
		map[string]any{"whole": []any{"name"}},
		map[string]any{"identifiers": ids("uuid", "1")},
		map[string]any{"identifiers": ids("email", "bad"), "whole": []any{"name"}},
		map[string]any{"identifiers": ids("uuid", "1"), "partial": []any{"x"}},
	)
	want := `{"data":{"successful":{"count":1},"fail":{"count":5,"errors":{` +
		`"users.0.identifiers.exists":["no such user for these identifiers: no data"],` +
		`"users.2.identifiers.required":["either insider_id or idenifiers must be specified"],` +
		`"users.2.insider_id.required":["either insider_id or idenifiers must be specified"],` +
		`"users.3.whole.required":["either whole, partial or custom must be specified"],` +
		`"users.4.identifiers.*.regexp(^.+@.+\\..+$)":["not a valid email address: bad"],` +
		`"users.5.partial.type(object)":["partial must map attribute names to arrays of values"]}}}}`
	if r.status != 200 || r.raw != want {
		t.Fatalf("answer %d %s,\nwant %s", r.status, r.raw, want)
	}
	if p, _ := s.FindByUUID("1"); p.Attributes["name"] != nil || s.ProfileCount() != 1 {
		t.Errorf("%d profiles, name %v: want the insider_id user's name deleted and nothing created", s.ProfileCount(), p.Attributes["name"])
	}
}

// TestAttributeDeleteLimits: at most MaxUsers users and MaxBodyBytes bytes; users required.
func TestAttributeDeleteLimits(t *testing.T) {
	s := listServer(t, fakeinsider.Options{MaxUsers: 2, MaxBodyBytes: 400})
	u := map[string]any{"identifiers": ids("uuid", "1"), "whole": []any{"name"}}
	if r := attrDelete(t, s, u, u, u); r.status != 400 || !strings.Contains(r.raw, "at most 2") {
		t.Errorf("3 users: %d %s", r.status, r.raw)
	}
	if r := call(t, s, "POST", "/api/user/v1/attribute/delete", map[string]any{}); r.status != 400 || r.body["error"] != "users must be defined: bad request" {
		t.Errorf("no users: %d %s", r.status, r.raw)
	}
	big := map[string]any{"identifiers": ids("uuid", "1"), "whole": []any{strings.Repeat("x", 400)}}
	if r := attrDelete(t, s, big); r.status != 400 || r.body["error"] != "request body is bigger than maximum allowed size 400 bytes" {
		t.Errorf("big body: %d %s", r.status, r.raw)
	}
	if r := attrDelete(t, s, u, u); r.status != 200 || s.RequestCount(fakeinsider.EndpointAttributeDelete) != 4 {
		t.Errorf("2 users: %d %s", r.status, r.raw)
	}
}
