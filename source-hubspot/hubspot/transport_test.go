package hubspot

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/insider-hubspot/connectors/internal/httpx"
	"github.com/insider-hubspot/connectors/internal/httpx/httpxtest"
)

func testClient(t *testing.T, h http.HandlerFunc, creds Credentials) (*Client, *httpxtest.Sleeps) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	rec := &httpxtest.Sleeps{}
	c, err := New(Config{BaseURL: srv.URL, Credentials: creds, HTTPClient: srv.Client(), Sleep: rec.Sleep,
		Limits: Limits{Search: rate.Inf, Other: rate.Inf}})
	if err != nil {
		t.Fatal(err)
	}
	return c, rec
}

var static = Credentials{AccessToken: "pat"}

func TestRetryPolicies(t *testing.T) {
	for _, tc := range []struct {
		name      string
		status    int
		hdr       map[string]string
		body      string
		wantWait  time.Duration // 0: any backoff
		wantCalls int
		wantErr   bool
	}{
		{name: "secondly", status: 429, body: `{"message":"You have reached your secondly limit.","policyName":"SECONDLY"}`, wantWait: time.Second, wantCalls: 2},
		{name: "ten secondly", status: 429, body: `{"policyName":"TEN_SECONDLY_ROLLING"}`, wantWait: 10 * time.Second, wantCalls: 2},
		{name: "retry-after", status: 429, hdr: map[string]string{"Retry-After": "7"}, body: `{}`, wantWait: 7 * time.Second, wantCalls: 2},
		{name: "retry-after too long", status: 429, hdr: map[string]string{"Retry-After": "3600"}, body: `{}`, wantCalls: 1, wantErr: true},
		{name: "daily", status: 429, body: `{"message":"You have reached your daily limit.","errorType":"RATE_LIMIT","policyName":"DAILY","correlationId":"c1"}`, wantCalls: 1, wantErr: true},
		{name: "bad gateway", status: 502, body: `oops`, wantCalls: 2},
		{name: "locked", status: 423, body: `{}`, wantWait: 2 * time.Second, wantCalls: 2},
		{name: "not found", status: 404, body: `{"category":"OBJECT_NOT_FOUND","message":"gone","correlationId":"c2"}`, wantCalls: 1, wantErr: true},
		{name: "forbidden", status: 403, body: `{"category":"MISSING_SCOPES","message":"scopes"}`, wantCalls: 1, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			c, rec := testClient(t, func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				if !strings.Contains(string(body), `"limit":5`) {
					t.Errorf("request body not replayed: %s", body)
				}
				if calls.Add(1) == 1 {
					for k, v := range tc.hdr {
						w.Header().Set(k, v)
					}
					w.WriteHeader(tc.status)
					_, _ = w.Write([]byte(tc.body))
					return
				}
				_, _ = w.Write([]byte(`{"total":0,"results":[]}`))
			}, static)
			_, err := c.SearchContacts(t.Context(), SearchRequest{Limit: 5})
			if int(calls.Load()) != tc.wantCalls {
				t.Errorf("calls = %d, want %d", calls.Load(), tc.wantCalls)
			}
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v", err)
			}
			if tc.wantErr {
				var ae *APIError
				if !errors.As(err, &ae) || ae.StatusCode != tc.status {
					t.Fatalf("err = %#v", err)
				}
				if tc.name == "daily" && (!ae.IsDailyLimit() || !strings.Contains(ae.Error(), "c1")) {
					t.Errorf("daily error = %v", ae)
				}
				return
			}
			if tc.wantWait != 0 && (len(rec.Waits()) != 1 || rec.Waits()[0] != tc.wantWait) {
				t.Errorf("waits = %v, want [%v]", rec.Waits(), tc.wantWait)
			}
		})
	}
}

func TestRetryGivesUpAfterMaxAttempts(t *testing.T) {
	var calls atomic.Int32
	c, rec := testClient(t, func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		w.WriteHeader(503)
	}, static)
	_, err := c.ListContacts(t.Context(), ListRequest{Limit: 1})
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 503 || calls.Load() != 6 || len(rec.Waits()) != 5 {
		t.Fatalf("err %v, calls %d, waits %v", err, calls.Load(), rec.Waits())
	}
	for i := 1; i < len(rec.Waits()); i++ {
		if rec.Waits()[i] > 30*time.Second {
			t.Errorf("wait %v above the cap", rec.Waits()[i])
		}
	}
}

