package source

import (
	"math"
	"strconv"
	"strings"

	"golang.org/x/time/rate"

	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// The arithmetic on counts that chooses how a contacts window is read: whether it is split into
// id ranges searched at once, whether a backfill (search and list at once, backfill.go) pays, how
// large its chunks are and how many list workers it runs. Pure functions of what the probes
// answered and of the client's budgets; the reads that ask and act on them are in
// contacts_window.go and backfill.go.

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
	// listMinShare is the least the list must add to the search's pace, in contacts of the window
	// per second, for an incremental window to be read by both: below it the list's chunks and the
	// meeting of the two methods cost about what the list brings.
	listMinShare = 0.25
)

// An incremental window comes back every run, so the calls its list would make are bounded by
// listDailyShare of the account's daily requests left (of smallestDailyLimit, the Free/Starter
// account's, when the answers do not tell it): a portal so large that listing it would spend
// more is searched alone. The first sync, which comes once, is not bounded so (its list stops at
// the daily reserve).
const (
	listDailyShare     = 0.01
	smallestDailyLimit = 250000
)

// maxListPropertiesChars bounds the URL-encoded property list of a list request, well under
// hubspot.MaxURLLength.
const maxListPropertiesChars = 12000

// listFits reports whether the property names, with lastmodifieddate, fit in a backfill's list
// URL.
func listFits(names []string) bool {
	return len(strings.Join(names, ","))+len(contactsCursor)+1 <= maxListPropertiesChars
}

// windowProbes says which probes the first page of a window calls for: dense, the count of the
// contacts above it and the list probe (a backfill may pay: denseCandidate); split, the window's
// highest id (the rest is large enough to search in k id ranges at once).
type windowProbes struct{ dense, split bool }

// probesFor chooses the probes after a window's first page: remaining contacts are left above
// lastID, k ranges may be searched at once, pageSize is the search page; incremental is false
// for a window with no lower date bound (a backfill reads that one already), canList whether the
// list URL carries the properties and backfills whether backfills are on.
func probesFor(incremental bool, lastID string, remaining, k, pageSize int, canList, backfills bool) windowProbes {
	return windowProbes{
		dense: incremental && denseCandidate(lastID, remaining, canList, backfills),
		split: k > 1 && remaining > 4*k*pageSize,
	}
}

// denseCandidate reports whether an incremental window with remaining contacts above afterID
// may be read by a backfill, which the count of the contacts above afterID then tells
// (listPays).
func denseCandidate(afterID string, remaining int, canList, backfills bool) bool {
	return remaining >= denseWindowMin && canList && stream.IsID(afterID) && backfills
}

// rangesPay reports whether remaining contacts, once the probes are back, are still worth
// searching in k id ranges at once rather than page after page.
func rangesPay(remaining, k, pageSize int) bool { return remaining > 2*k*pageSize }

// budgets are what the cost model knows of the client's budgets.
type budgets struct {
	limits     hubspot.Limits // the budgets in force (rate.Inf: none)
	dailyLeft  int            // the account's daily requests left, when dailyKnown
	dailyKnown bool
}

// listPays is the cost model of reading a window by search and list at once. The list reads
// every contact above the window's first page (above of them), 100 a call, and keeps those of the
// window (remaining), a share density of them; search reads only the window's, 200 a call. Each
// is paid from its own budget, so the list adds (general budget per second) x 100 x density
// contacts of the window per second to the search's (search budget) x 200, and it pays when that
// is at least listMinShare of the search's. With Pro/Enterprise budgets (17 calls/s) a window a
// seventh as dense as the contacts above its first page pays; with the default budget (9/s), one
// over a quarter. The list's calls are also bounded by the daily limit (listDailyShare).
func listPays(remaining, above int, b budgets) bool {
	if above <= 0 {
		return false
	}
	daily := smallestDailyLimit
	if b.dailyKnown {
		daily = b.dailyLeft
	}
	if float64(above)/hubspot.MaxListLimit > listDailyShare*float64(daily) {
		return false
	}
	other, search := float64(b.limits.Other), float64(b.limits.Search)
	if b.limits.Other == rate.Inf {
		other = 2 * float64(listWorkers(b.limits.Other)) // one call of about 500 ms in flight per list worker
	}
	if b.limits.Search == rate.Inf {
		search = 5 // HubSpot's own limit
	}
	density := min(float64(remaining)/float64(above), 1)
	return other*hubspot.MaxListLimit*density >= listMinShare*search*hubspot.MaxSearchLimit
}

