package fakehubspot_test

import (
	"slices"
	"testing"

	"github.com/insider-hubspot/connectors/integration_tests/fakehubspot"
)

// TestEmptySearchPages: the nth search (and the count-1 after it) answers no results with the
// query's total and a next page; the others answer as usual; a negative count never stops
// until ClearFaults.
func TestEmptySearchPages(t *testing.T) {
	s, _ := start(t, fakehubspot.Options{})
	contactsAt(s, 30, base)
	body := map[string]any{"limit": 10}
	s.EmptySearchPages(2, 2)
	var got []int
	for range 5 {
		p := search(t, s, body)
		got = append(got, len(p.Results))
		if p.Total != 30 || p.Paging == nil || p.Paging.Next.After != "10" {
			t.Fatalf("page %+v: want total 30 and a next page at 10", p)
		}
	}
	if want := []int{10, 0, 0, 10, 10}; !slices.Equal(got, want) {
		t.Errorf("results per search %v, want %v", got, want)
	}
	if n := s.EmptySearchPagesServed(); n != 2 {
		t.Errorf("served %d empty pages, want 2", n)
	}

	s.EmptySearchPages(1, -1)
	for range 3 {
		if p := search(t, s, body); len(p.Results) != 0 || p.Paging == nil {
			t.Fatalf("page %+v: want empty with a next page", p)
		}
	}
	s.ClearFaults()
	if p := search(t, s, body); len(p.Results) != 10 {
		t.Errorf("after ClearFaults: %d results, want 10", len(p.Results))
	}
}
