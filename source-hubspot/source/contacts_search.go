package source

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/sync/errgroup"

	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// windowFilters selects lastmodifieddate in [start, end] (either zero: unbounded) and ids in
// (afterID, upToID] (each bound only when set).
func windowFilters(start, end time.Time, afterID, upToID string) []hubspot.Filter {
	f := make([]hubspot.Filter, 0, 4)
	if !start.IsZero() {
		f = append(f, hubspot.Filter{PropertyName: contactsCursor, Operator: "GTE", Value: strconv.FormatInt(start.UnixMilli(), 10)})
	}
	if !end.IsZero() {
		f = append(f, hubspot.Filter{PropertyName: contactsCursor, Operator: "LTE", Value: strconv.FormatInt(end.UnixMilli(), 10)})
	}
	if afterID != "" {
		f = append(f, hubspot.Filter{PropertyName: "hs_object_id", Operator: "GT", Value: afterID})
	}
	if upToID != "" {
		f = append(f, hubspot.Filter{PropertyName: "hs_object_id", Operator: "LTE", Value: upToID})
	}
	return f
}

// window is one lastmodifieddate window being searched.
type window struct{ start, end time.Time }

func (w window) resume(afterID string) *Resume {
	return &Resume{Method: methodSearch, Start: w.start, End: w.end, AfterID: afterID}
}

// searchCursor pages the contacts of a window with an id in (afterID, upToID] (upToID ""
// is unbounded), in id order. Every page is its own query, "id greater than the last id
// delivered", sorted by id, never a numeric offset: HubSpot evaluates each page against the live
// index, so when contacts already delivered are modified meanwhile (and leave the window) an
// offset would shift and skip as many untouched contacts, while an id floor cannot. It costs no
// extra call, and no query ever pages towards the 10,000-result cap, so ranges of any size, and
// any number of contacts sharing one millisecond, come through in full. Only a page without
// paging.next ends the range: a short page that says more is paged on from its last id, and an
// empty one that says more is an error, never the end. Not safe for concurrent use.
type searchCursor struct {
	client *hubspot.Client
	w      window
	upTo   string
	names  []string
	limit  int

	last  string // the last id delivered: the floor of the next page
	total int    // the first page's total (-1 before it)
	done  bool   // a page without paging.next was read
}

// newSearchCursor starts a cursor over the contacts of w with an id in r, asking for names,
// limit a page.
func newSearchCursor(c *hubspot.Client, w window, r IDRange, names []string, limit int) *searchCursor {
	return &searchCursor{client: c, w: w, upTo: r.UpToID, names: names, limit: limit, last: r.AfterID, total: -1}
}

// next reads the next page; call it only while the cursor is not done. A page it returns is
// checked (its ids lie above the last page's) and moves the cursor past it.
func (c *searchCursor) next(ctx context.Context) (*hubspot.Page, error) {
	p, err := c.client.SearchContacts(ctx, hubspot.SearchRequest{
		Filters: windowFilters(c.w.start, c.w.end, c.last, c.upTo), SortBy: "hs_object_id",
		Properties: c.names, Limit: c.limit,
	})
	if err != nil {
		return nil, fmt.Errorf("search contacts modified in [%s, %s] with id in (%s, %s]: %w",
			stream.FormatTime(c.w.start), stream.FormatTime(c.w.end), c.last, c.upTo, err)
	}
	if c.total < 0 {
		c.total = p.Total
	}
	n := len(p.Results)
	switch {
	case n > 0 && !idAbove(p.Results[n-1].ID, c.last):
		// HubSpot ignored the id filter or the sort: paging on would loop over the same page.
		return nil, fmt.Errorf("search for contacts after id %q answered id %q, which is not above it",
			c.last, p.Results[n-1].ID)
	case n == 0 && p.NextAfter != "":
		// More follow, but the id floor cannot move: never end the range here (the client
		// asks again for such a page and fails when HubSpot keeps answering it).
		return nil, fmt.Errorf("search for contacts after id %q answered no contact while saying more follow", c.last)
	case n > 0:
		c.last = p.Results[n-1].ID
	}
	c.done = p.NextAfter == ""
	return p, nil
}

// lastID is the last id delivered ("" or the range's start before any).
func (c *searchCursor) lastID() string { return c.last }

// finished reports whether the range is read in full.
func (c *searchCursor) finished() bool { return c.done }

// rest is the part of the range not read yet.
func (c *searchCursor) rest() IDRange { return IDRange{AfterID: c.last, UpToID: c.upTo} }

// idOf is the id of a one-result page's contact ("" when it has none).
func idOf(p *hubspot.Page) string {
	if len(p.Results) == 0 {
		return ""
	}
	return p.Results[0].ID
}

// idAbove reports whether contact id a is numerically above b ("" is below every id).
func idAbove(a, b string) bool {
	x, err := strconv.ParseUint(a, 10, 64)
	if err != nil {
		return false
	}
	if b == "" {
		return true
	}
	y, err := strconv.ParseUint(b, 10, 64)
	return err == nil && x > y
}

// searchRanges searches the id ranges at once, one goroutine each with its own encoder; the
// first error cancels the others and is the one returned. Each STATE lists every unfinished
// range from the last id it delivered, so a run killed at any moment resumes every range where
// it stopped.
func (cr *contactsReader) searchRanges(ctx context.Context, w window, ranges []IDRange) error {
	prog := &rangeProgress{out: cr.contactsOut, w: w, ranges: append([]IDRange(nil), ranges...), done: make([]bool, len(ranges))}
	zerolog.Ctx(ctx).Debug().Int("ranges", len(ranges)).Msg("searching the window in id ranges at once")
	// The group returns the first error in time: the ranges it cancels fail after it, with
	// cancellations that must not be what the stream reports.
	g, ctx := errgroup.WithContext(ctx)
	for i, r := range ranges {
		g.Go(func() error {
			enc := cr.enc.clone()
			defer cr.mergeBad(enc)
			cur := newSearchCursor(cr.Client, w, r, enc.names, cr.cfg.PageSize)
			for !cur.finished() {
				p, err := cur.next(ctx)
				if err != nil {
					return err
				}
				if err := cr.emitWindowPage(ctx, enc, p, w.start); err != nil {
					return err
				}
				if err := prog.moved(i, cur.lastID(), false); err != nil {
					return err
				}
			}
			return prog.moved(i, "", true)
		})
	}
	return g.Wait()
}

// rangeProgress tracks the ranges of a window searched at once and checkpoints their resume
// point. Safe for concurrent use.
type rangeProgress struct {
	out *contactsOut
	w   window

	mu     sync.Mutex // guards what follows and orders the resume points handed to out
	ranges []IDRange  // AfterID advances to the last id delivered
	done   []bool
}

// moved records range i's progress (its last id delivered, or that it is done) and
// checkpoints when due.
func (p *rangeProgress) moved(i int, lastID string, done bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if lastID != "" {
		p.ranges[i].AfterID = lastID
	}
	p.done[i] = p.done[i] || done
	res := p.resume()
	if res == nil {
		return nil // the window is finished; its final STATE follows
	}
	return p.out.progress(res)
}

// resume is the resume point of the unfinished ranges (nil when all are done; p.mu held).
func (p *rangeProgress) resume() *Resume {
	var open []IDRange
	for i, r := range p.ranges {
		if !p.done[i] {
			open = append(open, r)
		}
	}
	if len(open) == 0 {
		return nil
	}
	res := p.w.resume(open[0].AfterID)
	res.Ranges = open
	return res
}