func TestWaitsAreCancellable(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(503) }))
	defer srv.Close()
	ctx, cancel := context.WithCancel(t.Context())
	c, err := New(Config{BaseURL: srv.URL, Credentials: static, HTTPClient: srv.Client(),
		Sleep: func(ctx context.Context, d time.Duration) error { cancel(); return httpx.Sleep(ctx, time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListContacts(ctx, ListRequest{Limit: 1}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestRateLimitHeadersSlowDown(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-HubSpot-RateLimit-Max", "100")
		w.Header().Set("X-HubSpot-RateLimit-Remaining", "4")
		w.Header().Set("X-HubSpot-RateLimit-Interval-Milliseconds", "10000")
		_, _ = w.Write([]byte(`{"results":[]}`))
	}))
	t.Cleanup(srv.Close)
	rec := &httpxtest.Sleeps{}
	// A clock that stands still: the pause is counted from the first answer, and a machine slow
	// to send the second request must not eat into it.
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c, err := New(Config{BaseURL: srv.URL, Credentials: static, HTTPClient: srv.Client(), Sleep: rec.Sleep,
		Now: func() time.Time { return now }, Limits: Limits{Search: rate.Inf, Other: rate.Inf}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if _, err := c.ListContacts(t.Context(), ListRequest{Limit: 1}); err != nil {
			t.Fatal(err)
		}
	}
	if want := 10 * time.Second / 4; len(rec.Waits()) != 1 || rec.Waits()[0] != want {
		t.Errorf("waits = %v, want one pause of 10s/4 (%v)", rec.Waits(), want)
	}
}

func TestCheckBaseURL(t *testing.T) {
	for raw, ok := range map[string]bool{
		"https://api.hubapi.com": true, "http://127.0.0.1:8080": true, "http://localhost:1": true, "http://[::1]:9": true,
		"http://api.hubapi.com": false, "ftp://x": false, "api.hubapi.com": false, "http://10.0.0.1": false,
	} {
		_, err := CheckBaseURL(raw)
		if (err == nil) != ok {
			t.Errorf("%s: err = %v", raw, err)
		}
		if err != nil && !strings.Contains(err.Error(), "api_base_url") {
			t.Errorf("%s: error does not name api_base_url: %v", raw, err)
		}
	}
}

func TestHungAttemptTimesOutAndIsRetried(t *testing.T) {
	release := make(chan struct{})
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			select { // hang until the client gives up on this attempt
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		_, _ = w.Write([]byte(`{"results":[]}`))
	}))
	defer srv.Close()
	defer close(release)
	hc := srv.Client()
	hc.Timeout = 250 * time.Millisecond
	rec := &httpxtest.Sleeps{}
	c, err := New(Config{BaseURL: srv.URL, Credentials: static, HTTPClient: hc, Sleep: rec.Sleep,
		Limits: Limits{Search: rate.Inf, Other: rate.Inf}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListContacts(t.Context(), ListRequest{Limit: 1}); err != nil {
		t.Fatalf("err = %v", err)
	}
	// The first attempt always hangs. On a loaded machine a later attempt can outlast the
	// timeout too, so what is checked is that each attempt after a timeout came after one wait.
	if n := calls.Load(); n < 2 || len(rec.Waits()) != int(n)-1 {
		t.Errorf("calls %d, waits %v; want the hung attempt retried after one wait each", n, rec.Waits())
	}
}

// TestCutOffAnswersShareTheRetryBudget: an answer cut off mid-body is retried by the retry layer
// itself, from the same MaxAttempts as 5xx answers, so failures of both kinds in turn stop after
// MaxAttempts tries in all.
func TestCutOffAnswersShareTheRetryBudget(t *testing.T) {
	var calls atomic.Int32
	c, rec := testClient(t, func(w http.ResponseWriter, _ *http.Request) {
		if calls.Add(1)%2 == 1 {
			w.Header().Set("Content-Length", "100")
			_, _ = w.Write([]byte(`{"results":[`)) // the connection closes 88 bytes short
			return
		}
		w.WriteHeader(http.StatusServiceUnavailable)
	}, static)
	_, err := c.ListContacts(t.Context(), ListRequest{Limit: 1})
	if calls.Load() != 6 || len(rec.Waits()) != 5 {
		t.Errorf("calls %d, waits %v; want 6 tries in all", calls.Load(), rec.Waits())
	}
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("err = %v, want the last answer, a 503", err)
	}

	calls.Store(0)
	c, _ = testClient(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", "100")
		_, _ = w.Write([]byte(`{"results":[`))
		calls.Add(1)
	}, static)
	_, err = c.ListContacts(t.Context(), ListRequest{Limit: 1})
	if calls.Load() != 6 || !IsNetworkError(err) || !strings.Contains(err.Error(), "read response") {
		t.Errorf("calls %d, err %v; want 6 tries ending in a cut-off answer", calls.Load(), err)
	}
}

// TestBearerStaysOnTheBaseHost: a redirect the injected client follows to another host is sent
// without the token.
func TestBearerStaysOnTheBaseHost(t *testing.T) {
	var leaked atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Store(r.Header.Get("Authorization"))
		_, _ = w.Write([]byte(`{"results":[]}`))
	}))
	defer other.Close()
	c, _ := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusFound)
	}, static)
	if _, err := c.ListContacts(t.Context(), ListRequest{Limit: 1}); err != nil {
		t.Fatal(err)
	}
	if got, _ := leaked.Load().(string); got != "" {
		t.Errorf("the other host got Authorization %q", got)
	}
}
