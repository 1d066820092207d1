package fakehttp

import (
	"testing"
	"time"
)

func TestFaultsQueueOrderAndWildcard(t *testing.T) {
	f := NewFaults("any")
	f.Queue("search", StatusFault{Status: 429, N: 2})
	f.Queue("search", StatusFault{Status: 503, N: 1})
	f.Queue("any", StatusFault{Status: 500, N: 1})
	f.Queue("search", StatusFault{Status: 502, N: 0}) // nothing to serve
	var got []int
	for range 5 {
		sf, ok := f.TakeStatus("search")
		if !ok {
			got = append(got, 0)
			continue
		}
		got = append(got, sf.Status)
	}
	want := []int{429, 429, 503, 500, 0}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("statuses = %v, want %v", got, want)
		}
	}
	f.AddDrops("any", 1)
	if !f.TakeDrop("list") || f.TakeDrop("list") {
		t.Fatal("one wildcard drop must serve exactly one request")
	}
	f.SetLatency("any", time.Second)
	f.SetLatency("search", 2*time.Second)
	if f.Latency("search") != 2*time.Second || f.Latency("list") != time.Second {
		t.Fatalf("latency search %s list %s", f.Latency("search"), f.Latency("list"))
	}
	f.Clear()
	if f.Latency("search") != 0 || f.TakeDrop("search") {
		t.Fatal("Clear left faults behind")
	}
}
