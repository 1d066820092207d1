package source

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/time/rate"

	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// A backfill reads a window with no lower date bound (a first sync without start_date, or a full
// refresh), or an incremental window of denseWindowMin or more contacts dense enough among the
// contacts above its first page that listing them pays (listPays, backfill_dense.go), with
// HubSpot's two budgets at once. Search has its own budget (5 calls/s of 200
// contacts); the list endpoint is paid from the general one (100 to 250 calls per 10 s by tier,
// 100 contacts each). Search workers take chunks of ids from the top of the id space, list
// workers from the bottom, both from one shared queue of unread id ranges, so they meet wherever
// their speeds make them meet, with no gap (every range is claimed by one worker and read in
// full, in id order) and no duplicate (no id is in two ranges). Each STATE lists the unread
// ranges (claimed ones from the last id delivered), so a killed run resumes every range.
//
// Neither method has an upper date bound: search pages by id (and, for an incremental window,
// lastmodifieddate at or after the window start) and list has no date filter (its answers below
// the window start are dropped), so a contact modified while the backfill runs stays in the
// result set and is read
// exactly once, with the values it had when its page was read. The watermark the finished
// backfill saves is still the run's window end (the run start minus the index lag), not the
// newest lastmodifieddate seen nor the time the backfill finished: a contact modified after its
// page was read, or whose change the search index did not show yet, was delivered with older
// values, and only a next window starting at or before its change (watermark - lookback) reads
// it again. Saving a later bound would lose those changes.
const (
	// backfillMinContacts is the smallest window worth the two list probe calls; smaller ones
	// are searched alone.
	backfillMinContacts = 2000
	// searchChunkContacts and listChunkContacts size one claimed chunk (three pages each): small
	// enough that the last chunks read leave little tail, large enough that few are claimed.
	searchChunkContacts = 3 * hubspot.MaxSearchLimit
	listChunkContacts   = 3 * hubspot.MaxListLimit
	// searchChunkFill is the share of searchChunkContacts a search chunk is sized for: the
	// window's contacts are not spread evenly over the ids, and a chunk holding a few more than
	// three pages costs a fourth call for them.
	searchChunkFill = 0.95
	// denseWindowMin is the fewest contacts left in an incremental window after its first page
	// for a backfill, when listing the contacts above that page also pays (listPays). Below it
	// the probes (one search, two list calls) cost about what the list saves.
	denseWindowMin = 4000
	// maxListCursors bounds the list workers; each keeps one call in flight.
	maxListCursors = 16
	// dailyReserve is the share of the account's daily limit the backfill leaves to other apps
	// and later runs: below it, list workers hand their ranges to search.
	dailyReserve = 0.10
)

// backfill is one window read by both methods.
type backfill struct {
	cr      *contactsReader
	start   time.Time // the window's lower date bound (zero: every contact)
	end     time.Time // the window end saved as the watermark and in resume points
	cursor  listCursor
	hi      uint64 // the highest contact id when the backfill started (the top chunk is unbounded)
	listers int    // list workers
	step    struct{ search, list uint64 }

	// guarded by cr.mu
	pending    []IDRange        // unclaimed ranges, ascending and disjoint
	active     map[int]*IDRange // claimed ranges, AfterID at the last id delivered
	nextKey    int
	listHalted bool // the daily reserve was reached
	reads      struct{ list, search int }
}

// search is the search window of a backfill's chunks: no upper date bound (see above).
func (bf *backfill) search() window { return window{start: bf.start} }

// backfillWindow reads every contact up to end with both budgets when the list endpoint honours
// ids as cursors, and by search alone otherwise. ranges is a resumed backfill's unread ranges
// (nil to start from the beginning).
// alone reads a fresh window by one method (search, or list for a full refresh) when it is too
// small for a backfill or the list cannot start at chosen ids. w.start is the window's lower
// date bound (zero for a first sync), w.end its end, saved as the watermark.
func (cr *contactsReader) backfillWindow(ctx context.Context, w window, ranges []IDRange, alone func(context.Context) error) error {
	if ranges == nil && cr.src.noBackfill {
		return alone(ctx)
	}
	if !cr.listFits() {
		// The properties do not fit in a list URL: search alone.
		if ranges != nil {
			return cr.searchBackfillRanges(ctx, w, ranges)
		}
		return cr.searchWindow(ctx, w.start, w.end, "")
	}
	top, err := cr.topContact(ctx)
	if err != nil {
		return err
	}
	if w.start.IsZero() {
		cr.emitEstimate(ctx, top.Total)
	}
	return cr.startBackfill(ctx, w, ranges, top, top.Total, nil, alone)
}

// listFits reports whether the configured properties fit in a list URL.
func (cr *contactsReader) listFits() bool {
	return len(strings.Join(cr.enc.names, ","))+len(contactsCursor)+1 <= maxListPropertiesChars
}

