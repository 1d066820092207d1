package fakehubspot_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

func TestProperties(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	var p struct {
		Results []fakehubspot.Property `json:"results"`
	}
	do(t, s, "GET", "/crm/v3/properties/contacts", pat, nil).json(t, &p)
	types := map[string]bool{}
	names := map[string]bool{}
	for _, x := range p.Results {
		types[x.Type], names[x.Name] = true, true
	}
	for _, want := range []string{"string", "number", "bool", "date", "datetime", "enumeration", "phone_number"} {
		if !types[want] {
			t.Errorf("no property of type %s", want)
		}
	}
	for _, want := range []string{"hs_object_id", "hs_email_domain", "hs_language", "hs_analytics_source", "hs_is_unworked", "email"} {
		if !names[want] {
			t.Errorf("no property %s", want)
		}
	}
	if len(p.Results) < 40 {
		t.Errorf("%d properties, want about 40", len(p.Results))
	}
}

func TestListPaging(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	contactsAt(s, 250, base)
	if err := s.DeleteContact(5, base); err != nil {
		t.Fatal(err)
	}
	var ids []string
	path := "/crm/v3/objects/contacts?limit=100&properties=email,firstname"
	for {
		var p searchPage
		r := do(t, s, "GET", path, pat, nil)
		if r.status != 200 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		if r.header.Get("X-HubSpot-RateLimit-Max") != "100" || r.header.Get("X-HubSpot-RateLimit-Daily-Remaining") == "" {
			t.Fatalf("headers: %v", r.header)
		}
		r.json(t, &p)
		for _, c := range p.Results {
			ids = append(ids, c.ID)
			if *c.Properties["email"] != "c"+c.ID+"@example.com" {
				t.Fatalf("email of %s: %v", c.ID, *c.Properties["email"])
			}
		}
		if p.Paging == nil {
			break
		}
		path = "/crm/v3/objects/contacts?limit=100&properties=email&after=" + p.Paging.Next.After
	}
	if len(ids) != 249 {
		t.Fatalf("listed %d, want 249", len(ids))
	}
	if r := do(t, s, "GET", "/crm/v3/objects/contacts?limit=101", pat, nil); r.status != 400 {
		t.Fatalf("limit 101: %d", r.status)
	}
	var arch searchPage
	do(t, s, "GET", "/crm/v3/objects/contacts?archived=true", pat, nil).json(t, &arch)
	if len(arch.Results) != 1 || !arch.Results[0].Archived {
		t.Fatalf("archived list: %+v", arch)
	}
}

func TestGetAndBatchRead(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	contactsAt(s, 3, base)
	var c struct {
		ID         string             `json:"id"`
		Properties map[string]*string `json:"properties"`
	}
	do(t, s, "GET", "/crm/v3/objects/contacts/C2@example.com?idProperty=email&properties=firstname", pat, nil).json(t, &c)
	if c.ID != "2" || *c.Properties["firstname"] != "N2" {
		t.Fatalf("by email: %+v", c)
	}
	r := do(t, s, "GET", "/crm/v3/objects/contacts/99", pat, nil)
	e := r.errorBody(t)
	if r.status != 404 || e.Category != "OBJECT_NOT_FOUND" {
		t.Fatalf("missing: %d %s", r.status, r.body)
	}
	body := map[string]any{"properties": []string{"email"}, "inputs": []any{map[string]string{"id": "1"}, map[string]string{"id": "77"}, map[string]string{"id": "3"}}}
	r = do(t, s, "POST", "/crm/v3/objects/contacts/batch/read", pat, body)
	var b struct {
		Status    string `json:"status"`
		Results   []any  `json:"results"`
		NumErrors int    `json:"numErrors"`
		Errors    []struct {
			Category string              `json:"category"`
			Context  map[string][]string `json:"context"`
		} `json:"errors"`
	}
	r.json(t, &b)
	if r.status != http.StatusMultiStatus || len(b.Results) != 2 || b.NumErrors != 1 || b.Errors[0].Category != "OBJECT_NOT_FOUND" || b.Errors[0].Context["ids"][0] != "77" {
		t.Fatalf("207: %d %s", r.status, r.body)
	}
	body["inputs"] = []any{map[string]string{"id": "1"}}
	if r := do(t, s, "POST", "/crm/v3/objects/contacts/batch/read", pat, body); r.status != 200 || strings.Contains(string(r.body), "numErrors") {
		t.Fatalf("200: %d %s", r.status, r.body)
	}
	inputs := make([]any, 101)
	for i := range inputs {
		inputs[i] = map[string]string{"id": "1"}
	}
	body["inputs"] = inputs
	if r := do(t, s, "POST", "/crm/v3/objects/contacts/batch/read", pat, body); r.status != 400 {
		t.Fatalf("101 inputs: %d", r.status)
	}
}
