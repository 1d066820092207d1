package insider

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/internal/httpx/httpxtest"
)

// TestUpsertAnswersThatAreNotInsiders checks that a 2xx whose body is not
// Insider's JSON never counts as accepted users: it is retried like a
// temporary failure and then fails the batch.
func TestUpsertAnswersThatAreNotInsiders(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, ctype, body string }{
		{"HTML page", "text/html", `<!DOCTYPE html><html><body>Just a moment...</body></html>`},
		{"empty body", "", ``},
		{"JSON of another shape", "application/json", `{"status":"ok"}`},
		{"JSON array", "application/json", `[]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			answer := func(w http.ResponseWriter, _ int) {
				if tc.ctype != "" {
					w.Header().Set("Content-Type", tc.ctype)
				}
				_, _ = w.Write([]byte(tc.body))
			}
			f := &fakeInsider{script: []func(http.ResponseWriter, int){answer, answer, answer, answer}}
			c, _ := newTestClient(t, f, "key-123")
			res, err := c.UpsertBatch(context.Background(), batchOf(3))
			if err == nil {
				t.Fatalf("UpsertBatch accepted %d users from a 200 with body %q", 3-len(res.Rejected), tc.body)
			}
			var e *Error
			if KindOf(err) != KindNotInsider || !errors.As(err, &e) || e.Attempts == 0 || res.Requests != 4 {
				t.Errorf("err = %v after %d requests, want an AnswerError after all 4 attempts", err, res.Requests)
			}
			if !strings.Contains(err.Error(), "HTTP 200") {
				t.Errorf("error %q does not say what answered", err)
			}
		})
	}
	t.Run("recovers when Insider answers again", func(t *testing.T) {
		t.Parallel()
		f := &fakeInsider{script: []func(http.ResponseWriter, int){status(200, `<html></html>`)}}
		c, _ := newTestClient(t, f, "key-123")
		res, err := c.UpsertBatch(context.Background(), batchOf(2))
		if err != nil || res.Requests != 2 || len(res.Rejected) != 0 {
			t.Fatalf("res %+v err %v, want success on the second request", res, err)
		}
	})
}

// TestUpsertRedirectIsNotFollowed checks that a redirect ends the request
// with an error naming where it points, and that nothing, in particular no
// credential header, reaches the other host.
func TestUpsertRedirectIsNotFollowed(t *testing.T) {
	t.Parallel()
	for _, code := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(http.StatusText(code), func(t *testing.T) {
			t.Parallel()
			var elsewhere atomic.Int32
			other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				elsewhere.Add(1)
				if r.Header.Get("X-REQUEST-TOKEN") != "" || r.Header.Get("X-PARTNER-NAME") != "" {
					t.Errorf("credential headers reached the redirect target")
				}
			}))
			defer other.Close()
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				http.Redirect(w, r, other.URL+r.URL.Path, code)
			}))
			defer srv.Close()
			// The caller's client would follow redirects; the Insider client must not.
			hc := httpxtest.Client(t) // not http.DefaultTransport, which parallel tests close
			hc.Timeout = time.Minute
			c := New(Config{BaseURL: srv.URL, PartnerName: "mybrand", APIKey: "key-123", HTTPClient: hc,
				Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }})
			_, err := c.UpsertBatch(context.Background(), batchOf(2))
			var re *Error
			if !errors.As(err, &re) || re.Kind != KindRedirect || retryable(err) {
				t.Fatalf("err = %v, want a RedirectError that is not temporary", err)
			}
			if re.Location != other.URL+UpsertPath || re.SuggestedBaseURL() != other.URL {
				t.Errorf("redirect to %q (base %q), want %q", re.Location, re.SuggestedBaseURL(), other.URL+UpsertPath)
			}
			if n := elsewhere.Load(); n != 0 {
				t.Errorf("the redirect target got %d requests, want none", n)
			}
			if n := calls.Load(); n != 1 {
				t.Errorf("Insider's address got %d requests, want 1 (a redirect is not retried)", n)
			}
			if hc.CheckRedirect != nil {
				t.Error("the caller's http.Client was changed")
			}
		})
	}
}

// TestUpsertRefusedEveryUser checks that a batch whose users are all refused
// one by one fails rather than being rejected whole, and that later 400s are
// then not split again.
func TestUpsertRefusedEveryUser(t *testing.T) {
	t.Parallel()
	var script []func(http.ResponseWriter, int)
	for range 2*minRefusedBatch - 1 + 1 {
		script = append(script, status(400, `{"error":"new rule: bad request"}`))
	}
	f := &fakeInsider{script: script}
	c, _ := newTestClient(t, f, "key-123")
	_, err := c.UpsertBatch(context.Background(), batchOf(minRefusedBatch))
	var rf *Error
	if !errors.As(err, &rf) || rf.Kind != KindRefusedAll || retryable(err) {
		t.Fatalf("err = %v, want a RefusedError", err)
	}
	if got := len(f.bodies); got != 2*minRefusedBatch-1 {
		t.Errorf("%d requests, want %d (a full split)", got, 2*minRefusedBatch-1)
	}
	res, err := c.UpsertBatch(context.Background(), batchOf(4))
	if err == nil || res.Requests != 1 {
		t.Errorf("next batch: err %v after %d requests, want a failure at once", err, res.Requests)
	}
}
