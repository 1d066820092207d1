package hubspot

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/insider-hubspot/connectors/internal/httpx/httpxtest"
	"github.com/insider-hubspot/connectors/protocol/protocoltest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// sentRequest is what the client put on the wire for one call.
type sentRequest struct {
	Call        string          `json:"call"`
	Method      string          `json:"method"`
	Path        string          `json:"path"`
	Query       string          `json:"query,omitempty"`
	ContentType string          `json:"content_type,omitempty"`
	Body        json.RawMessage `json:"body,omitempty"` // JSON bodies as sent
	Form        string          `json:"form,omitempty"` // form bodies as sent
}

// requestRecorder answers every endpoint with a minimal valid page and records the requests.
type requestRecorder struct {
	mu   sync.Mutex
	call string
	sent []sentRequest
}

func (rr *requestRecorder) handler(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s := sentRequest{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery, ContentType: r.Header.Get("Content-Type")}
	switch {
	case strings.HasPrefix(s.ContentType, "application/json"):
		s.Body = json.RawMessage(b)
	case len(b) > 0:
		s.Form = string(b)
	}
	rr.mu.Lock()
	s.Call = rr.call
	rr.sent = append(rr.sent, s)
	rr.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.URL.Path == TokenPath:
		_, _ = w.Write([]byte(`{"access_token":"at-1","refresh_token":"rt","expires_in":1800,"token_type":"bearer","token_use":"access_token"}`))
	case strings.HasPrefix(r.URL.Path, "/account-info/"):
		_, _ = w.Write([]byte(`{"portalId":123456}`))
	case strings.HasPrefix(r.URL.Path, "/webhooks-journal/journal-local/"):
		w.WriteHeader(http.StatusNoContent)
	case r.URL.Path == "/webhooks-journal/subscriptions/2026-03" && r.Method == http.MethodPost:
		_, _ = w.Write(b)
	case strings.HasSuffix(r.URL.Path, "/batch/read"):
		_, _ = w.Write([]byte(`{"status":"COMPLETE","results":[{"id":"7","properties":{"email":"a@b.com"}}]}`))
	default:
		_, _ = w.Write([]byte(`{"results":[]}`))
	}
}

// TestRequestsGolden pins method, path, query and body of every endpoint the client calls,
// the OAuth refresh included, in testdata/requests.golden.json (go test -update rewrites it).
// Every path must be a date-based one.
func TestRequestsGolden(t *testing.T) {
	rr := &requestRecorder{}
	srv := httptest.NewServer(http.HandlerFunc(rr.handler))
	t.Cleanup(srv.Close)
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	c, err := New(Config{BaseURL: srv.URL, HTTPClient: srv.Client(), APIVersion: "2026-09",
		Now:         func() time.Time { return now },
		Credentials: Credentials{ClientID: "client-id", ClientSecret: "client-secret", RefreshToken: "refresh-token"},
		Limits:      Limits{Search: rate.Inf, Other: rate.Inf}, Sleep: (&httpxtest.Sleeps{}).Sleep})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	journal := c.Journal(JournalConfig{ClientID: "app-client-id", ClientSecret: "app-client-secret"})
	calls := []struct {
		name string
		do   func() error
	}{
		{"token refresh, then list contacts", func() error {
			_, err := c.ListContacts(ctx, ListRequest{Properties: []string{"email", "lastmodifieddate"}, Limit: 500, After: "101"})
			return err
		}},
		{"list archived contacts", func() error {
			_, err := c.ListContacts(ctx, ListRequest{Properties: []string{"email", "hs_merged_object_ids"}, Limit: 100, After: "opaque+/=", Archived: true})
			return err
		}},
		{"search contacts", func() error {
			_, err := c.SearchContacts(ctx, SearchRequest{
				Filters: []Filter{{PropertyName: "lastmodifieddate", Operator: "GTE", Value: "1767225600000"},
					{PropertyName: "hs_object_id", Operator: "GT", Value: "200"}},
				SortBy: "hs_object_id", Properties: []string{"email", "hs_object_id"}, Limit: 200})
			return err
		}},
		{"get contact by email", func() error {
			_, err := c.GetContact(ctx, "a+b@example.com", "email", []string{"email", "phone"})
			return err
		}},
		{"get contact by id", func() error { _, err := c.GetContact(ctx, "7", "", []string{"email"}); return err }},
		{"batch read contacts", func() error {
			_, err := c.BatchReadContacts(ctx, []string{"7", "8"}, []string{"email", "phone"})
			return err
		}},
		{"batch read contact history", func() error {
			_, err := c.ContactHistories(ctx, []string{"7", "8"}, []string{"email", "phone"})
			return err
		}},
		{"batch read archived contacts", func() error {
			_, err := c.BatchReadArchivedContacts(ctx, []string{"7", "8"}, []string{"hs_object_id", "hs_merged_object_ids"})
			return err
		}},
		{"account details", func() error { _, err := c.AccountPortalID(ctx, DefaultJournalVersion); return err }},
		{"journal: app token, then subscriptions", func() error {
			_, err := journal.Subscriptions(ctx)
			return err
		}},
		{"journal: subscribe", func() error {
			_, err := journal.Subscribe(ctx, Subscription{SubscriptionType: "OBJECT", PortalID: 123456,
				ObjectTypeID: ContactObjectTypeID, Actions: []string{"DELETE", "MERGE", "RESTORE"}})
			return err
		}},
		{"journal: earliest", func() error { _, err := journal.Earliest(ctx, 123456); return err }},
		{"journal: latest", func() error { _, err := journal.Latest(ctx, 123456); return err }},
		{"journal: next", func() error {
			_, err := journal.Next(ctx, 123456, "00000000-0001-7240-801e-019b7ca98f2e")
			return err
		}},
		{"contact properties", func() error { _, err := c.ContactProperties(ctx); return err }},
		{"search contact lists", func() error {
			_, err := c.SearchLists(ctx, ListSearchRequest{ObjectTypeID: ContactObjectTypeID, Offset: 500, Count: 500,
				AdditionalProperties: []string{ListSizeProperty, ListLastAddedProperty, ListLastRemovedProperty}})
			return err
		}},
		{"get list", func() error { _, err := c.GetList(ctx, "12"); return err }},
		{"list memberships", func() error {
			_, err := c.ListMemberships(ctx, MembershipsRequest{ListID: "12", Limit: 250, After: "bG0xfDEyfGlk"})
			return err
		}},
		{"event definitions", func() error { _, err := c.EventDefinitions(ctx); return err }},
		{"event occurrences", func() error {
			_, err := c.Events(ctx, EventsRequest{EventType: "pe123456_newsletter_signup", ObjectType: "contact",
				OccurredAfter: "2026-11-30T00:00:00.000Z", OccurredBefore: "2026-12-01T00:00:00.000Z", Limit: 500,
				After: "MTc3OTQwNjQ5MDUzN3wwLTF8NzgzMjgxMDQxNjE5fA"})
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
	for _, s := range rr.sent {
		if !strings.Contains(s.Path, "/2026-") {
			t.Errorf("%s: %s %s is not a date-based path", s.Call, s.Method, s.Path)
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rr.sent); err != nil {
		t.Fatal(err)
	}
	protocoltest.Golden(t, filepath.Join("testdata", "requests.golden.json"), buf.Bytes(), *update)
}
