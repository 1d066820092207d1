package source

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/sync/errgroup"

	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
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

// pageFunc is told the last id of every page a range search delivered.
type pageFunc func(lastID string) error

// searchRange delivers every contact of the window with an id in (afterID, upToID] (upToID ""
// is unbounded), in id order, with enc. Every page is its own query, "id greater than the last
// id delivered", sorted by id, never a numeric offset: HubSpot evaluates each page against the
// live index, so when contacts already delivered are modified meanwhile (and leave the window)
// an offset would shift and skip as many untouched contacts, while an id floor cannot. It costs
// no extra call, and no query ever pages towards the 10,000-result cap, so ranges of any size,
// and any number of contacts sharing one millisecond, come through in full. Only a page without
// paging.next ends the range: a short page that says more is paged on from its last id, and an
// empty one that says more is an error, never the end. maxPages > 0 stops after that many
// pages (returning the last id and whether more remain).
func (cr *contactsReader) searchRange(ctx context.Context, enc *contactEncoder, w window, afterID, upToID string,
	maxPages int, onPage pageFunc) (lastID string, more bool, total int, err error) {
	lastID, total = afterID, -1
	for pages := 1; ; pages++ {
		p, err := cr.client.SearchContacts(ctx, hubspot.SearchRequest{
			Filters: windowFilters(w.start, w.end, lastID, upToID), SortBy: "hs_object_id",
			Properties: enc.names, Limit: cr.cfg.PageSize,
		})
		if err != nil {
			return lastID, true, total, fmt.Errorf("search contacts modified in [%s, %s] with id in (%s, %s]: %w",
				formatTime(w.start), formatTime(w.end), lastID, upToID, err)
		}
		if total < 0 {
			total = p.Total
		}
		n := len(p.Results)
		if n > 0 && !idAbove(p.Results[n-1].ID, lastID) {
			// HubSpot ignored the id filter or the sort: paging on would loop over the same page.
			return lastID, true, total, fmt.Errorf("search for contacts after id %q answered id %q, which is not above it",
				lastID, p.Results[n-1].ID)
		}
		if err := cr.emitWindowPage(ctx, enc, p, w.start); err != nil {
			return lastID, true, total, err
		}
		if p.NextAfter == "" {
			if n > 0 {
				lastID = p.Results[n-1].ID
			}
			return lastID, false, total, onPage(lastID)
		}
		if n == 0 {
			// More follow, but the id floor cannot move: never end the range here (the client
			// asks again for such a page and fails when HubSpot keeps answering it).
			return lastID, true, total, fmt.Errorf("search for contacts after id %q answered no contact while saying more follow", lastID)
		}
		lastID = p.Results[n-1].ID
		if err := onPage(lastID); err != nil {
			return lastID, true, total, err
		}
		if maxPages > 0 && pages >= maxPages {
			return lastID, true, total, nil
		}
	}
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
// first error cancels the others and is the one returned. Each STATE lists every unfinished range from the last id it
// delivered, so a run killed at any moment resumes every range where it stopped.
func (cr *contactsReader) searchRanges(ctx context.Context, w window, ranges []IDRange) error {
	prog := &rangeProgress{ranges: append([]IDRange(nil), ranges...), done: make([]bool, len(ranges))}
	zerolog.Ctx(ctx).Debug().Int("ranges", len(ranges)).Msg("searching the window in id ranges at once")
	// The group returns the first error in time: the ranges it cancels fail after it, with
	// cancellations that must not be what the stream reports.
	g, ctx := errgroup.WithContext(ctx)
	for i, r := range ranges {
		g.Go(func() error {
			enc := cr.enc.clone()
			defer cr.mergeBad(enc)
			_, _, _, err := cr.searchRange(ctx, enc, w, r.AfterID, r.UpToID, 0, func(lastID string) error {
				return cr.rangeProgressed(prog, w, i, lastID, false)
			})
			if err != nil {
				return err
			}
			return cr.rangeProgressed(prog, w, i, "", true)
		})
	}
	return g.Wait()
}

// rangeProgress tracks concurrent ranges; guarded by contactsReader.mu.
type rangeProgress struct {
	ranges []IDRange // AfterID advances to the last id delivered
	done   []bool
}

// resume is the resume point of the unfinished ranges (nil when all are done).
func (p *rangeProgress) resume(w window) *Resume {
	var open []IDRange
	for i, r := range p.ranges {
		if !p.done[i] {
			open = append(open, r)
		}
	}
	if len(open) == 0 {
		return nil
	}
	res := w.resume(open[0].AfterID)
	res.Ranges = open
	return res
}

// rangeProgressed records a range's progress and checkpoints when due.
func (cr *contactsReader) rangeProgressed(p *rangeProgress, w window, i int, lastID string, done bool) error {
	cr.mu.Lock()
	defer cr.mu.Unlock()
	if lastID != "" {
		p.ranges[i].AfterID = lastID
	}
	p.done[i] = p.done[i] || done
	res := p.resume(w)
	if res == nil {
		return nil // the window is finished; its final STATE follows
	}
	return cr.progressLocked(res)
}