// topContact is a one-result search for the highest contact id, with no filter: its total is
// every contact.
func (cr *contactsReader) topContact(ctx context.Context) (*hubspot.Page, error) {
	return cr.client.SearchContacts(ctx, hubspot.SearchRequest{SortBy: "hs_object_id", Descending: true,
		Properties: []string{"hs_object_id"}, Limit: 1})
}

// listProbe is what probeListAfter found.
type listProbe struct {
	mode  listCursor
	first uint64 // the lowest contact id above the id probed from
	err   error
}

// startBackfill runs the backfill of ranges (nil: every id) of window w, which holds about
// windowCount of the top.Total contacts above the first range's start. probe is the list probe
// when it was sent already (from an id at or below that start); else it is sent first.
func (cr *contactsReader) startBackfill(ctx context.Context, w window, ranges []IDRange, top *hubspot.Page,
	windowCount int, probe *listProbe, alone func(context.Context) error) error {
	end := w.end
	if ranges == nil {
		if top.Total < backfillMinContacts || len(top.Results) == 0 {
			return alone(ctx)
		}
		ranges = []IDRange{{AfterID: "0"}}
	}
	from, _ := strconv.ParseUint(ranges[0].AfterID, 10, 64)
	if probe == nil {
		probe = &listProbe{}
		probe.mode, probe.first, probe.err = cr.probeListAfter(ctx, from)
	}
	mode, first, err := probe.mode, probe.first, probe.err
	if err != nil {
		return err
	}
	hi, _ := strconv.ParseUint(idOf(top), 10, 64)
	if mode == listOpaque || hi == 0 {
		if ranges[0].AfterID == "0" && len(ranges) == 1 && ranges[0].UpToID == "" {
			return alone(ctx)
		}
		return cr.searchBackfillRanges(ctx, w, ranges)
	}
	bf := &backfill{cr: cr, start: w.start, end: end, cursor: mode, hi: hi, pending: slices.Clone(ranges), active: map[int]*IDRange{}}
	// No contact lies between the first unread id and the first id the list answered above it.
	if first > from+1 {
		bf.pending[0].AfterID = strconv.FormatUint(first-1, 10)
	}
	lo, _ := strconv.ParseUint(bf.pending[0].AfterID, 10, 64)
	span := float64(max(hi-min(lo, hi), 1))
	// List chunks hold listChunkContacts of any date; search chunks searchChunkContacts of the
	// window, a little under whole pages so that a chunk rarely needs one more, nearly empty page.
	perID, windowPerID := float64(max(top.Total, 1))/span, float64(max(windowCount, 1))/span
	bf.step.search = uint64(max(1, math.Floor(searchChunkFill*searchChunkContacts/windowPerID)))
	bf.step.list = uint64(max(1, math.Ceil(listChunkContacts/perID)))
	return bf.run(ctx)
}

// searchBackfillRanges finishes a resumed backfill's ranges by search alone, keeping its resume
// points in the backfill's shape.
func (cr *contactsReader) searchBackfillRanges(ctx context.Context, w window, ranges []IDRange) error {
	bf := &backfill{cr: cr, start: w.start, end: w.end, pending: slices.Clone(ranges), active: map[int]*IDRange{}, listHalted: true}
	return bf.run(ctx) // step 0: each worker searches a whole range
}

func idOf(p *hubspot.Page) string {
	if len(p.Results) == 0 {
		return ""
	}
	return p.Results[0].ID
}

// listWorkers is how many list cursors keep the general budget busy: one call of 300-500 ms in
// flight each, so about half the budget per second, plus one.
func (cr *contactsReader) listWorkers() int {
	l := cr.client.Limits().Other
	if l == rate.Inf {
		return 4
	}
	return min(max(int(math.Ceil(float64(l)/2))+1, 1), maxListCursors)
}

// run reads every range with the search workers (cr.src.concurrency) and the list workers.
func (bf *backfill) run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	nl, ns := bf.cr.listWorkers(), bf.cr.src.concurrency
	if bf.listHalted {
		nl = 0
	}
	bf.listers = nl
	zerolog.Ctx(ctx).Info().Int("list_cursors", nl).Int("search_cursors", ns).
		Msg("backfill: reading contacts by search from the top of the id space and by list from the bottom")
	// A list worker that reaches the daily reserve hands its rest back, maybe after every search
	// worker ran out of work: then a search-only round reads what is left.
	for {
		if err := bf.round(ctx, cancel, nl, ns); err != nil {
			return err
		}
		bf.cr.mu.Lock()
		left := len(bf.pending)
		bf.cr.mu.Unlock()
		if left == 0 {
			break
		}
		nl = 0
	}
	zerolog.Ctx(ctx).Info().Int("list_chunks", bf.reads.list).Int("search_chunks", bf.reads.search).Msg("backfill done")
	return nil
}

