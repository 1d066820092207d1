package hubspot

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// tokenServer issues access tokens and accepts each for maxUses calls.
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
		if r.URL.Path == "/oauth/v1/token" {
			_ = r.ParseForm()
			if r.PostForm.Get("refresh_token") != "rt" || r.PostForm.Get("client_secret") != "cs" {
				w.WriteHeader(400)
				_, _ = w.Write([]byte(`{"status":"BAD_REFRESH_TOKEN","message":"missing or invalid refresh token"}`))
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
		Sleep:       (&recorder{}).sleep,
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
	if !errors.As(err, &ae) || ae.Code != "BAD_REFRESH_TOKEN" || ae.StatusCode != 400 {
		t.Fatalf("err = %#v", err)
	}
	if strings.Contains(ae.Error(), "revoked") {
		t.Errorf("error text leaks the refresh token: %v", ae)
	}
}
