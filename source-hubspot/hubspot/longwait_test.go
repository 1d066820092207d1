package hubspot

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/internal/httpx"
)

// TestLongRetryAfterEndsTheCall checks the shared wait rule on the HubSpot side: Retry-After
// waits are logged when they start, a wait that would take the request past httpx.WaitLimit is
// not started, and the call ends with a *httpx.WaitError naming the endpoint and the wait.
func TestLongRetryAfterEndsTheCall(t *testing.T) {
	for _, tc := range []struct {
		name       string
		retryAfter []string // one per answer; the answer after the last is 200
		wantWaits  []time.Duration
		wantErr    time.Duration // the wait refused; 0 when the call succeeds
	}{
		{name: "half an hour", retryAfter: []string{"1800"}, wantErr: 30 * time.Minute},
		{name: "four minutes is waited", retryAfter: []string{"240"}, wantWaits: []time.Duration{4 * time.Minute}},
		{name: "the waits of one request add up", retryAfter: []string{"120", "120", "120"},
			wantWaits: []time.Duration{2 * time.Minute, 2 * time.Minute}, wantErr: 2 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			c, rec := testClient(t, func(w http.ResponseWriter, r *http.Request) {
				n := int(calls.Add(1))
				if n <= len(tc.retryAfter) {
					w.Header().Set("Retry-After", tc.retryAfter[n-1])
					w.WriteHeader(http.StatusTooManyRequests)
					_, _ = w.Write([]byte(`{"status":"error","message":"slow down","errorType":"RATE_LIMIT"}`))
					return
				}
				_, _ = w.Write([]byte(`{"results":[]}`))
			}, static)
			var logs bytes.Buffer
			ctx := zerolog.New(&logs).WithContext(context.Background())
			_, err := c.ListContacts(ctx, ListRequest{Limit: 1})
			if got := rec.Waits(); !slices.Equal(got, tc.wantWaits) {
				t.Errorf("waits %v, want %v", got, tc.wantWaits)
			}
			for _, w := range tc.wantWaits {
				if !strings.Contains(logs.String(), `"wait":`+strconv.FormatInt(w.Milliseconds(), 10)) {
					t.Errorf("no WARN with wait %v in the logs:\n%s", w, logs.String())
				}
			}
			if tc.wantErr == 0 {
				if err != nil {
					t.Fatalf("call failed: %v", err)
				}
				return
			}
			var we *httpx.WaitError
			if !errors.As(err, &we) {
				t.Fatalf("err = %v, want a WaitError", err)
			}
			if we.Wait != tc.wantErr || !we.RetryAfter || !strings.Contains(we.Endpoint, "/contacts") {
				t.Errorf("WaitError %+v", we)
			}
			var ae *APIError
			if !errors.As(err, &ae) || ae.StatusCode != http.StatusTooManyRequests {
				t.Errorf("the 429 behind the wait is not kept: %v", err)
			}
			if !strings.Contains(logs.String(), `"level":"warn"`) || !strings.Contains(logs.String(), "giving up") {
				t.Errorf("the refused wait is not logged:\n%s", logs.String())
			}
		})
	}
}
