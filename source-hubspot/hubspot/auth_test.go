package hubspot

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/insider-hubspot/connectors/internal/httpx/httpxtest"
)

// tokenServer issues access tokens at HubSpot's 2026-03 token endpoint, taking every parameter
// from a form body only, and accepts each token for maxUses calls.
type tokenServer struct {
	mu      sync.Mutex
	issued  int
	uses    map[string]int
	maxUses int
	life    int
}

func (s *tokenServer) handler(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if strings.HasPrefix(r.URL.Path, "/oauth/") {
			if r.URL.Path != TokenPath || r.Method != http.MethodPost {
				t.Errorf("token request %s %s, want POST %s", r.Method, r.URL.Path, TokenPath)
			}
			if r.URL.RawQuery != "" || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
				t.Errorf("token request query %q, content type %q: want every parameter in a form body",
					r.URL.RawQuery, r.Header.Get("Content-Type"))
			}
			_ = r.ParseForm()
			if r.PostForm.Get("refresh_token") != "rt" || r.PostForm.Get("client_secret") != "cs" ||
				r.PostForm.Get("grant_type") != "refresh_token" || r.PostForm.Get("client_id") != "ci" {
				w.WriteHeader(400)
				_, _ = w.Write([]byte(`{"status":"BAD_REFRESH_TOKEN","message":"missing or invalid refresh token",` +
					`"error":"invalid_grant","error_description":"missing or invalid refresh token"}`))
				return
			}
			s.issued++
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"access_token":"at%d","refresh_token":"rt","expires_in":%d,"token_type":"bearer"}`, s.issued, s.life)
			return
		}
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.uses[tok]++
		if !strings.HasPrefix(tok, "at") || s.uses[tok] > s.maxUses {
			w.WriteHeader(401)
			_, _ = w.Write([]byte(`{"category":"INVALID_AUTHENTICATION","message":"expired"}`))
			return
		}
		_, _ = w.Write([]byte(`{"results":[]}`))
	}
}

func oauthClient(t *testing.T, s *tokenServer, refresh string, now func() time.Time) (*Client, *[]string) {
	srv := httptest.NewServer(s.handler(t))
	t.Cleanup(srv.Close)
	var seen []string
	c, err := New(Config{BaseURL: srv.URL, HTTPClient: srv.Client(), Now: now,
		Credentials: Credentials{ClientID: "ci", ClientSecret: "cs", RefreshToken: refresh},
		Limits:      Limits{Search: rate.Inf, Other: rate.Inf},
		Sleep:       (&httpxtest.Sleeps{}).Sleep,
		OnToken:     func(tok string) { seen = append(seen, tok) }})
	if err != nil {
		t.Fatal(err)
	}
	return c, &seen
}

func TestOAuthRefreshesOnceOn401(t *testing.T) {
	s := &tokenServer{uses: map[string]int{}, maxUses: 2, life: 1800}
	c, seen := oauthClient(t, s, "rt", time.Now)
	for i := 0; i < 5; i++ {
		if _, err := c.ListContacts(t.Context(), ListRequest{Limit: 1}); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if s.issued != 3 || len(*seen) != 3 {
		t.Errorf("issued %d tokens, OnToken saw %v; want 3", s.issued, *seen)
	}
}

func TestOAuthRefreshesBeforeExpiry(t *testing.T) {
	s := &tokenServer{uses: map[string]int{}, maxUses: 1000, life: 1800}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c, _ := oauthClient(t, s, "rt", func() time.Time { return now })
	for i := 0; i < 4; i++ {
		if _, err := c.ListContacts(t.Context(), ListRequest{Limit: 1}); err != nil {
			t.Fatal(err)
		}
		now = now.Add(25 * time.Minute) // past 80% of 30 minutes
	}
	if s.issued != 4 {
		t.Errorf("issued %d tokens, want a refresh before each call", s.issued)
	}
}

func TestOAuthPersistent401Fails(t *testing.T) {
	s := &tokenServer{uses: map[string]int{}, maxUses: 0, life: 1800}
	c, _ := oauthClient(t, s, "rt", time.Now)
	_, err := c.ListContacts(t.Context(), ListRequest{Limit: 1})
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 401 || s.issued != 2 {
		t.Fatalf("err %v, issued %d; want a 401 after exactly one refresh", err, s.issued)
	}
}

func TestOAuthBadRefreshToken(t *testing.T) {
	s := &tokenServer{uses: map[string]int{}, maxUses: 10, life: 1800}
	c, _ := oauthClient(t, s, "revoked", time.Now)
	_, err := c.ListContacts(t.Context(), ListRequest{Limit: 1})
	var ae *AuthError
	if !errors.As(err, &ae) || ae.Reason() != AuthBadRefreshToken || ae.Status != "BAD_REFRESH_TOKEN" ||
		ae.Code != "invalid_grant" || ae.StatusCode != 400 {
		t.Fatalf("err = %#v", err)
	}
	if strings.Contains(ae.Error(), "revoked") {
		t.Errorf("error text leaks the refresh token: %v", ae)
	}
}

// TestTokenErrorReasons reads what to fix from the RFC 6749 fields, HubSpot's legacy ones, or
// both, as HubSpot's token endpoints answer.
func TestTokenErrorReasons(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		want   AuthReason
		msg    string
	}{
		{"both, refresh token", 400, `{"status":"BAD_REFRESH_TOKEN","message":"legacy text","error":"invalid_grant","error_description":"refresh token revoked"}`, AuthBadRefreshToken, "refresh token revoked"},
		{"rfc only, refresh token", 400, `{"error":"invalid_grant","error_description":"revoked"}`, AuthBadRefreshToken, "revoked"},
		{"legacy only, refresh token", 400, `{"status":"BAD_REFRESH_TOKEN","message":"missing or invalid refresh token"}`, AuthBadRefreshToken, "missing or invalid refresh token"},
		{"both, client secret", 400, `{"status":"BAD_CLIENT_SECRET","message":"x","error":"invalid_client","error_description":"bad secret"}`, AuthBadClient, "bad secret"},
		{"rfc only, client 401", 401, `{"error":"invalid_client"}`, AuthBadClient, ""},
		{"legacy only, client id", 400, `{"status":"BAD_CLIENT_ID","message":"unknown client id"}`, AuthBadClient, "unknown client id"},
		{"no endpoint", 404, `<html>not found</html>`, AuthNoEndpoint, ""},
		{"other", 400, `{"error":"invalid_request","error_description":"grant_type missing"}`, AuthRefused, "grant_type missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := testClient(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}, Credentials{ClientID: "ci", ClientSecret: "cs", RefreshToken: "rt"})
			_, err := c.ListContacts(t.Context(), ListRequest{Limit: 1})
			var ae *AuthError
			if !errors.As(err, &ae) || ae.Reason() != tc.want || ae.Message != tc.msg || ae.StatusCode != tc.status {
				t.Fatalf("err = %#v, want reason %d message %q", err, tc.want, tc.msg)
			}
			if !strings.HasSuffix(ae.URL, TokenPath) {
				t.Errorf("URL = %q", ae.URL)
			}
		})
	}
}

// TestTokenURLOverride sends token requests to credentials.token_url instead of the default.
func TestTokenURLOverride(t *testing.T) {
	var tokenCalls atomic.Int32
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tokenCalls.Add(1)
		if r.URL.Path != "/custom/token" || r.URL.RawQuery != "" {
			t.Errorf("token request to %s?%s", r.URL.Path, r.URL.RawQuery)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"at1","refresh_token":"rt","expires_in":1800,"token_type":"bearer"}`))
	}))
	t.Cleanup(idp.Close)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/oauth/") || r.Header.Get("Authorization") != "Bearer at1" {
			t.Errorf("API got %s %s with %q", r.Method, r.URL.Path, r.Header.Get("Authorization"))
		}
		_, _ = w.Write([]byte(`{"results":[]}`))
	}))
	t.Cleanup(api.Close)
	c, err := New(Config{BaseURL: api.URL, TokenURL: idp.URL + "/custom/token", HTTPClient: api.Client(),
		Credentials: Credentials{ClientID: "ci", ClientSecret: "cs", RefreshToken: "rt"},
		Limits:      Limits{Search: rate.Inf, Other: rate.Inf}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListContacts(t.Context(), ListRequest{Limit: 1}); err != nil {
		t.Fatal(err)
	}
	if tokenCalls.Load() != 1 {
		t.Errorf("%d token calls", tokenCalls.Load())
	}
	for _, bad := range []string{"http://example.com/token", "https://example.com/token?client_secret=x", "ftp://x/y"} {
		if _, err := New(Config{TokenURL: bad}); err == nil || !strings.Contains(err.Error(), "credentials.token_url") {
			t.Errorf("token URL %q: err %v, want one naming credentials.token_url", bad, err)
		}
	}
}
