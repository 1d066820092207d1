package source

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/sync/errgroup"

	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// A backfill reads a window with no lower date bound (a first sync without start_date, or a full
// refresh), or an incremental window of denseWindowMin or more contacts dense enough among the
// contacts above its first page that listing them pays (listPays, plan.go), with HubSpot's two
// budgets at once. Search has its own budget (5 calls/s of 200 contacts); the list endpoint is
// paid from the general one (100 to 250 calls per 10 s by tier, 100 contacts each). Search
// workers take chunks of ids from the top of the id space, list workers from the bottom, both
// from one shared queue of unread id ranges, so they meet wherever their speeds make them meet,
// with no gap (every range is claimed by one worker and read in full, in id order) and no
// duplicate (no id is in two ranges). Each STATE lists the unread ranges (claimed ones from the
// last id delivered), so a killed run resumes every range.
//
// Neither method has an upper date bound: search pages by id (and, for an incremental window,
// lastmodifieddate at or after the window start) and list has no date filter (its answers below
// the window start are dropped), so a contact modified while the backfill runs stays in the
// result set and is read exactly once, with the values it had when its page was read. The
// watermark the finished backfill saves is still the run's window end (the run start minus the
// index lag), not the newest lastmodifieddate seen nor the time the backfill finished: a contact
// modified after its page was read, or whose change the search index did not show yet, was
// delivered with older values, and only a next window starting at or before its change
// (watermark - lookback) reads it again. Saving a later bound would lose those changes.

// backfill is one window read by both methods. It takes from the reader what it reads with
// (client, page size, search workers), the encoder its workers clone, and the stream's output.
type backfill struct {
	client    *hubspot.Client
	out       *contactsOut
	emit      func(ctx context.Context, enc *contactEncoder, p *hubspot.Page) error // delivers a page's records
	pageSize  int
	searchers int       // search workers
	start     time.Time // the window's lower date bound (zero: every contact)
	end       time.Time // the window end saved as the watermark and in resume points
	mode      afterMode
	hi        uint64 // the highest contact id when the backfill started (the top chunk is unbounded)
	listers   int    // list workers
	step      chunkSteps

	mu         sync.Mutex       // guards what follows and orders the resume points handed to out
	pending    []IDRange        // unclaimed ranges, ascending and disjoint
	active     map[int]*IDRange // claimed ranges, AfterID at the last id delivered
	nextKey    int
	listHalted bool // the daily reserve was reached
	reads      struct{ list, search int }
}

// newBackfill is a backfill of the ranges of w, with no list workers until it is started.
func (cr *contactsReader) newBackfill(w window, ranges []IDRange) *backfill {
	emit := func(ctx context.Context, enc *contactEncoder, p *hubspot.Page) error {
		return cr.emitWindowPage(ctx, enc, p, w.start)
	}
	return &backfill{client: cr.Client, out: cr.contactsOut, emit: emit, pageSize: cr.cfg.PageSize,
		searchers: cr.SearchConcurrency, start: w.start, end: w.end,
		pending: slices.Clone(ranges), active: map[int]*IDRange{}, listHalted: true}
}

// startBackfill runs the backfill of ranges of window w, which holds about windowCount of the
// top.Total contacts above the first range's start (top is the one-result search for the
// highest of them). probe is the list probe when it was sent already (from an id at or below
// that start); else it is sent first. It reads nothing and returns false when the list endpoint
// cannot start at chosen ids (or there is no contact), so the caller reads the window another way.
func (cr *contactsReader) startBackfill(ctx context.Context, w window, ranges []IDRange, top *hubspot.Page,
	windowCount int, probe *listProbe) (bool, error) {
	from, _ := strconv.ParseUint(ranges[0].AfterID, 10, 64)
	if probe == nil {
		probe = probeList(ctx, cr.Client, from)
	}
	if probe.err != nil {
		return false, probe.err
	}
	hi, _ := strconv.ParseUint(idOf(top), 10, 64)
	if probe.mode == listOpaque || hi == 0 {
		return false, nil
	}
	bf := cr.newBackfill(w, ranges)
	bf.mode, bf.hi, bf.listHalted = probe.mode, hi, false
	// No contact lies between the first unread id and the first id the list answered above it.
	if probe.first > from+1 {
		bf.pending[0].AfterID = strconv.FormatUint(probe.first-1, 10)
	}
	lo, _ := strconv.ParseUint(bf.pending[0].AfterID, 10, 64)
	bf.step = stepsFor(lo, hi, top.Total, windowCount)
	return true, bf.run(ctx, listWorkers(cr.Client.Limits().Other))
}

// searchBackfillRanges finishes a backfill's ranges by search alone, keeping its resume points
// in the backfill's shape.
func (cr *contactsReader) searchBackfillRanges(ctx context.Context, w window, ranges []IDRange) error {
	return cr.newBackfill(w, ranges).run(ctx, 0) // step 0: each worker searches a whole range
}

// run reads every range with the search workers and nl list workers (none once the list is
// halted).
func (bf *backfill) run(ctx context.Context, nl int) error {
	ns := bf.searchers
	if bf.listHalted {
		nl = 0
	}
	bf.listers = nl
	zerolog.Ctx(ctx).Info().Int("list_cursors", nl).Int("search_cursors", ns).
		Msg("backfill: reading contacts by search from the top of the id space and by list from the bottom")
	// A list worker that reaches the daily reserve hands its rest back, maybe after every search
	// worker ran out of work: then a search-only round reads what is left.
	for {
		if err := bf.round(ctx, nl, ns); err != nil {
			return err
		}
		bf.mu.Lock()
		left := len(bf.pending)
		bf.mu.Unlock()
		if left == 0 {
			break
		}
		nl = 0
	}
	zerolog.Ctx(ctx).Info().Int("list_chunks", bf.reads.list).Int("search_chunks", bf.reads.search).Msg("backfill done")
	return nil
}

