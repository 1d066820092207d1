package hubspot

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"golang.org/x/time/rate"

	"github.com/insider-hubspot/connectors/internal/httpx/httpxtest"
)

// requestSchemas compiles the request schemas of testdata/requestschema (see its README).
func requestSchemas(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	out := map[string]*jsonschema.Schema{}
	for _, name := range []string{"search.json", "batch_read.json", "token.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", "requestschema", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddResource(name, bytes.NewReader(b)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	for _, name := range []string{"search.json", "batch_read.json", "token.json"} {
		s, err := c.Compile(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = s
	}
	return out
}

// schemaFor names the schema of a request with a body, "" when the client should send none.
func schemaFor(method, path string) string {
	switch {
	case method == http.MethodPost && strings.HasSuffix(path, "/contacts/search"):
		return "search.json"
	case method == http.MethodPost && strings.HasSuffix(path, "/contacts/batch/read"):
		return "batch_read.json"
	case method == http.MethodPost && path == TokenPath:
		return "token.json"
	}
	return ""
}

// decodeSent is a captured body as a JSON value: the JSON as sent, or a form as an object of
// strings (a field sent twice is kept as an array, which no schema accepts).
func decodeSent(t *testing.T, s sentRequest) any {
	t.Helper()
	if s.Form != "" {
		vals, err := url.ParseQuery(s.Form)
		if err != nil {
			t.Fatalf("%s: form %q: %v", s.Call, s.Form, err)
		}
		obj := map[string]any{}
		for k, vs := range vals {
			if len(vs) == 1 {
				obj[k] = vs[0]
			} else {
				obj[k] = vs
			}
		}
		return obj
	}
	dec := json.NewDecoder(bytes.NewReader(s.Body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%s: body %s is not JSON: %v", s.Call, s.Body, err)
	}
	return v
}

// TestRequestBodiesMatchHubSpotSchemas: every request body the client builds, captured on the
// wire, is valid against HubSpot's published request schema of its endpoint (the searches of
// every shape the source sends, both batch reads, the OAuth refresh form), and every request
// without a schema carries no body.
func TestRequestBodiesMatchHubSpotSchemas(t *testing.T) {
	schemas := requestSchemas(t)
	rr := &requestRecorder{}
	srv := httptest.NewServer(http.HandlerFunc(rr.handler))
	t.Cleanup(srv.Close)
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	c, err := New(Config{BaseURL: srv.URL, HTTPClient: srv.Client(), Now: func() time.Time { return now },
		Credentials: Credentials{ClientID: "client-id", ClientSecret: "client-secret", RefreshToken: "refresh-token"},
		Limits:      Limits{Search: rate.Inf, Other: rate.Inf}, Sleep: (&httpxtest.Sleeps{}).Sleep})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	window := []Filter{{PropertyName: "lastmodifieddate", Operator: "GTE", Value: "1767225600000"},
		{PropertyName: "lastmodifieddate", Operator: "LTE", Value: "1767229200000"},
		{PropertyName: "hs_object_id", Operator: "GT", Value: "200"},
		{PropertyName: "hs_object_id", Operator: "LTE", Value: "900"}}
	calls := []struct {
		name string
		do   func() error
	}{
		{"search a window by id", func() error {
			_, err := c.SearchContacts(ctx, SearchRequest{Filters: window, SortBy: "hs_object_id",
				Properties: []string{"email", "hs_object_id"}, Limit: 200})
			return err
		}},
		{"highest contact id, no filter", func() error {
			_, err := c.SearchContacts(ctx, SearchRequest{SortBy: "hs_object_id", Descending: true,
				Properties: []string{"hs_object_id"}, Limit: 1})
			return err
		}},
		{"count, no sort and no properties", func() error {
			_, err := c.SearchContacts(ctx, SearchRequest{Filters: window[:1], Limit: 1})
			return err
		}},
		{"page size out of range", func() error {
			_, err := c.SearchContacts(ctx, SearchRequest{Filters: window, SortBy: "hs_object_id", Limit: 5000})
			return err
		}},
		{"get contact by email", func() error {
			_, err := c.GetContact(ctx, "a+b@example.com", "email", []string{"email", "phone"})
			return err
		}},
		{"get contact by id, no properties", func() error { _, err := c.GetContact(ctx, "7", "", nil); return err }},
		{"batch read contacts", func() error {
			_, err := c.BatchReadContacts(ctx, []string{"7", "8"}, []string{"email", "phone"})
			return err
		}},
		{"batch read contacts, no properties", func() error {
			_, err := c.BatchReadContacts(ctx, []string{"7"}, nil)
			return err
		}},
		{"batch read contact history", func() error {
			_, err := c.ContactHistories(ctx, []string{"7", "8"}, []string{"email", "phone"})
			return err
		}},
		{"batch read archived contacts", func() error {
			_, err := c.BatchReadArchivedContacts(ctx, []string{"7"}, nil)
			return err
		}},
		{"list contacts", func() error {
			_, err := c.ListContacts(ctx, ListRequest{Properties: []string{"email"}, Limit: 100, After: "101"})
			return err
		}},
		{"contact properties", func() error { _, err := c.ContactProperties(ctx); return err }},
		{"event definitions", func() error { _, err := c.EventDefinitions(ctx); return err }},
		{"event occurrences", func() error {
			_, err := c.Events(ctx, EventsRequest{EventType: "pe123456_signup", ObjectType: "contact", Limit: 100})
			return err
		}},
	}
	for _, call := range calls {
		rr.mu.Lock()
		rr.call = call.name
		rr.mu.Unlock()
		if err := call.do(); err != nil {
			t.Fatalf("%s: %v", call.name, err)
		}
	}
	checked := map[string]int{}
	for _, s := range rr.sent {
		name := schemaFor(s.Method, s.Path)
		if name == "" {
			if len(s.Body) > 0 || s.Form != "" {
				t.Errorf("%s: %s %s sends a body that no schema checks: add one", s.Call, s.Method, s.Path)
			}
			continue
		}
		checked[name]++
		if err := schemas[name].Validate(decodeSent(t, s)); err != nil {
			t.Errorf("%s: %s %s body %s%s is not valid against %s:\n%v", s.Call, s.Method, s.Path, s.Body, s.Form, name, err)
		}
	}
	for _, name := range []string{"search.json", "batch_read.json", "token.json"} {
		if checked[name] == 0 {
			t.Errorf("no request checked against %s", name)
		}
	}
}

// TestRequestSchemasRefuseWhatHubSpotRefuses: the schemas are strict enough to catch the bodies
// HubSpot's published shapes do not allow, the filter group without a filters array among them.
func TestRequestSchemasRefuseWhatHubSpotRefuses(t *testing.T) {
	schemas := requestSchemas(t)
	valid := `{"after":"0","filterGroups":[],"limit":1,"properties":[],"sorts":[]}`
	for _, tc := range []struct{ schema, body string }{
		{"search.json", `{"after":"0","filterGroups":[{"filters":null}],"limit":1,"properties":[],"sorts":[]}`},
		{"search.json", `{"after":"0","filterGroups":[{}],"limit":1,"properties":[],"sorts":[]}`},
		{"search.json", `{"filterGroups":[],"limit":1,"properties":[],"sorts":[]}`},
		{"search.json", `{"after":"0","filterGroups":[],"limit":1,"properties":null,"sorts":[]}`},
		{"search.json", `{"after":"0","filterGroups":[],"limit":201,"properties":[],"sorts":[]}`},
		{"search.json", `{"after":"0","filterGroups":[{"filters":[{"propertyName":"a","operator":"GREATER","value":"1"}]}],"limit":1,"properties":[],"sorts":[]}`},
		{"search.json", `{"after":"0","filterGroups":[],"limit":1,"properties":[],"sorts":[{"propertyName":"a","direction":"UP"}]}`},
		{"batch_read.json", `{"inputs":[{"id":"1"}],"properties":null,"propertiesWithHistory":[]}`},
		{"batch_read.json", `{"inputs":[{"id":"1"}],"properties":[],"propertiesWithHistory":[],"idProperty":""}`},
		{"token.json", `{"grant_type":"refresh_token","client_id":"c","client_secret":"s"}`},
	} {
		var v any
		if err := json.Unmarshal([]byte(tc.body), &v); err != nil {
			t.Fatal(err)
		}
		if schemas[tc.schema].Validate(v) == nil {
			t.Errorf("%s accepts %s", tc.schema, tc.body)
		}
	}
	var v any
	_ = json.Unmarshal([]byte(valid), &v)
	if err := schemas["search.json"].Validate(v); err != nil {
		t.Errorf("search.json refuses %s: %v", valid, err)
	}
}
