package epoch

import (
	"math"
	"testing"
	"time"
)

func TestTime(t *testing.T) {
	t.Parallel()
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		in   float64
		want time.Time
	}{
		{1700000000, at("2023-11-14T22:13:20Z")},        // seconds
		{1700000000123, at("2023-11-14T22:13:20.123Z")}, // milliseconds, as HubSpot writes
		{1700000000.5, at("2023-11-14T22:13:20.5Z")},    // seconds with a fraction
		{-86400, at("1969-12-31T00:00:00Z")},            // seconds before the epoch
		{0, at("1970-01-01T00:00:00Z")},
		{44582400000, at("1971-06-01T00:00:00Z")},   // a HubSpot date (midnight, ms) in 1971
		{99999999999, at("5138-11-16T09:46:39Z")},   // the largest seconds value
		{100000000000, at("1973-03-03T09:46:40Z")},  // the smallest milliseconds value
		{1735689600000, at("2025-01-01T00:00:00Z")}, // a HubSpot date property
	} {
		got, ok := Time(tc.in)
		if !ok || !got.Equal(tc.want) {
			t.Errorf("Time(%v) = %v, %v; want %v", tc.in, got, ok, tc.want)
		}
	}
	for _, bad := range []float64{math.NaN(), math.Inf(1), 1e17, -1e17} {
		if got, ok := Time(bad); ok {
			t.Errorf("Time(%v) = %v, want refused", bad, got)
		}
	}
}
