package hubspot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
)

// TestSearchAsksAgainForAnEmptyPageThatSaysMore: a search answered with no results and a next
// page is sent again after a backoff; the first consistent answer is the page, and when every
// attempt is answered so the search fails with an *InconsistentPageError, never an empty page.
func TestSearchAsksAgainForAnEmptyPageThatSaysMore(t *testing.T) {
	const empty = `{"total":2000,"results":[],"paging":{"next":{"after":"200"}}}`
	for _, tc := range []struct {
		name    string
		empties int32 // answers before a page with results
		wantErr bool
	}{
		{"once", 1, false},
		{"twice", 2, false},
		{"persists", 100, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			c, rec := testClient(t, func(w http.ResponseWriter, r *http.Request) {
				if calls.Add(1) <= tc.empties {
					fmt.Fprint(w, empty)
					return
				}
				fmt.Fprint(w, `{"total":2000,"results":[{"id":"201","properties":{}}],"paging":{"next":{"after":"1"}}}`)
			}, static)
			p, err := c.SearchContacts(context.Background(), SearchRequest{Limit: 1})
			var ie *InconsistentPageError
			switch {
			case tc.wantErr && !errors.As(err, &ie):
				t.Fatalf("got %+v, %v; want an *InconsistentPageError", p, err)
			case tc.wantErr:
				if ie.Attempts != 6 || int(calls.Load()) != 6 || ie.Total != 2000 || ie.NextAfter != "200" {
					t.Errorf("error %+v after %d calls; want 6 attempts (the retry policy's) with the answer's total and token", ie, calls.Load())
				}
			case err != nil || len(p.Results) != 1:
				t.Fatalf("got %+v, %v; want the page with results", p, err)
			}
			if want := min(int(tc.empties), 5); len(rec.Waits()) != want {
				t.Errorf("%d waits, want %d (one before each new attempt)", len(rec.Waits()), want)
			}
		})
	}
}

// TestSearchEndsOnAnEmptyLastPage: an empty page without a next page is the end, not an error.
func TestSearchEndsOnAnEmptyLastPage(t *testing.T) {
	c, rec := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"total":0,"results":[]}`)
	}, static)
	p, err := c.SearchContacts(context.Background(), SearchRequest{Limit: 1})
	if err != nil || len(p.Results) != 0 || p.NextAfter != "" || len(rec.Waits()) != 0 {
		t.Errorf("got %+v, %v, waits %v; want the empty last page at once", p, err, rec.Waits())
	}
}
