package source

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
	"github.com/insider-hubspot/connectors/source-hubspot/source/history"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// contacts reads list_contacts. Incremental runs finish a resumed window first, then read the new
// window [watermark - lookback (or start_date), run end]; full refresh reads every contact.
func (r *readRun) contacts(ctx context.Context, cols []stream.Column, in ContactsState, incremental bool) error {
	cr := &contactsReader{readRun: r, contactsOut: newContactsOut(r.Out, newContactEncoder(cols), in, r.CheckpointEvery)}
	if incremental && in.LastModified.After(time.Unix(0, 0)) {
		// A window after a watermark: the destination holds what the last sync delivered.
		cr.identity = history.New(r.Client, r.cfg.Identity(), cr.enc.kinds)
		defer cr.identity.Report(ctx)
	}
	if incremental {
		cr.initJournalState() // contacts_journal.go
	}
	defer cr.reportBadValues(ctx)
	err := cr.read(ctx, in, incremental)
	if stream.IsDailyLimit(err) {
		// The run stops here (read.go): save where every record delivered so far resumes, so
		// the next run re-reads none of them.
		if ferr := cr.checkpointStop(ctx); ferr != nil {
			return ferr
		}
	}
	return err
}

// read reads the stream's windows (see contacts).
func (cr *contactsReader) read(ctx context.Context, in ContactsState, incremental bool) error {
	r := cr.readRun
	if !incremental {
		cr.state = ContactsState{}
		if err := cr.readAll(ctx); err != nil {
			return err
		}
		return cr.finish(ctx, r.End)
	}
	if in.Resume != nil {
		if err := cr.resume(ctx, in.Resume); err != nil {
			return err
		}
	}
	// A first run (no watermark, no start_date) is a backfill: search and list at once
	// (backfill.go), or search alone when the window is small or the list cannot help.
	wm := cr.state.LastModified
	lo := r.LowerBound(wm)
	switch {
	case lo.IsZero():
		err := cr.backfillWindow(ctx, window{end: r.End}, func(ctx context.Context) error {
			return cr.searchWindow(ctx, time.Time{}, r.End, "")
		})
		if err != nil {
			return err
		}
	case lo.Before(r.End):
		if err := cr.searchWindow(ctx, lo, r.End, ""); err != nil {
			return err
		}
	}
	if err := cr.finish(ctx, r.End); err != nil {
		return err
	}
	if r.cfg.Deleted() {
		if err := cr.archived(ctx); err != nil {
			return err
		}
	}
	return cr.permanentDeletions(ctx) // contacts_journal.go
}

// readAll reads every contact for a full refresh: a backfill (backfill.go) when large, else
// through the list endpoint, which is ordered by id and not filtered by date, so a contact
// modified while the run goes on is still read exactly once (a search window would lose it
// until the next run). A property list too long for a URL falls back to a search from the
// beginning.
func (cr *contactsReader) readAll(ctx context.Context) error {
	return cr.backfillWindow(ctx, window{end: cr.End}, func(ctx context.Context) error {
		if !cr.Client.ListFits(cr.enc.names) {
			return cr.searchWindow(ctx, time.Time{}, cr.End, "")
		}
		cr.estimate(ctx, time.Time{}, cr.End)
		return cr.listAll(ctx, cr.End, "")
	})
}

// estimate emits a row estimate from a one-result search, for the list path which has no total.
func (cr *contactsReader) estimate(ctx context.Context, start, end time.Time) {
	p, err := cr.Client.SearchContacts(ctx, hubspot.SearchRequest{
		Filters: windowFilters(start, end, "", ""), Properties: []string{"hs_object_id"}, Limit: 1})
	if err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("could not estimate the number of contacts")
		return
	}
	cr.emitEstimate(ctx, p.Total)
}

// backfillWindow reads every contact of w (w.start is the window's lower date bound, zero for a
// first sync; w.end its end, saved as the watermark) with both budgets when the list endpoint
// honours ids as cursors (backfill.go). alone reads the window by one method (search, or list for
// a full refresh) when backfills are off, or the window is too small for one, or the list cannot
// start at chosen ids.
func (cr *contactsReader) backfillWindow(ctx context.Context, w window, alone func(context.Context) error) error {
	if !cr.Backfills {
		return alone(ctx)
	}
	if !listFits(cr.enc.names) {
		return cr.searchWindow(ctx, w.start, w.end, "") // the properties do not fit in a list URL
	}
	top, err := cr.topContact(ctx)
	if err != nil {
		return err
	}
	if w.start.IsZero() {
		cr.emitEstimate(ctx, top.Total)
	}
	if !backfillPays(top.Total) || len(top.Results) == 0 {
		return alone(ctx)
	}
	started, err := cr.startBackfill(ctx, w, []IDRange{{AfterID: "0"}}, top, top.Total, nil)
	if err != nil || started {
		return err
	}
	return alone(ctx)
}

// resumeBackfill reads the unread ranges of a backfill a previous run did not finish.
func (cr *contactsReader) resumeBackfill(ctx context.Context, w window, ranges []IDRange) error {
	if !listFits(cr.enc.names) {
		return cr.searchBackfillRanges(ctx, w, ranges) // the properties do not fit in a list URL
	}
	top, err := cr.topContact(ctx)
	if err != nil {
		return err
	}
	if w.start.IsZero() {
		cr.emitEstimate(ctx, top.Total)
	}
	started, err := cr.startBackfill(ctx, w, ranges, top, top.Total, nil)
	if err != nil || started {
		return err
	}
	return cr.searchBackfillRanges(ctx, w, ranges)
}

// topContact is a one-result search for the highest contact id, with no filter: its total is
// every contact.
func (cr *contactsReader) topContact(ctx context.Context) (*hubspot.Page, error) {
	return cr.Client.SearchContacts(ctx, hubspot.SearchRequest{SortBy: "hs_object_id", Descending: true,
		Properties: []string{"hs_object_id"}, Limit: 1})
}

// resume finishes the window a previous run did not finish, then moves the watermark to its end.
func (cr *contactsReader) resume(ctx context.Context, res *Resume) error {
	zerolog.Ctx(ctx).Info().Str("method", res.Method).Str("end", stream.FormatTime(res.End)).
		Msg("resuming the contacts window a previous run did not finish")
	res, err := cr.checkResumeID(ctx, res)
	if err != nil {
		return err
	}
	switch {
	case res.Method == methodBackfill:
		if len(res.Ranges) > 0 {
			err = cr.resumeBackfill(ctx, window{res.Start, res.End}, res.Ranges)
		}
	case res.Method == methodList && !cr.Client.ListFits(cr.enc.names):
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
	if !stream.IsID(id) {
		return res, nil // nothing skipped, or an opaque list token HubSpot itself will judge
	}
	p, err := cr.Client.SearchContacts(ctx, hubspot.SearchRequest{
		Filters:    []hubspot.Filter{{PropertyName: "hs_object_id", Operator: op, Value: id}},
		Properties: []string{"hs_object_id"}, Limit: 1,
	})
	if err != nil {
		return nil, fmt.Errorf("check the saved resume point (contact id %s): %w", id, err)
	}
	if len(p.Results) > 0 {
		return res, nil
	}
	zerolog.Ctx(ctx).Warn().Str("stream", stream.Contacts).Str("id", id).
		Msg("the saved resume point is past every contact id HubSpot has (an edited state, or one from another portal); " +
			"reading its whole window again instead of trusting it")
	return &Resume{Method: res.Method, Start: res.Start, End: res.End}, nil
}