// round runs nl list and ns search workers until none finds work.
func (bf *backfill) round(ctx context.Context, cancel context.CancelFunc, nl, ns int) error {
	var wg sync.WaitGroup
	var errMu sync.Mutex
	var first error
	for i := 0; i < nl+ns; i++ {
		wg.Add(1)
		go func(list bool) {
			defer wg.Done()
			if err := bf.work(ctx, list); err != nil {
				errMu.Lock()
				if first == nil {
					first = err
				}
				errMu.Unlock()
				cancel()
			}
		}(i < nl)
	}
	wg.Wait()
	return first
}

// work claims and reads chunks until none is left.
func (bf *backfill) work(ctx context.Context, list bool) error {
	enc := bf.cr.enc.clone()
	defer bf.cr.mergeBad(enc)
	for {
		key, r, ok := bf.claim(list)
		if !ok {
			return nil
		}
		onPage := func(lastID string) error { return bf.progressed(key, lastID) }
		if list {
			rest, err := bf.listChunk(ctx, enc, r, onPage, func() bool { return bf.dailyLow(ctx) })
			if err != nil {
				return err
			}
			if rest != nil {
				bf.handBack(key, *rest)
				return nil
			}
		} else if _, _, _, err := bf.cr.searchRange(ctx, enc, bf.search(), r.AfterID, r.UpToID, 0, onPage); err != nil {
			return err
		}
		bf.finished(key)
	}
}

// claim takes a chunk: list workers from the bottom of the lowest unread range, search workers
// from the top of the highest. ok is false when nothing is left for this kind of worker.
func (bf *backfill) claim(list bool) (key int, r IDRange, ok bool) {
	cr := bf.cr
	cr.mu.Lock()
	defer cr.mu.Unlock()
	if len(bf.pending) == 0 || list && bf.listHalted {
		return 0, r, false
	}
	if list {
		p := &bf.pending[0]
		lo, _ := strconv.ParseUint(p.AfterID, 10, 64)
		up := lo + bf.step.list
		if hi, ok := bf.upper(*p); ok && up < hi {
			r = IDRange{AfterID: p.AfterID, UpToID: strconv.FormatUint(up, 10)}
			p.AfterID = r.UpToID
		} else {
			r = *p
			bf.pending = bf.pending[1:]
		}
		bf.reads.list++
	} else {
		p := &bf.pending[len(bf.pending)-1]
		lo, _ := strconv.ParseUint(p.AfterID, 10, 64)
		if hi, ok := bf.upper(*p); ok && bf.step.search > 0 && hi > lo+bf.step.search {
			r = IDRange{AfterID: strconv.FormatUint(hi-bf.step.search, 10), UpToID: p.UpToID}
			p.UpToID = r.AfterID
		} else {
			r = *p
			bf.pending = bf.pending[:len(bf.pending)-1]
		}
		bf.reads.search++
	}
	key = bf.nextKey
	bf.nextKey++
	bf.active[key] = &IDRange{AfterID: r.AfterID, UpToID: r.UpToID}
	return key, r, true
}

// upper is a range's upper id, the backfill's starting highest id for the unbounded top range
// (false when that is already below the range).
func (bf *backfill) upper(r IDRange) (uint64, bool) {
	if r.UpToID == "" {
		lo, _ := strconv.ParseUint(r.AfterID, 10, 64)
		return bf.hi, bf.hi > lo
	}
	hi, err := strconv.ParseUint(r.UpToID, 10, 64)
	return hi, err == nil
}

// dailyLow reports (and latches) that the account's daily limit is down to the reserve.
func (bf *backfill) dailyLow(ctx context.Context) bool {
	left, limit, known := bf.cr.client.DailyRemaining()
	// The other list workers may each have a call in flight that the count does not show yet.
	low := known && float64(left-bf.listers) < dailyReserve*float64(limit)
	bf.cr.mu.Lock()
	defer bf.cr.mu.Unlock()
	if low && !bf.listHalted {
		bf.listHalted = true
		zerolog.Ctx(ctx).Warn().Int("daily_remaining", left).Int("daily_limit", limit).
			Msg("HubSpot's daily limit is nearly used up: the rest of the backfill is read by search alone")
	}
	return bf.listHalted
}

// handBack returns a list worker's unread rest to the bottom of the queue for search.
func (bf *backfill) handBack(key int, rest IDRange) {
	bf.cr.mu.Lock()
	defer bf.cr.mu.Unlock()
	delete(bf.active, key)
	bf.pending = append([]IDRange{rest}, bf.pending...)
}

// finished drops a chunk read in full.
func (bf *backfill) finished(key int) {
	bf.cr.mu.Lock()
	defer bf.cr.mu.Unlock()
	delete(bf.active, key)
}

// progressed moves a chunk's resume point and checkpoints when due.
func (bf *backfill) progressed(key int, lastID string) error {
	cr := bf.cr
	cr.mu.Lock()
	defer cr.mu.Unlock()
	if a := bf.active[key]; a != nil && lastID != "" && idAbove(lastID, a.AfterID) {
		a.AfterID = lastID
	}
	return cr.progressLocked(bf.resume())
}

// resume is the resume point: every unread range, ascending (cr.mu held).
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
