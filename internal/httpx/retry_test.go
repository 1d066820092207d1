package httpx

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/insider-hubspot/connectors/internal/httpx/httpxtest"
)

// retryAll retries every answer but a 2xx, and every failure Retryable names.
var retryAll = PolicyFunc(func(a Attempt) Verdict {
	if a.Err != nil {
		return Verdict{Retry: Retryable(a.Err)}
	}
	return Verdict{Retry: a.Resp.StatusCode/100 != 2, Failure: errors.New(a.Resp.Status)}
})

func newRetry(t *testing.T, h http.HandlerFunc, p Policy) (*Retry, *httpxtest.Sleeps, string) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	sl := &httpxtest.Sleeps{}
	return &Retry{Next: srv.Client().Transport, Policy: p, MaxAttempts: 3, Sleep: sl.Sleep,
		Backoff: func(n int) time.Duration { return time.Duration(n) * time.Second }, Service: "Test"}, sl, srv.URL
}

func post(ctx context.Context, t *testing.T, rt http.RoundTripper, url string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader([]byte("payload")))
	if err != nil {
		t.Fatal(err)
	}
	return rt.RoundTrip(req)
}

// answer sends a request that must get an answer, and returns it with its body and counts.
func answer(t *testing.T, rt http.RoundTripper, url string) (*http.Response, string, Counts) {
	t.Helper()
	var n Counts
	resp, err := post(WithCounts(context.Background(), &n), t, rt, url)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ReadBody(resp, 0)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b), n
}

func TestRetryCutOffAnswerIsRetriedAndBodyBuffered(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	rt, sl, url := newRetry(t, func(w http.ResponseWriter, r *http.Request) {
		if b, _ := io.ReadAll(r.Body); string(b) != "payload" {
			t.Errorf("body %q not replayed", b)
		}
		if calls.Add(1) == 1 {
			w.Header().Set("Content-Length", "50")
			_, _ = io.WriteString(w, "short")
			return
		}
		_, _ = io.WriteString(w, "whole answer")
	}, retryAll)
	_, b, n := answer(t, rt, url)
	if b != "whole answer" {
		t.Errorf("body %q", b)
	}
	if n != (Counts{Requests: 2, Retries: 1}) || len(sl.Waits()) != 1 || sl.Waits()[0] != time.Second {
		t.Errorf("counts %+v, waits %v", n, sl.Waits())
	}
}

func TestRetryKeepsTheStartOfAFailingAnswer(t *testing.T) {
	t.Parallel()
	rt, _, url := newRetry(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", "50")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, "bad request")
	}, retryAll)
	rt.Policy = PolicyFunc(func(Attempt) Verdict { return Verdict{} })
	if resp, b, _ := answer(t, rt, url); resp.StatusCode != http.StatusBadRequest || b != "bad request" {
		t.Errorf("%d %q", resp.StatusCode, b)
	}
}

func TestRetryRunsOutOfAttempts(t *testing.T) {
	t.Parallel()
	rt, sl, url := newRetry(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, "down")
	}, retryAll)
	resp, b, n := answer(t, rt, url)
	if resp.StatusCode != http.StatusServiceUnavailable || b != "down" {
		t.Errorf("final answer %d %q, want the last 503 with its body", resp.StatusCode, b)
	}
	if n != (Counts{Requests: 3, Retries: 2, Exhausted: true}) || len(sl.Waits()) != 2 {
		t.Errorf("counts %+v, waits %v", n, sl.Waits())
	}
}

func TestRetryRefusesAWaitPastTheLimit(t *testing.T) {
	t.Parallel()
	rt, sl, url := newRetry(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTooManyRequests)
	}, PolicyFunc(func(a Attempt) Verdict {
		return Verdict{Retry: true, Wait: time.Hour, RetryAfter: true, Failure: errors.New("429")}
	}))
	_, err := post(context.Background(), t, rt, url)
	var we *WaitError
	if !errors.As(err, &we) || we.Wait != time.Hour || !we.RetryAfter || we.Last == nil || len(sl.Waits()) != 0 {
		t.Errorf("err %v (%+v), waits %v", err, we, sl.Waits())
	}
}

// TestRetryUnknownFailureIsNotRetried: a failure Retryable does not name fails at once.
func TestRetryUnknownFailureIsNotRetried(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	odd := errors.New("something no one expected")
	rt := &Retry{Next: roundTripFunc(func(*http.Request) (*http.Response, error) { calls.Add(1); return nil, odd }),
		Policy: retryAll, MaxAttempts: 5, Backoff: func(int) time.Duration { return 0 }, Sleep: (&httpxtest.Sleeps{}).Sleep}
	if _, err := post(context.Background(), t, rt, "http://127.0.0.1:1/"); !errors.Is(err, odd) || calls.Load() != 1 {
		t.Errorf("err %v after %d calls, want the failure after one", err, calls.Load())
	}
	if Retryable(odd) || Retryable(context.Canceled) || !Retryable(io.ErrUnexpectedEOF) || !Retryable(&CutOffError{Err: io.EOF}) {
		t.Error("Retryable misclassifies")
	}
}

func TestRetryStopsOnCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	rt, _, url := newRetry(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusBadGateway) }, retryAll)
	rt.Sleep = func(ctx context.Context, d time.Duration) error { cancel(); return Sleep(ctx, time.Hour) }
	if _, err := post(ctx, t, rt, url); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestBackoffIsEqualJitter(t *testing.T) {
	t.Parallel()
	b := Backoff{Base: time.Second, Max: time.Minute}
	for n, d := range map[int]time.Duration{0: time.Second, 1: time.Second, 2: 2 * time.Second, 4: 8 * time.Second, 7: time.Minute, 200: time.Minute} {
		for range 50 {
			if got := b.Delay(n); got < d/2 || got > d {
				t.Fatalf("Delay(%d) = %v, want within [%v, %v]", n, got, d/2, d)
			}
		}
	}
}
