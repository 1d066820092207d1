package source

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/time/rate"

	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// listMinShare is the least the list must add to the search's pace, in contacts of the window
// per second, for an incremental window to be read by both: below it the list's chunks and the
// meeting of the two methods cost about what the list brings.
const listMinShare = 0.25

// An incremental window comes back every run, so the calls its list would make are bounded by
// listDailyShare of the account's daily requests left (of smallestDailyLimit, the Free/Starter
// account's, when the answers do not tell it): a portal so large that listing it would spend
// more is searched alone. The first sync, which comes once, is not bounded so (its list stops at
// the daily reserve).
const (
	listDailyShare     = 0.01
	smallestDailyLimit = 250000
)

// denseCandidate reports whether an incremental window with remaining contacts above afterID
// may be read by a backfill, which contactsAbove then tells.
func (cr *contactsReader) denseCandidate(afterID string, remaining int) bool {
	return remaining >= denseWindowMin && cr.listFits() && isID(afterID) && !cr.src.noBackfill
}

// contactsAbove is a one-result search for the highest contact id above afterID, with no date
// filter: its total is every contact above afterID.
func (cr *contactsReader) contactsAbove(ctx context.Context, afterID string) (*hubspot.Page, error) {
	p, err := cr.client.SearchContacts(ctx, hubspot.SearchRequest{
		Filters: windowFilters(time.Time{}, time.Time{}, afterID, ""), SortBy: "hs_object_id", Descending: true,
		Properties: []string{"hs_object_id"}, Limit: 1})
	if err != nil {
		return nil, fmt.Errorf("count the contacts above id %s: %w", afterID, err)
	}
	return p, nil
}

// listPays is the cost model of reading a window by search and list at once. The list reads
// every contact above the window's first page, 100 a call, and keeps those of the window, a
// share density of them; search reads only the window's, 200 a call. Each is paid from its own
// budget, so the list adds (general budget per second) x 100 x density contacts of the window per
// second to the search's (search budget) x 200, and it pays when that is at least listMinShare
// of the search's. With Pro/Enterprise budgets (17 calls/s) a window a seventh as dense as the
// contacts above its first page pays; with the default budget (9/s), one over a quarter. The
// list's calls are also bounded by the daily limit (listDailyShare).
func (cr *contactsReader) listPays(remaining, above int) bool {
	if above <= 0 {
		return false
	}
	daily := smallestDailyLimit
	if left, _, known := cr.client.DailyRemaining(); known {
		daily = left
	}
	if float64(above)/hubspot.MaxListLimit > listDailyShare*float64(daily) {
		return false
	}
	l := cr.client.Limits()
	other, search := float64(l.Other), float64(l.Search)
	if l.Other == rate.Inf {
		other = 2 * float64(cr.listWorkers()) // one call of about 500 ms in flight per list worker
	}
	if l.Search == rate.Inf {
		search = 5 // HubSpot's own limit
	}
	density := min(float64(remaining)/float64(above), 1)
	return other*hubspot.MaxListLimit*density >= listMinShare*search*hubspot.MaxSearchLimit
}

// denseBackfill reads the rest of an incremental window (ids above afterID, remaining contacts
// of it; above is contactsAbove(afterID)) by a backfill when listPays. The share counts only the
// contacts the backfill would list, not all of them: a window of the newest contacts (a bulk
// import, a sync after a campaign) is dense above its first page however many older contacts
// there are. probe is the list probe, sent with the window's other probes. done is false when
// the list does not pay or cannot start at chosen ids (the caller searches on).
func (cr *contactsReader) denseBackfill(ctx context.Context, w window, afterID string, remaining int, above *hubspot.Page, probe *listProbe) (done bool, err error) {
	if !cr.listPays(remaining, above.Total) {
		return false, nil
	}
	zerolog.Ctx(ctx).Info().Int("window", remaining).Int("contacts", above.Total).
		Msg("the list would add enough of the window's contacts to the search's: reading it by search and list at once")
	sentinel := false
	err = cr.startBackfill(ctx, w, []IDRange{{AfterID: afterID}}, above, remaining, probe,
		func(context.Context) error { sentinel = true; return nil })
	return !sentinel, err
}

// probeFrom sends the list probe from afterID (a contact id) for denseBackfill.
func (cr *contactsReader) probeFrom(ctx context.Context, afterID string) *listProbe {
	from, _ := strconv.ParseUint(afterID, 10, 64)
	p := &listProbe{}
	p.mode, p.first, p.err = cr.probeListAfter(ctx, from)
	return p
}
