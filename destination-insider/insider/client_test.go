package insider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/insider-hubspot/connectors/internal/httpx/httpxtest"
)

// fakeInsider answers upserts from a script of responses; after the script
// ends every request succeeds. It checks headers and records request bodies.
type fakeInsider struct {
	t       *testing.T
	mu      sync.Mutex
	script  []func(w http.ResponseWriter, users int)
	bodies  []string
	calls   atomic.Int32
	maxBody int // bodies larger than this get Insider's oversize 400
}

func (f *fakeInsider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.calls.Add(1)
	if r.Header.Get("X-PARTNER-NAME") != "mybrand" || r.Header.Get("X-REQUEST-TOKEN") != "key-123" {
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, `{"success":false,"message":"Access Denied."}`)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var req struct {
		SkipHook *bool             `json:"skip_hook"`
		Users    []json.RawMessage `json:"users"`
	}
	if err := json.Unmarshal(body, &req); err != nil || req.SkipHook == nil {
		f.t.Errorf("bad request body %q: %v", body, err)
	}
	f.mu.Lock()
	f.bodies = append(f.bodies, string(body))
	var step func(http.ResponseWriter, int)
	if len(f.script) > 0 {
		step, f.script = f.script[0], f.script[1:]
	}
	f.mu.Unlock()
	if f.maxBody > 0 && len(body) > f.maxBody {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"error":"request body is bigger than maximum allowed size 5,000,000 bytes"}`)
		return
	}
	if step != nil {
		step(w, len(req.Users))
		return
	}
	fmt.Fprintf(w, `{"data":{"successful":{"count":%d},"fail":{}}}`, len(req.Users))
}

func status(code int, body string, header ...string) func(http.ResponseWriter, int) {
	return func(w http.ResponseWriter, _ int) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(code)
		_, _ = io.WriteString(w, body)
	}
}

func dropConnection(w http.ResponseWriter, _ int) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

func newTestClient(t *testing.T, f *fakeInsider, apiKey string) (*Client, *httpxtest.Sleeps) {
	t.Helper()
	f.t = t
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	sl := &httpxtest.Sleeps{}
	c := New(Config{
		BaseURL: srv.URL, PartnerName: " MyBrand ", APIKey: apiKey, HTTPClient: srv.Client(),
		MaxAttempts: 4, Backoff: func(a int) time.Duration { return time.Duration(a) * time.Second },
		Sleep: sl.Sleep,
	})
	return c, sl
}

func batchOf(n int) *Batch {
	b := NewBatch(true)
	for i := range n {
		b.Add(fmt.Appendf(nil, `{"identifiers":{"uuid":"u%d"},"attributes":{"name":"x"},"not_append":true}`, i))
	}
	return b
}

func TestUpsertBatch(t *testing.T) {
	t.Parallel()
	partial := `{"data":{"successful":{"count":1},"fail":{"count":2,"errors":{
		"users.0.identifiers.*.regexp(^\\+[1-9]\\d{6,14}$)":["user has an invalid phone number: 12345"],
		"users.2.events.0.event_name.*.regexp(^[a-z0-9][a-zA-Z0-9._-]*$)":["invalid event name: homepageView"]}}}}`
	tests := []struct {
		name       string
		script     []func(http.ResponseWriter, int)
		users      int
		maxBody    int
		apiKey     string
		wantRej    []Rejection
		wantStats  Stats
		wantWaits  []time.Duration
		wantErr    func(error) bool
		wantBodies int
	}{
		{name: "all accepted", users: 3, wantStats: Stats{Requests: 1}, wantBodies: 1},
		{
			name: "per-user errors in a 200", users: 3, script: []func(http.ResponseWriter, int){status(200, partial)},
			wantRej: []Rejection{
				{Index: 0, Messages: []string{`identifiers.*.regexp(^\+[1-9]\d{6,14}$): user has an invalid phone number: 12345`}},
				{Index: 2, Messages: []string{`events.0.event_name.*.regexp(^[a-z0-9][a-zA-Z0-9._-]*$): invalid event name: homepageView`}},
			},
			wantStats: Stats{Requests: 1}, wantBodies: 1,
		},
		{
			name: "429 honours Retry-After then 500 backs off", users: 2,
			script: []func(http.ResponseWriter, int){
				status(429, `{"error":"rejected: too many requests"}`, "Retry-After", "7"),
				status(500, `{"success":false}`),
			},
			wantStats: Stats{Requests: 3, Retries: 2}, wantWaits: []time.Duration{7 * time.Second, 2 * time.Second}, wantBodies: 3,
		},
		{
			name: "dropped connection is retried", users: 1,
			script:    []func(http.ResponseWriter, int){dropConnection},
			wantStats: Stats{Requests: 2, Retries: 1}, wantWaits: []time.Duration{time.Second}, wantBodies: 2,
		},
		{
			name: "retries run out", users: 1,
			script:    []func(http.ResponseWriter, int){status(503, "a"), status(502, "b"), status(500, "c"), status(504, "d")},
			wantStats: Stats{Requests: 4, Retries: 3}, wantWaits: []time.Duration{time.Second, 2 * time.Second, 3 * time.Second},
			wantErr:    exhaustedTemporary,
			wantBodies: 4,
		},
		{
			name: "403 stops at once", users: 1, apiKey: "wrong",
			wantStats: Stats{Requests: 1}, wantErr: isAuth,
		},
		{
			name: "a 400 to a request of one user rejects that user", users: 1,
			script:    []func(http.ResponseWriter, int){status(400, `{"error":"users must be defined: bad request"}`)},
			wantStats: Stats{Requests: 1}, wantBodies: 1,
			wantRej: []Rejection{{Index: 0, Status: 400,
				Messages: []string{`HTTP 400 to a request holding only this user: {"error":"users must be defined: bad request"}`}}},
		},
		{
			name: "a 400 splits the batch down to the refused user", users: 4,
			// 4 -> refused; 2 (users 0,1) -> refused; user 0 ok; user 1 refused; 2 (users 2,3) ok.
			script: []func(http.ResponseWriter, int){
				status(400, `{"error":"bad"}`), status(400, `{"error":"bad"}`), nil, status(400, `{"error":"bad"}`)},
			wantStats: Stats{Requests: 5, Splits: 2}, wantBodies: 5,
			wantRej: []Rejection{{Index: 1, Status: 400, Messages: []string{`HTTP 400 to a request holding only this user: {"error":"bad"}`}}},
		},
		{
			name: "400 Partner is invalid is a credential error, not split", users: 4,
			script:    []func(http.ResponseWriter, int){status(400, `{"success":false,"message":"Partner is invalid."}`)},
			wantStats: Stats{Requests: 1}, wantBodies: 1, wantErr: isAuth,
		},
		{
			name: "oversize 400 splits the batch", users: 4, maxBody: 200,
			// 4 users (about 300 bytes) are refused; 2 users (about 170) fit.
			script: []func(http.ResponseWriter, int){nil, nil, func(w http.ResponseWriter, n int) {
				_, _ = io.WriteString(w, `{"data":{"successful":{},"fail":{"count":1,"errors":{"users.0.attributes.age":["bad"]}}}}`)
			}},
			// 4 users (too large) -> 2 + 2; the second half's first user is user 2.
			wantRej:   []Rejection{{Index: 2, Messages: []string{"attributes.age: bad"}}},
			wantStats: Stats{Requests: 3, Splits: 1}, wantBodies: 3,
		},
		{
			name: "failures without a user index", users: 2,
			script:    []func(http.ResponseWriter, int){status(200, `{"data":{"fail":{"count":1,"errors":{"other":["x"]}}}}`)},
			wantStats: Stats{Requests: 1}, wantBodies: 1,
			wantErr: func(err error) bool { var re *Error; return errors.As(err, &re) && re.Kind == KindUnmatched },
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := &fakeInsider{script: tc.script, maxBody: tc.maxBody}
			key := tc.apiKey
			if key == "" {
				key = "key-123"
			}
			c, sl := newTestClient(t, f, key)
			res, err := c.UpsertBatch(context.Background(), batchOf(tc.users))
			if tc.wantErr == nil && err != nil {
				t.Fatalf("UpsertBatch: %v", err)
			}
			if tc.wantErr != nil && (err == nil || !tc.wantErr(err)) {
				t.Fatalf("UpsertBatch error = %v, not the expected kind", err)
			}
			if diff := cmp.Diff(tc.wantRej, res.Rejected); diff != "" {
				t.Errorf("rejections (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantStats, res.Stats); diff != "" {
				t.Errorf("stats (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantWaits, sl.Waits()); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
			if len(f.bodies) != tc.wantBodies {
				t.Errorf("server saw %d bodies, want %d", len(f.bodies), tc.wantBodies)
			}
			if err != nil && strings.Contains(err.Error(), key) {
				t.Errorf("error %q leaks the API key", err)
			}
		})
	}
}

func TestUpsertBatchCancelledWait(t *testing.T) {
	t.Parallel()
	f := &fakeInsider{script: []func(http.ResponseWriter, int){status(503, "down")}}
	f.t = t
	srv := httptest.NewServer(f)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	c := New(Config{BaseURL: srv.URL, PartnerName: "mybrand", APIKey: "key-123", HTTPClient: srv.Client(), Backoff: func(int) time.Duration { return time.Hour }})
	cancel()
	_, err := c.UpsertBatch(ctx, batchOf(1))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestColumns(t *testing.T) {
	t.Parallel()
	var gotBody string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		gotBody = r.URL.Path + " " + string(b)
		if r.Header.Get("X-REQUEST-TOKEN") != "good" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = io.WriteString(w, `[{"key":"email","display_name":"Email","type":"string"}]`)
	}))
	defer srv.Close()
	c := New(Config{BaseURL: srv.URL + "/", PartnerName: "p", APIKey: "good", HTTPClient: srv.Client()})
	if _, _, err := c.Columns(context.Background()); err != nil {
		t.Fatalf("Columns: %v", err)
	}
	if want := ColumnsPath + ` {"table":"contacts"}`; gotBody != want {
		t.Errorf("request = %q, want %q", gotBody, want)
	}
	c = New(Config{BaseURL: srv.URL, PartnerName: "p", APIKey: "bad", HTTPClient: srv.Client()})
	if _, _, err := c.Columns(context.Background()); !isAuth(err) {
		t.Errorf("Columns with a bad key: err = %v, want an auth error", err)
	}
}

// isAuth reports whether err is Insider refusing the partner name or key.
func isAuth(err error) bool { return KindOf(err) == KindAuth }

// exhaustedTemporary reports whether err is a temporary failure every attempt of a request met.
func exhaustedTemporary(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Attempts > 0 && retryable(err) && !isAuth(err)
}
