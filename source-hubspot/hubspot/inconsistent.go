package hubspot

import (
	"context"
	"fmt"
	"net/http"
)

// InconsistentPageError is a search HubSpot kept answering with a page that holds no result but
// says, in paging.next.after, that more follow. Every search the client sends is a first page
// (it sends no offset), so such a page is the search index answering from an inconsistent state,
// not the end of the results: ending a read there would skip every result after it, silently.
// Waiting and reading again (a later run) is the remedy.
type InconsistentPageError struct {
	// Method and Path name the request.
	Method, Path string
	// Attempts is how many times the same request was sent and answered so.
	Attempts int
	// Total is the match count the last answer gave (-1 when it gave none).
	Total int
	// NextAfter is the paging token the last answer offered.
	NextAfter string
}

// Error describes the answers.
func (e *InconsistentPageError) Error() string {
	return fmt.Sprintf("hubspot %s %s answered %d times with no results while paging.next.after (%q) said more follow (total %d)",
		e.Method, e.Path, e.Attempts, e.NextAfter, e.Total)
}

// searchPage sends one search request and returns its page. An empty page that says more follow
// (see InconsistentPageError) is asked for again after the retry policy's backoff, up to its
// MaxAttempts; if HubSpot keeps answering so, the result is an *InconsistentPageError. HubSpot
// has been seen answering searches this way (Airbyte's HubSpot source changed its paging for it
// in 2026: https://github.com/airbytehq/airbyte/pull/80745).
func (c *Client) searchPage(ctx context.Context, body any) (*Page, error) {
	for attempt := 1; ; attempt++ {
		p, err := c.contactsPage(ctx, http.MethodPost, c.paths.search, nil, body)
		if err != nil || len(p.Results) > 0 || p.NextAfter == "" {
			return p, err
		}
		if attempt >= c.attempts {
			return nil, &InconsistentPageError{Method: http.MethodPost, Path: c.paths.search, Attempts: attempt,
				Total: p.Total, NextAfter: p.NextAfter}
		}
		if err := c.sleep(ctx, c.backoff(attempt)); err != nil {
			return nil, err
		}
	}
}