// round runs nl list and ns search workers until none finds work; the first error cancels the
// others and is the one returned.
func (bf *backfill) round(ctx context.Context, nl, ns int) error {
	g, ctx := errgroup.WithContext(ctx)
	for i := range nl + ns {
		g.Go(func() error { return bf.work(ctx, i < nl) })
	}
	return g.Wait()
}

// rangeCursor reads one claimed range page by page: a searchCursor or a listCursor.
type rangeCursor interface {
	next(ctx context.Context) (*hubspot.Page, error)
	lastID() string
	finished() bool
	rest() IDRange
}

// work claims and reads chunks until none is left.
func (bf *backfill) work(ctx context.Context, list bool) error {
	enc := bf.out.enc.clone()
	defer bf.out.mergeBad(enc)
	for {
		key, r, ok := bf.claim(list)
		if !ok {
			return nil
		}
		var cur rangeCursor = newSearchCursor(bf.client, window{start: bf.start}, r, enc.names, bf.pageSize)
		if list {
			lc, err := newListCursor(bf.client, bf.mode, r, enc.names, bf.start)
			if err != nil {
				return err
			}
			cur = lc
		}
		for !cur.finished() {
			if list && bf.dailyLow(ctx) {
				bf.handBack(key, cur.rest())
				return nil
			}
			p, err := cur.next(ctx)
			if err != nil {
				return err
			}
			if err := bf.emit(ctx, enc, p); err != nil {
				return err
			}
			if err := bf.progressed(key, cur.lastID()); err != nil {
				return err
			}
		}
		bf.finished(key)
	}
}

// claim takes a chunk: list workers from the bottom of the lowest unread range, search workers
// from the top of the highest. ok is false when nothing is left for this kind of worker.
func (bf *backfill) claim(list bool) (key int, r IDRange, ok bool) {
	bf.mu.Lock()
	defer bf.mu.Unlock()
	if len(bf.pending) == 0 || list && bf.listHalted {
		return 0, r, false
	}
	if list {
		r = bf.takeBottom()
		bf.reads.list++
	} else {
		r = bf.takeTop()
		bf.reads.search++
	}
	key = bf.nextKey
	bf.nextKey++
	bf.active[key] = &IDRange{AfterID: r.AfterID, UpToID: r.UpToID}
	return key, r, true
}

// takeBottom takes a list worker's chunk off the bottom of the lowest unread range. Caller holds
// mu and has checked that a range is pending.
func (bf *backfill) takeBottom() IDRange {
	chunk, rest, cut := cutBottom(bf.pending[0], bf.step.list, bf.hi)
	if cut {
		bf.pending[0] = rest
	} else {
		bf.pending = bf.pending[1:]
	}
	return chunk
}

// takeTop takes a search worker's chunk off the top of the highest unread range. Caller holds mu
// and has checked that a range is pending.
func (bf *backfill) takeTop() IDRange {
	last := len(bf.pending) - 1
	chunk, rest, cut := cutTop(bf.pending[last], bf.step.search, bf.hi)
	if cut {
		bf.pending[last] = rest
	} else {
		bf.pending = bf.pending[:last]
	}
	return chunk
}

// dailyLow reports (and latches) that the account's daily limit is down to the reserve.
func (bf *backfill) dailyLow(ctx context.Context) bool {
	left, limit, known := bf.client.DailyRemaining()
	// The other list workers may each have a call in flight that the count does not show yet.
	low := known && belowReserve(left, limit, bf.listers)
	bf.mu.Lock()
	defer bf.mu.Unlock()
	if low && !bf.listHalted {
		bf.listHalted = true
		zerolog.Ctx(ctx).Warn().Int("daily_remaining", left).Int("daily_limit", limit).
			Msg("HubSpot's daily limit is nearly used up: the rest of the backfill is read by search alone")
	}
	return bf.listHalted
}

// handBack returns a list worker's unread rest to the bottom of the queue for search.
func (bf *backfill) handBack(key int, rest IDRange) {
	bf.mu.Lock()
	defer bf.mu.Unlock()
	delete(bf.active, key)
	bf.pending = append([]IDRange{rest}, bf.pending...)
}

// finished drops a chunk read in full.
func (bf *backfill) finished(key int) {
	bf.mu.Lock()
	defer bf.mu.Unlock()
	delete(bf.active, key)
}

// progressed moves a chunk's resume point and checkpoints when due.
func (bf *backfill) progressed(key int, lastID string) error {
	bf.mu.Lock()
	defer bf.mu.Unlock()
	if a := bf.active[key]; a != nil && lastID != "" && idAbove(lastID, a.AfterID) {
		a.AfterID = lastID
	}
	return bf.out.progress(bf.resume())
}

// resume is the resume point: every unread range, ascending (bf.mu held).
func (bf *backfill) resume() *Resume {
	open := slices.Clone(bf.pending)
	for _, a := range bf.active {
		open = append(open, *a)
	}
	slices.SortFunc(open, func(a, b IDRange) int {
		x, _ := strconv.ParseUint(a.AfterID, 10, 64)
		y, _ := strconv.ParseUint(b.AfterID, 10, 64)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	})
	return &Resume{Method: methodBackfill, Start: bf.start, End: bf.end, Ranges: open}
}
