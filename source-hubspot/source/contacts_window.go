package source

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// searchWindow delivers every contact with lastmodifieddate in [start, end] and id above
// afterID. The first page runs alone (it tells the total). When much remains, the probes that
// choose how to read the rest go out at once: the window's highest id, to split the rest of the
// id space into ranges searched at once (sharing the client's search budget, so request latency
// overlaps), and, for a large incremental window, how many contacts lie above the first page
// and whether the list endpoint takes ids as cursors (denseBackfill). While they are out the
// window is paged on from where it is, so no search slot waits for a probe's answer; the plan
// starts from the last id those pages delivered.
func (cr *contactsReader) searchWindow(ctx context.Context, start, end time.Time, afterID string) error {
	w := window{start, end}
	seqPage := func(lastID string) error { return cr.progress(w.resume(lastID)) }
	lastID, more, total, err := cr.searchRange(ctx, cr.enc, w, afterID, "", 1, seqPage)
	if err != nil {
		return err
	}
	cr.emitEstimate(ctx, total)
	if total > hubspot.SearchCap {
		cr.alertCap(ctx, total, start, end)
	}
	if !more {
		return nil
	}
	remaining, k := total-cr.cfg.PageSize, cr.src.concurrency
	pr := &windowProbes{dense: !start.IsZero() && cr.denseCandidate(lastID, remaining),
		split: k > 1 && remaining > 4*k*cr.cfg.PageSize}
	if !pr.dense && !pr.split {
		_, _, _, err = cr.searchRange(ctx, cr.enc, w, lastID, "", 0, seqPage)
		return err
	}
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		pr.run(pctx, cr, w, lastID)
	}()
	before := cr.recordCount()
	for probing := true; more && probing; {
		select {
		case <-done:
			probing = false
		default:
			if lastID, more, _, err = cr.searchRange(ctx, cr.enc, w, lastID, "", 1, seqPage); err != nil {
				cancel()
				<-done
				return err
			}
		}
	}
	<-done
	if !more {
		return nil
	}
	if err := errors.Join(pr.errDense, pr.errSplit); err != nil {
		return err
	}
	delivered := cr.recordCount() - before // by the pages read while the probes were out
	if pr.above != nil {
		above := *pr.above
		above.Total -= delivered
		if done, err := cr.denseBackfill(ctx, w, lastID, remaining-delivered, &above, pr.list); done || err != nil {
			return err
		}
	}
	if ranges := splitIDs(lastID, pr.top, k); pr.split && remaining-delivered > 2*k*cr.cfg.PageSize && len(ranges) > 1 {
		return cr.searchRanges(ctx, w, ranges)
	}
	_, _, _, err = cr.searchRange(ctx, cr.enc, w, lastID, "", 0, seqPage)
	return err
}

// recordCount is how many contact records the read delivered so far.
func (cr *contactsReader) recordCount() int {
	cr.mu.Lock()
	defer cr.mu.Unlock()
	return cr.records
}

// windowProbes are the searches that choose how the rest of a window is read.
type windowProbes struct {
	dense, split bool          // which probes to send
	above        *hubspot.Page // contactsAbove the first page
	list         *listProbe    // the list probe from the first page (with dense)
	top          string        // the window's highest id ("" when none)
	errDense     error
	errSplit     error
}

// run sends the probes at once and waits for all: the search probes and, for a window that may
// be dense, the list probe (two list calls, from the general budget) that denseBackfill needs,
// so that no search waits for it.
func (p *windowProbes) run(ctx context.Context, cr *contactsReader, w window, afterID string) {
	ch := make(chan struct{}, 2)
	go func() {
		defer func() { ch <- struct{}{} }()
		if p.dense {
			p.above, p.errDense = cr.contactsAbove(ctx, afterID)
		}
	}()
	go func() {
		defer func() { ch <- struct{}{} }()
		if p.dense {
			p.list = cr.probeFrom(ctx, afterID)
		}
	}()
	if p.split {
		p.top, p.errSplit = cr.windowTop(ctx, w, afterID)
	}
	<-ch
	<-ch
}

// windowTop is the highest contact id of the window above afterID ("" when there is none).
func (cr *contactsReader) windowTop(ctx context.Context, w window, afterID string) (string, error) {
	p, err := cr.client.SearchContacts(ctx, hubspot.SearchRequest{
		Filters: windowFilters(w.start, w.end, afterID, ""), SortBy: "hs_object_id", Descending: true,
		Properties: []string{"hs_object_id"}, Limit: 1,
	})
	if err != nil {
		return "", fmt.Errorf("find the highest contact id of the window: %w", err)
	}
	return idOf(p), nil
}

// splitIDs cuts the ids in (afterID, top] into k ranges of equal id span; the last range has no
// upper bound, so a contact that shows up late is not left out. nil when the span is too small.
func splitIDs(afterID, top string, k int) []IDRange {
	lo, err1 := strconv.ParseUint(afterID, 10, 64)
	hi, err2 := strconv.ParseUint(top, 10, 64)
	if err1 != nil || err2 != nil || k < 2 || hi <= lo+uint64(k) {
		return nil
	}
	ranges := make([]IDRange, k)
	for i := range ranges {
		ranges[i].AfterID = strconv.FormatUint(lo+(hi-lo)/uint64(k)*uint64(i), 10)
		if i > 0 {
			ranges[i-1].UpToID = ranges[i].AfterID
		}
	}
	return ranges
}
