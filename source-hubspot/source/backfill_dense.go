package source

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
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

// denseBackfill reads the rest of an incremental window (ids above afterID, remaining contacts
// of it; above is contactsAbove(afterID)) by a backfill when the window holds at least half of
// the contacts above afterID, so that a list call of 100 contacts brings at least 50 of the
// window on average. The share counts only the contacts the backfill would list, not all of
// them: a window of the newest contacts (a bulk import, a sync after a campaign) is dense above
// its first page however many older contacts there are. done is false when the window is not
// dense or the list cannot start at chosen ids (the caller searches on).
func (cr *contactsReader) denseBackfill(ctx context.Context, w window, afterID string, remaining int, above *hubspot.Page) (done bool, err error) {
	if 2*remaining < above.Total {
		return false, nil
	}
	zerolog.Ctx(ctx).Info().Int("window", remaining).Int("contacts", above.Total).
		Msg("the window holds most contacts above its first page: reading it by search and list at once")
	sentinel := false
	err = cr.startBackfill(ctx, w, []IDRange{{AfterID: afterID}}, above, func(context.Context) error { sentinel = true; return nil })
	return !sentinel, err
}