// backfillPays reports whether a window of total contacts is worth the list probe.
func backfillPays(total int) bool { return total >= backfillMinContacts }

// listWorkers is how many list cursors keep the general budget (other calls per second) busy:
// one call of 300-500 ms in flight each, so about half the budget per second, plus one.
func listWorkers(other rate.Limit) int {
	if other == rate.Inf {
		return 4
	}
	return min(max(int(math.Ceil(float64(other)/2))+1, 1), maxListCursors)
}

// chunkSteps are the id spans of a backfill's chunks.
type chunkSteps struct{ search, list uint64 }

// stepsFor sizes the chunks of a backfill of the ids in (lo, hi], which hold total contacts of
// any date and windowCount of the window: a list chunk holds listChunkContacts of any date, a
// search chunk searchChunkContacts of the window, a little under whole pages so that a chunk
// rarely needs one more, nearly empty page.
func stepsFor(lo, hi uint64, total, windowCount int) chunkSteps {
	span := float64(max(hi-min(lo, hi), 1))
	perID, windowPerID := float64(max(total, 1))/span, float64(max(windowCount, 1))/span
	return chunkSteps{
		search: uint64(max(1, math.Floor(searchChunkFill*searchChunkContacts/windowPerID))),
		list:   uint64(max(1, math.Ceil(listChunkContacts/perID))),
	}
}

// belowReserve reports whether the account's daily requests, left of limit, are under the
// backfill's reserve once each of listers list workers spends the call it may have in flight.
func belowReserve(left, limit, listers int) bool {
	return float64(left-listers) < dailyReserve*float64(limit)
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

// upperID is a range's upper id; for the unbounded top range, top (the highest contact id when
// the backfill started), and false when top is already below the range.
func upperID(r IDRange, top uint64) (uint64, bool) {
	if r.UpToID == "" {
		lo, _ := strconv.ParseUint(r.AfterID, 10, 64)
		return top, top > lo
	}
	hi, err := strconv.ParseUint(r.UpToID, 10, 64)
	return hi, err == nil
}

// cutBottom takes a chunk of step ids from the bottom of r (top as in upperID): the chunk and
// what is left of r, or r whole (cut false) when it spans no more than step.
func cutBottom(r IDRange, step, top uint64) (chunk, rest IDRange, cut bool) {
	lo, _ := strconv.ParseUint(r.AfterID, 10, 64)
	up := lo + step
	if hi, ok := upperID(r, top); ok && up < hi {
		chunk = IDRange{AfterID: r.AfterID, UpToID: strconv.FormatUint(up, 10)}
		return chunk, IDRange{AfterID: chunk.UpToID, UpToID: r.UpToID}, true
	}
	return r, IDRange{}, false
}

// cutTop takes a chunk of step ids from the top of r (top as in upperID): the chunk and what is
// left of r, or r whole (cut false) when it spans no more than step or step is 0.
func cutTop(r IDRange, step, top uint64) (chunk, rest IDRange, cut bool) {
	lo, _ := strconv.ParseUint(r.AfterID, 10, 64)
	if hi, ok := upperID(r, top); ok && step > 0 && hi > lo+step {
		chunk = IDRange{AfterID: strconv.FormatUint(hi-step, 10), UpToID: r.UpToID}
		return chunk, IDRange{AfterID: r.AfterID, UpToID: chunk.AfterID}, true
	}
	return r, IDRange{}, false
}
