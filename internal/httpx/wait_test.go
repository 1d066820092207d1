package httpx

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"  ", 0},
		{"0", 0},
		{"-5", 0},
		{"NaN", 0},
		{"soon", 0},
		{"10", 10 * time.Second},
		{" 2 ", 2 * time.Second},
		{"1.5", 1500 * time.Millisecond},
		{"3600", time.Hour},
		{"1e30", time.Duration(math.MaxInt64)},
		{"Tue, 01 Dec 2026 12:30:00 GMT", 30 * time.Minute},
		{"Tue, 01 Dec 2026 11:30:00 GMT", 0}, // in the past
	}
	for _, tc := range cases {
		if got := ParseRetryAfter(tc.in, now); got != tc.want {
			t.Errorf("ParseRetryAfter(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"10", "1.5", "-1", "Tue, 01 Dec 2026 12:30:00 GMT", "1e400", "+Inf"} {
		f.Add(s)
	}
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		if d := ParseRetryAfter(s, now); d < 0 {
			t.Fatalf("ParseRetryAfter(%q) = %v, negative", s, d)
		}
	})
}

// TestWaitsBoundEveryRequest checks the one rule: waits are allowed until one would take the
// request past WaitLimit, and that one fails with a WaitError saying when to come back.
func TestWaitsBoundEveryRequest(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	var w Waits
	for range 4 {
		if err := w.Next(time.Minute, true, "POST /x", now); err != nil {
			t.Fatalf("a wait within the limit was refused: %v", err)
		}
	}
	err := w.Next(2*time.Minute, true, "POST /x", now)
	var we *WaitError
	if !errors.As(err, &we) {
		t.Fatalf("a wait past the limit gave %v, want a WaitError", err)
	}
	if we.Wait != 2*time.Minute || we.Waited != 4*time.Minute || !we.Until.Equal(now.Add(2*time.Minute)) {
		t.Errorf("WaitError = %+v", we)
	}
	for _, want := range []string{"POST /x", "2m0s", "Retry-After"} {
		if !strings.Contains(we.Error(), want) {
			t.Errorf("%q does not name %q", we.Error(), want)
		}
	}
	if !strings.Contains(we.Advice(), "2026-12-01 12:02 UTC") {
		t.Errorf("advice %q does not say when to run again", we.Advice())
	}
	var fresh Waits
	if err := fresh.Next(30*time.Minute, true, "GET /y", now); err == nil {
		t.Error("a half-hour Retry-After was accepted")
	}
}

func TestSleepStopsOnCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep = %v, want context.Canceled", err)
	}
}
