package hubspot

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/insider-hubspot/connectors/internal/httpx/httpxtest"
)

// A journal read: the app token from the client-credentials grant on journal calls only, 204 as
// "no entry", 404 on next as an expired offset, and the download without the token, its ids and
// times read whether numbers or strings.
func TestJournalReads(t *testing.T) {
	var appTokens, userTokens atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+TokenPath, func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		if r.PostForm.Get("grant_type") == "client_credentials" {
			appTokens.Add(1)
			_, _ = w.Write([]byte(`{"access_token":"app-tok","expires_in":1800,"token_type":"bearer","scopes":["developer.webhooks_journal.read"]}`))
			return
		}
		userTokens.Add(1)
		_, _ = w.Write([]byte(`{"access_token":"user-tok","refresh_token":"rt","expires_in":1800,"token_type":"bearer"}`))
	})
	auth := func(want string, next http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if got := r.Header.Get("Authorization"); got != want {
				t.Errorf("%s %s: Authorization %q, want %q", r.Method, r.URL.Path, got, want)
			}
			next(w, r)
		}
	}
	var srvURL string
	mux.HandleFunc("GET /webhooks-journal/journal-local/2026-03/earliest", auth("Bearer app-tok", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("installPortalId") != "42" {
			t.Errorf("installPortalId %q", r.URL.RawQuery)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"url":"` + srvURL + `/files/e1.json?sig=x","expiresAt":"2026-03-01T12:15:00Z","currentOffset":"o1"}`))
	}))
	mux.HandleFunc("GET /webhooks-journal/journal-local/2026-03/offset/o1/next", auth("Bearer app-tok", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	mux.HandleFunc("GET /webhooks-journal/journal-local/2026-03/offset/old/next", auth("Bearer app-tok", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"status":"error","category":"OBJECT_NOT_FOUND","message":"expired"}`))
	}))
	mux.HandleFunc("GET /files/e1.json", auth("", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"offset":"o1","publishedAt":"2026-03-01T12:00:00.123Z","journalEvents":[` +
			`{"type":"OBJECT","portalId":42,"occurredAt":1772366400000,"objectTypeId":"0-1","objectId":57156923994,"action":"DELETE"},` +
			`{"type":"OBJECT","portalId":42,"occurredAt":"2026-03-01T12:00:01Z","objectTypeId":"0-1","objectId":"9","action":"MERGE","mergedObjectIds":[7,"8"]}]}`))
	}))
	mux.HandleFunc("GET /files/gone.json", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>`))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	srvURL = srv.URL
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c, err := New(Config{BaseURL: srv.URL, HTTPClient: srv.Client(), Now: func() time.Time { return now },
		Credentials: Credentials{ClientID: "cid", ClientSecret: "cs", RefreshToken: "rt"},
		Limits:      Limits{Search: rate.Inf, Other: rate.Inf}, Sleep: (&httpxtest.Sleeps{}).Sleep})
	if err != nil {
		t.Fatal(err)
	}
	j := c.Journal(JournalConfig{ClientID: "app", ClientSecret: "app-secret"})
	ctx := context.Background()
	scopes, err := j.GrantedScopes(ctx)
	if err != nil || strings.Join(scopes, " ") != "developer.webhooks_journal.read" {
		t.Fatalf("granted scopes %v, %v", scopes, err)
	}
	ref, err := j.Earliest(ctx, 42)
	if err != nil || ref == nil || ref.CurrentOffset != "o1" {
		t.Fatalf("earliest: %+v, %v", ref, err)
	}
	e, err := j.Download(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Events) != 2 || e.Events[0].ObjectID != "57156923994" || !e.Events[0].OccurredAt.Equal(time.UnixMilli(1772366400000)) ||
		e.Events[1].Action != "MERGE" || strings.Join(e.Events[1].MergedObjectIDs, ",") != "7,8" ||
		e.PublishedAt.Format(time.RFC3339Nano) != "2026-03-01T12:00:00.123Z" {
		t.Errorf("entry %+v", e)
	}
	if next, err := j.Next(ctx, 42, "o1"); err != nil || next != nil {
		t.Errorf("next after the newest: %+v, %v; want nil, nil (204)", next, err)
	}
	var oe *OffsetExpiredError
	if _, err := j.Next(ctx, 42, "old"); !errors.As(err, &oe) || oe.Offset != "old" {
		t.Errorf("next after an expired offset: %v, want an *OffsetExpiredError", err)
	}
	var ue *JournalURLExpiredError
	if _, err := j.Download(ctx, &JournalRef{URL: srv.URL + "/files/gone.json", CurrentOffset: "o2"}); !errors.As(err, &ue) {
		t.Errorf("expired download: %v, want a *JournalURLExpiredError", err)
	}
	if _, err := j.Download(ctx, &JournalRef{URL: "http://example.com/files/e1.json", CurrentOffset: "o3"}); err == nil {
		t.Error("a plain-http download link off loopback was fetched")
	}
	if appTokens.Load() != 1 || userTokens.Load() != 0 {
		t.Errorf("tokens: %d app, %d user; want 1 app token and no user token", appTokens.Load(), userTokens.Load())
	}
}
