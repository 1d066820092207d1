package source

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// resume finishes the window a previous run did not finish, then moves the watermark to its end.
func (cr *contactsReader) resume(ctx context.Context, res *Resume) error {
	zerolog.Ctx(ctx).Info().Str("method", res.Method).Str("end", formatTime(res.End)).
		Msg("resuming the contacts window a previous run did not finish")
	res, err := cr.checkResumeID(ctx, res)
	if err != nil {
		return err
	}
	switch {
	case res.Method == methodBackfill:
		if len(res.Ranges) > 0 {
			err = cr.backfillWindow(ctx, window{res.Start, res.End}, res.Ranges, nil)
		}
	case res.Method == methodList && !cr.client.ListFits(cr.enc.names):
		// The stream's properties grew past what a list URL can carry: read the rest by search.
		err = cr.searchWindow(ctx, time.Time{}, res.End, "")
	case res.Method == methodList:
		err = cr.listAll(ctx, res.End, res.ListAfter)
	case len(res.Ranges) > 0:
		err = cr.searchRanges(ctx, window{res.Start, res.End}, res.Ranges)
	default:
		err = cr.searchWindow(ctx, res.Start, res.End, res.AfterID)
	}
	if err != nil {
		return err
	}
	return cr.checkpoint(res.End, nil)
}

// checkResumeID never trusts a resume point to skip contacts that exist: when the id it would
// resume after (search: the after_id of the range with no upper bound; list: the next id) lies
// above every contact HubSpot has, the state was edited or comes from another portal, and the
// whole window is read again (duplicates are harmless, a gap is not). One search call.
func (cr *contactsReader) checkResumeID(ctx context.Context, res *Resume) (*Resume, error) {
	op, id := "GT", res.AfterID
	switch {
	case res.Method == methodBackfill:
		return res, nil // a backfill resume probes the list cursor again; its ranges are not checked here
	case res.Method == methodList:
		op, id = "GTE", res.ListAfter
	case len(res.Ranges) > 0:
		id = ""
		for _, r := range res.Ranges {
			if r.UpToID == "" {
				id = r.AfterID
			}
		}
	}
	if !isID(id) {
		return res, nil // nothing skipped, or an opaque list token HubSpot itself will judge
	}
	p, err := cr.client.SearchContacts(ctx, hubspot.SearchRequest{
		Filters:    []hubspot.Filter{{PropertyName: "hs_object_id", Operator: op, Value: id}},
		Properties: []string{"hs_object_id"}, Limit: 1,
	})
	if err != nil {
		return nil, fmt.Errorf("check the saved resume point (contact id %s): %w", id, err)
	}
	if len(p.Results) > 0 {
		return res, nil
	}
	zerolog.Ctx(ctx).Warn().Str("stream", contactsStream).Str("id", id).
		Msg("the saved resume point is past every contact id HubSpot has (an edited state, or one from another portal); " +
			"reading its whole window again instead of trusting it")
	return &Resume{Method: res.Method, Start: res.Start, End: res.End}, nil
}
