package insider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// TestUnknownErrorIsNotTemporary: only the failures retryable names are retried; an error it
// does not know fails at once.
func TestUnknownErrorIsNotTemporary(t *testing.T) {
	t.Parallel()
	for _, err := range []error{errors.New("something no one expected"), fmt.Errorf("POST %s: %w", UpsertPath, errors.New("odd"))} {
		if retryable(err) {
			t.Errorf("retryable(%v) = true", err)
		}
	}
	for _, err := range []error{io.ErrUnexpectedEOF, context.DeadlineExceeded,
		&Error{Kind: statusKind(503, ""), Status: 503}, &Error{Kind: KindNotInsider}} {
		if !retryable(err) {
			t.Errorf("retryable(%v) = false", err)
		}
	}
}

// TestCredentialsStayOnTheBaseHost: the client's stack adds the credential headers to requests
// for the base URL's host only.
func TestCredentialsStayOnTheBaseHost(t *testing.T) {
	t.Parallel()
	var leaked atomic.Bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Store(r.Header.Get("X-REQUEST-TOKEN") != "" || r.Header.Get("X-PARTNER-NAME") != "")
		_, _ = io.WriteString(w, `{}`)
	}))
	defer other.Close()
	f := &fakeInsider{}
	c, _ := newTestClient(t, f, "key-123")
	if _, err := c.UpsertBatch(context.Background(), batchOf(1)); err != nil {
		t.Fatalf("the base host did not get the credentials: %v", err)
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, other.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if leaked.Load() {
		t.Error("another host got the credential headers")
	}
	c.CloseIdleConnections()
}
