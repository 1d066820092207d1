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

// schemaFiles are the request schemas of testdata/requestschema (see its README).
var schemaFiles = []string{"search.json", "batch_read.json", "token.json", "lists_search.json", "journal_subscription.json"}

// requestSchemas compiles the request schemas of testdata/requestschema.
func requestSchemas(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	out := map[string]*jsonschema.Schema{}
	for _, name := range schemaFiles {
		b, err := os.ReadFile(filepath.Join("testdata", "requestschema", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddResource(name, bytes.NewReader(b)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	for _, name := range schemaFiles {
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
	case method == http.MethodPost && strings.HasPrefix(path, "/crm/lists/") && strings.HasSuffix(path, "/search"):
		return "lists_search.json"
	case method == http.MethodPost && strings.HasPrefix(path, "/webhooks-journal/subscriptions/") && strings.Count(path, "/") == 3:
		return "journal_subscription.json"
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
// every shape the source sends, both batch reads, list search with and without its optional
// members, the journal subscription's create and update, the OAuth refresh and the journal's
// client-credentials forms), and every request without a schema carries no body. The
// authorization-code form of the authorize command is checked in its package.
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
	journal := c.Journal(JournalConfig{ClientID: "app-client-id", ClientSecret: "app-client-secret"})
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
		{"search contact lists, a page with additional properties", func() error {
			_, err := c.SearchLists(ctx, ListSearchRequest{ObjectTypeID: ContactObjectTypeID, Offset: 500, Count: MaxListSearchCount,
				AdditionalProperties: []string{ListSizeProperty, ListLastAddedProperty, ListLastRemovedProperty}})
			return err
		}},
		{"search contact lists, one list", func() error {
			_, err := c.SearchLists(ctx, ListSearchRequest{ObjectTypeID: ContactObjectTypeID, Count: 1})
			return err
		}},
		{"search lists, nothing set", func() error { _, err := c.SearchLists(ctx, ListSearchRequest{}); return err }},
		{"journal: app token", func() error { _, err := journal.GrantedScopes(ctx); return err }},
		{"journal: create a subscription", func() error {
			_, err := journal.Subscribe(ctx, Subscription{SubscriptionType: "OBJECT", PortalID: 123456,
				ObjectTypeID: ContactObjectTypeID, Actions: []string{"CREATE", "UPDATE", "DELETE", "MERGE", "RESTORE"}})
			return err
		}},
		{"journal: update a subscription, keeping its properties", func() error {
			_, err := journal.Subscribe(ctx, Subscription{ID: "7", SubscriptionType: "OBJECT", PortalID: 123456,
				ObjectTypeID: ContactObjectTypeID, Actions: []string{"DELETE", "MERGE", "GDPR_DELETE"}, Properties: []string{"email"}})
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
	checked, grants := map[string]int{}, map[string]int{}
	for _, s := range rr.sent {
		name := schemaFor(s.Method, s.Path)
		if name == "" {
			if len(s.Body) > 0 || s.Form != "" {
				t.Errorf("%s: %s %s sends a body that no schema checks: add one", s.Call, s.Method, s.Path)
			}
			continue
		}
		checked[name]++
		if name == "token.json" {
			form, _ := url.ParseQuery(s.Form)
			grants[form.Get("grant_type")]++
		}
		if err := schemas[name].Validate(decodeSent(t, s)); err != nil {
			t.Errorf("%s: %s %s body %s%s is not valid against %s:\n%v", s.Call, s.Method, s.Path, s.Body, s.Form, name, err)
		}
	}
	for _, name := range schemaFiles {
		if checked[name] == 0 {
			t.Errorf("no request checked against %s", name)
		}
	}
	for _, grant := range []string{"refresh_token", "client_credentials"} {
		if grants[grant] == 0 {
			t.Errorf("no %s token form checked against token.json", grant)
		}
	}
}

// TestRequestSchemasRefuseWhatHubSpotRefuses: the schemas are strict enough to catch the bodies
// HubSpot's published shapes do not allow (the filter group without a filters array, the list
// search without listIds, the OBJECT subscription without objectIds, a token form without what
// its grant needs among them), and accept the shapes that are right, so a refusal is not a schema
// that refuses everything. Forms are written as JSON objects of strings, as decodeSent makes them.
func TestRequestSchemasRefuseWhatHubSpotRefuses(t *testing.T) {
	schemas := requestSchemas(t)
	for _, tc := range []struct{ schema, body string }{
		{"search.json", `{"after":"0","filterGroups":[],"limit":1,"properties":[],"sorts":[]}`},
		{"batch_read.json", `{"inputs":[{"id":"1"}],"properties":[],"propertiesWithHistory":[]}`},
		{"lists_search.json", `{"additionalProperties":[],"listIds":[],"offset":0,"processingTypes":[]}`},
		{"lists_search.json", `{"additionalProperties":["hs_list_size"],"listIds":["12"],"offset":500,"processingTypes":["DYNAMIC"],"count":500,"objectTypeId":"0-1","query":""}`},
		{"journal_subscription.json", `{"subscriptionType":"OBJECT","portalId":1,"objectTypeId":"0-1","actions":["DELETE"],"objectIds":[],"properties":[]}`},
		{"journal_subscription.json", `{"subscriptionType":"LIST_MEMBERSHIP","portalId":1,"actions":["ADDED_TO_LIST"],"listIds":[],"objectIds":[]}`},
		{"token.json", `{"grant_type":"refresh_token","client_id":"c","client_secret":"s","refresh_token":"r"}`},
		{"token.json", `{"grant_type":"client_credentials","client_id":"c","client_secret":"s","scope":"a b"}`},
		{"token.json", `{"grant_type":"authorization_code","client_id":"c","client_secret":"s","code":"x","redirect_uri":"http://localhost:3000/callback"}`},
	} {
		if err := schemas[tc.schema].Validate(decodeJSON(t, tc.body)); err != nil {
			t.Errorf("%s refuses %s: %v", tc.schema, tc.body, err)
		}
	}
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
		// list search: each required member missing, then each out of range or unknown.
		{"lists_search.json", `{"query":"","objectTypeId":"0-1","offset":0,"count":1}`},
		{"lists_search.json", `{"additionalProperties":[],"offset":0,"processingTypes":[]}`},
		{"lists_search.json", `{"additionalProperties":[],"listIds":[],"offset":0}`},
		{"lists_search.json", `{"listIds":[],"offset":0,"processingTypes":[]}`},
		{"lists_search.json", `{"additionalProperties":[],"listIds":[],"processingTypes":[]}`},
		{"lists_search.json", `{"additionalProperties":[],"listIds":null,"offset":0,"processingTypes":[]}`},
		{"lists_search.json", `{"additionalProperties":[],"listIds":[],"offset":0,"processingTypes":[],"count":501}`},
		{"lists_search.json", `{"additionalProperties":[],"listIds":[],"offset":0,"processingTypes":[],"count":0}`},
		{"lists_search.json", `{"additionalProperties":[],"listIds":[],"offset":-1,"processingTypes":[]}`},
		{"lists_search.json", `{"additionalProperties":[],"listIds":[],"offset":0,"processingTypes":["STATIC"]}`},
		{"lists_search.json", `{"additionalProperties":[],"listIds":[],"offset":0,"processingTypes":[],"limit":20}`},
		// journal subscription: the OBJECT body without objectIds or properties, then wrong values.
		{"journal_subscription.json", `{"subscriptionType":"OBJECT","portalId":1,"objectTypeId":"0-1","actions":["DELETE"]}`},
		{"journal_subscription.json", `{"subscriptionType":"OBJECT","portalId":1,"objectTypeId":"0-1","actions":["DELETE"],"properties":[]}`},
		{"journal_subscription.json", `{"subscriptionType":"OBJECT","portalId":1,"objectTypeId":"0-1","actions":["DELETE"],"objectIds":[]}`},
		{"journal_subscription.json", `{"subscriptionType":"OBJECT","portalId":1,"objectTypeId":"0-1","actions":["DELETED"],"objectIds":[],"properties":[]}`},
		{"journal_subscription.json", `{"subscriptionType":"OBJECT","portalId":1,"objectTypeId":"0-1","actions":[],"objectIds":[],"properties":[]}`},
		{"journal_subscription.json", `{"subscriptionType":"OBJECT","portalId":"1","objectTypeId":"0-1","actions":["DELETE"],"objectIds":[],"properties":[]}`},
		{"journal_subscription.json", `{"subscriptionType":"OBJECT","portalId":1,"objectTypeId":"0-1","actions":["DELETE"],"objectIds":["7"],"properties":[]}`},
		{"journal_subscription.json", `{"subscriptionType":"OBJECT","portalId":1,"objectTypeId":"0-1","actions":["DELETE"],"objectIds":[],"properties":[],"id":7}`},
		{"journal_subscription.json", `{"subscriptionType":"CONTACT","portalId":1,"objectTypeId":"0-1","actions":["DELETE"],"objectIds":[],"properties":[]}`},
		// token forms: what each grant needs missing, a field of another grant, an unknown grant.
		{"token.json", `{"grant_type":"refresh_token","client_id":"c","client_secret":"s"}`},
		{"token.json", `{"grant_type":"refresh_token","client_id":"c","client_secret":"s","refresh_token":"r","code":"x"}`},
		{"token.json", `{"grant_type":"refresh_token","client_id":"c","refresh_token":"r"}`},
		{"token.json", `{"grant_type":"client_credentials","client_id":"c","client_secret":"s"}`},
		{"token.json", `{"grant_type":"client_credentials","client_id":"c","client_secret":"","scope":"a"}`},
		{"token.json", `{"grant_type":"client_credentials","client_id":"c","client_secret":"s","scope":"a  b"}`},
		{"token.json", `{"grant_type":"client_credentials","client_id":"c","client_secret":"s","scope":["a","b"]}`},
		{"token.json", `{"grant_type":"authorization_code","client_id":"c","client_secret":"s","redirect_uri":"http://localhost:3000/callback"}`},
		{"token.json", `{"grant_type":"authorization_code","client_id":"c","client_secret":"s","code":"x"}`},
		{"token.json", `{"grant_type":"authorization_code","client_id":"c","client_secret":"s","code":"x","redirect_uri":"http://localhost:3000/callback","refresh_token":"r"}`},
		{"token.json", `{"grant_type":"password","client_id":"c","client_secret":"s","username":"u","password":"p"}`},
	} {
		if schemas[tc.schema].Validate(decodeJSON(t, tc.body)) == nil {
			t.Errorf("%s accepts %s", tc.schema, tc.body)
		}
	}
}

// decodeJSON decodes a test body with numbers kept as json.Number, as decodeSent does.
func decodeJSON(t *testing.T, body string) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	return v
}
