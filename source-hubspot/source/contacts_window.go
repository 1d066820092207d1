package source

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// searchWindow delivers every contact with lastmodifieddate in [start, end] and id above
// afterID. The first page runs alone (it tells the total). When much remains, the probes that
// choose how to read the rest go out at once (probesFor): the window's highest id, to split the
// rest of the id space into ranges searched at once (sharing the client's search budget, so
// request latency overlaps), and, for a large incremental window, how many contacts lie above
// the first page and whether the list endpoint takes ids as cursors (denseBackfill). While they
// are out the window is paged on from where it is, so no search slot waits for a probe's answer;
// the plan starts from the last id those pages delivered.
func (cr *contactsReader) searchWindow(ctx context.Context, start, end time.Time, afterID string) error {
	w := window{start, end}
	cur := newSearchCursor(cr.Client, w, IDRange{AfterID: afterID}, cr.enc.names, cr.cfg.PageSize)
	if err := cr.windowPage(ctx, cur); err != nil {
		return err
	}
	total := cur.total
	cr.emitEstimate(ctx, total)
	if total > hubspot.SearchCap {
		cr.alertCap(ctx, total, start, end)
	}
	if cur.finished() {
		return nil
	}
	remaining, k := total-cr.cfg.PageSize, cr.SearchConcurrency
	pr := &windowAnswers{windowProbes: probesFor(!start.IsZero(), cur.lastID(), remaining, k, cr.cfg.PageSize,
		listFits(cr.enc.names), cr.Backfills)}
	if !pr.dense && !pr.split {
		return cr.windowRest(ctx, cur)
	}
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		pr.probe(pctx, cr.Client, w, cur.lastID())
	}()
	before := cr.recordCount()
	for probing := true; probing && !cur.finished(); {
		select {
		case <-done:
			probing = false
		default:
			if err := cr.windowPage(ctx, cur); err != nil {
				cancel()
				<-done
				return err
			}
		}
	}
	<-done
	if cur.finished() {
		return nil
	}
	if err := errors.Join(pr.errDense, pr.errSplit); err != nil {
		return err
	}
	delivered := cr.recordCount() - before // by the pages read while the probes were out
	lastID := cur.lastID()
	if pr.above != nil {
		above := *pr.above
		above.Total -= delivered
		if done, err := cr.denseBackfill(ctx, w, lastID, remaining-delivered, &above, pr.list); done || err != nil {
			return err
		}
	}
	if ranges := splitIDs(lastID, pr.top, k); pr.split && rangesPay(remaining-delivered, k, cr.cfg.PageSize) && len(ranges) > 1 {
		return cr.searchRanges(ctx, w, ranges)
	}
	return cr.windowRest(ctx, cur)
}

// windowPage reads and delivers the next page of a window searched page after page, and notes
// where the window resumes after it.
func (cr *contactsReader) windowPage(ctx context.Context, cur *searchCursor) error {
	p, err := cur.next(ctx)
	if err != nil {
		return err
	}
	if err := cr.emitWindowPage(ctx, cr.enc, p, cur.w.start); err != nil {
		return err
	}
	return cr.progress(cur.w.resume(cur.lastID()))
}

// windowRest reads the rest of a window page after page.
func (cr *contactsReader) windowRest(ctx context.Context, cur *searchCursor) error {
	for !cur.finished() {
		if err := cr.windowPage(ctx, cur); err != nil {
			return err
		}
	}
	return nil
}

// windowAnswers are the answers of a window's probes.
type windowAnswers struct {
	windowProbes               // which probes to send
	above        *hubspot.Page // contactsAbove the first page
	list         *listProbe    // the list probe from the first page (with dense)
	top          string        // the window's highest id ("" when none)
	errDense     error
	errSplit     error
}

// probe sends the probes at once and waits for all: the search probes and, for a window that may
// be dense, the list probe (two list calls, from the general budget) that denseBackfill needs,
// so that no search waits for it.
func (p *windowAnswers) probe(ctx context.Context, c *hubspot.Client, w window, afterID string) {
	var wg sync.WaitGroup
	if p.dense {
		wg.Go(func() { p.above, p.errDense = contactsAbove(ctx, c, afterID) })
		wg.Go(func() {
			from, _ := strconv.ParseUint(afterID, 10, 64)
			p.list = probeList(ctx, c, from)
		})
	}
	if p.split {
		p.top, p.errSplit = windowTop(ctx, c, w, afterID)
	}
	wg.Wait()
}

// windowTop is the highest contact id of the window above afterID ("" when there is none).
func windowTop(ctx context.Context, c *hubspot.Client, w window, afterID string) (string, error) {
	p, err := c.SearchContacts(ctx, hubspot.SearchRequest{
		Filters: windowFilters(w.start, w.end, afterID, ""), SortBy: "hs_object_id", Descending: true,
		Properties: []string{"hs_object_id"}, Limit: 1,
	})
	if err != nil {
		return "", fmt.Errorf("find the highest contact id of the window: %w", err)
	}
	return idOf(p), nil
}

// contactsAbove is a one-result search for the highest contact id above afterID, with no date
// filter: its total is every contact above afterID.
func contactsAbove(ctx context.Context, c *hubspot.Client, afterID string) (*hubspot.Page, error) {
	p, err := c.SearchContacts(ctx, hubspot.SearchRequest{
		Filters: windowFilters(time.Time{}, time.Time{}, afterID, ""), SortBy: "hs_object_id", Descending: true,
		Properties: []string{"hs_object_id"}, Limit: 1})
	if err != nil {
		return nil, fmt.Errorf("count the contacts above id %s: %w", afterID, err)
	}
	return p, nil
}

// denseBackfill reads the rest of an incremental window (ids above afterID, remaining contacts
// of it; above is contactsAbove(afterID)) by a backfill when listPays. The share counts only the
// contacts the backfill would list, not all of them: a window of the newest contacts (a bulk
// import, a sync after a campaign) is dense above its first page however many older contacts
// there are. probe is the list probe, sent with the window's other probes. done is false when
// the list does not pay (the caller searches on).
func (cr *contactsReader) denseBackfill(ctx context.Context, w window, afterID string, remaining int, above *hubspot.Page, probe *listProbe) (done bool, err error) {
	if !listPays(remaining, above.Total, budgetsOf(cr.Client)) {
		return false, nil
	}
	zerolog.Ctx(ctx).Info().Int("window", remaining).Int("contacts", above.Total).
		Msg("the list would add enough of the window's contacts to the search's: reading it by search and list at once")
	ranges := []IDRange{{AfterID: afterID}}
	started, err := cr.startBackfill(ctx, w, ranges, above, remaining, probe)
	if err != nil || started {
		return true, err
	}
	// The list cannot start at chosen ids: the rest is searched, with resume points in the
	// backfill's shape.
	return true, cr.searchBackfillRanges(ctx, w, ranges)
}

// budgetsOf is what the client knows of its budgets now.
func budgetsOf(c *hubspot.Client) budgets {
	left, _, known := c.DailyRemaining()
	return budgets{limits: c.Limits(), dailyLeft: left, dailyKnown: known}
}
