package source

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// progressEvery is how many pages pass between two progress LOG lines.
const progressEvery = 10

// contactsReader reads the contacts stream of one run. It owns the record encoder and the state
// it last emitted, which only ever moves forward.
type contactsReader struct {
	*readRun
	enc       *contactEncoder // for sequential reads; concurrent workers clone it
	estimated bool
	identity  *identityHistory // previous_values of incremental windows; nil when off (history.go)

	mu         sync.Mutex    // guards what follows and orders STATE messages
	state      ContactsState // last state emitted (or the input state)
	latest     *Resume       // where the window being read resumes after the last page delivered (nil: no window open)
	journalNew bool          // the journal position was taken by this run (journal.go)
	sinceCkpt  int           // records since the last STATE
	records    int
	pages      int
}

// due reports whether enough records passed for a checkpoint.
func (cr *contactsReader) due() bool {
	cr.mu.Lock()
	defer cr.mu.Unlock()
	return cr.sinceCkpt >= cr.src.checkpointEvery
}

// contacts reads list_contacts. Incremental runs finish a resumed window first, then read the new
// window [watermark - lookback (or start_date), run end]; full refresh reads every contact.
func (r *readRun) contacts(ctx context.Context, cols []column, in ContactsState, incremental bool) error {
	cr := &contactsReader{readRun: r, enc: newContactEncoder(cols), state: in}
	if incremental && in.LastModified.After(time.Unix(0, 0)) {
		// A window after a watermark: the destination holds what the last sync delivered.
		cr.identity = newIdentityHistory(r.client, r.cfg.Identity(), cr.enc.kinds)
		defer cr.identity.report(ctx)
	}
	if incremental {
		cr.initJournalState() // journal.go
	}
	defer cr.reportBadValues(ctx)
	err := cr.read(ctx, in, incremental)
	if isDailyLimit(err) {
		// The run stops here (read.go): save where every record delivered so far resumes, so
		// the next run re-reads none of them.
		if ferr := cr.checkpointStop(ctx); ferr != nil {
			return ferr
		}
	}
	return err
}

// checkpointStop emits a STATE with the resume point of the last page delivered, when records
// came after the last STATE. Every reader's workers have returned by then.
func (cr *contactsReader) checkpointStop(ctx context.Context) error {
	cr.mu.Lock()
	defer cr.mu.Unlock()
	if cr.latest == nil || cr.sinceCkpt == 0 {
		return nil
	}
	zerolog.Ctx(ctx).Info().Str("stream", contactsStream).Int("records", cr.sinceCkpt).
		Msg("checkpointing the records delivered since the last STATE before stopping")
	return cr.checkpointLocked(time.Time{}, cr.latest)
}

// read reads the stream's windows (see contacts).
func (cr *contactsReader) read(ctx context.Context, in ContactsState, incremental bool) error {
	r := cr.readRun
	if !incremental {
		cr.state = ContactsState{}
		if err := cr.readAll(ctx); err != nil {
			return err
		}
		return cr.finish(ctx, r.end)
	}
	if in.Resume != nil {
		if err := cr.resume(ctx, in.Resume); err != nil {
			return err
		}
	}
	// A first run (no watermark, no start_date) is a backfill: search and list at once
	// (backfill.go), or search alone when the window is small or the list cannot help.
	wm := cr.state.LastModified
	lo := r.lowerBound(wm)
	switch {
	case lo.IsZero():
		err := cr.backfillWindow(ctx, window{end: r.end}, nil, func(ctx context.Context) error {
			return cr.searchWindow(ctx, time.Time{}, r.end, "")
		})
		if err != nil {
			return err
		}
	case lo.Before(r.end):
		if err := cr.searchWindow(ctx, lo, r.end, ""); err != nil {
			return err
		}
	}
	if err := cr.finish(ctx, r.end); err != nil {
		return err
	}
	if r.cfg.Deleted() {
		if err := cr.archived(ctx); err != nil {
			return err
		}
	}
	return cr.permanentDeletions(ctx) // journal.go
}

// readAll reads every contact for a full refresh: a backfill (backfill.go) when large, else
// through the list endpoint, which is ordered by id and not filtered by date, so a contact
// modified while the run goes on is still read exactly once (a search window would lose it
// until the next run). A property list too long for a URL falls back to a search from the
// beginning.
func (cr *contactsReader) readAll(ctx context.Context) error {
	return cr.backfillWindow(ctx, window{end: cr.end}, nil, func(ctx context.Context) error {
		if !cr.client.ListFits(cr.enc.names) {
			return cr.searchWindow(ctx, time.Time{}, cr.end, "")
		}
		cr.estimate(ctx, time.Time{}, cr.end)
		return cr.listAll(ctx, cr.end, "")
	})
}

// estimate emits a row estimate from a one-result search, for the list path which has no total.
func (cr *contactsReader) estimate(ctx context.Context, start, end time.Time) {
	p, err := cr.client.SearchContacts(ctx, hubspot.SearchRequest{
		Filters: windowFilters(start, end, "", ""), Properties: []string{"hs_object_id"}, Limit: 1})
	if err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("could not estimate the number of contacts")
		return
	}
	cr.emitEstimate(ctx, p.Total)
}

func (cr *contactsReader) emitEstimate(ctx context.Context, total int) {
	if cr.estimated || total < 0 {
		return
	}
	cr.estimated = true
	if err := cr.out.Estimate(contactsStream, int64(total)); err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("could not emit the row estimate")
	}
}

// listAll pages the list endpoint from the token after to the end, checkpointing with the token.
func (cr *contactsReader) listAll(ctx context.Context, end time.Time, after string) error {
	for {
		p, err := cr.client.ListContacts(ctx, hubspot.ListRequest{Properties: cr.enc.names, Limit: hubspot.MaxListLimit, After: after})
		if err != nil {
			return fmt.Errorf("list contacts after %q: %w", after, err)
		}
		if err := cr.emitPage(ctx, cr.enc, p); err != nil {
			return err
		}
		if p.NextAfter == "" || len(p.Results) == 0 {
			return nil
		}
		after = p.NextAfter
		if err := cr.progress(&Resume{Method: methodList, End: end, ListAfter: after}); err != nil {
			return err
		}
	}
}

// emitPage writes a page's records with enc (the caller's own encoder) and logs progress. Safe
// for concurrent use.
func (cr *contactsReader) emitPage(ctx context.Context, enc *contactEncoder, p *hubspot.Page) error {
	return cr.emitPageWith(ctx, enc, p, nil)
}

// emitPageWith is emitPage where extra, by contact id, holds members (`,"name":value`) to add
// to that contact's record.
func (cr *contactsReader) emitPageWith(ctx context.Context, enc *contactEncoder, p *hubspot.Page, extra map[string][]byte) error {
	for i := range p.Results {
		data, err := enc.encode(&p.Results[i])
		if err != nil {
			return err
		}
		if x, ok := extra[p.Results[i].ID]; ok {
			data = append(append(data[:len(data)-1], x...), '}')
		}
		if err := cr.out.Record(contactsStream, data); err != nil {
			return err
		}
	}
	cr.mu.Lock()
	defer cr.mu.Unlock()
	cr.records += len(p.Results)
	cr.sinceCkpt += len(p.Results)
	cr.pages++
	if cr.pages%progressEvery == 0 {
		zerolog.Ctx(ctx).Info().Str("stream", contactsStream).Int("records", cr.records).Int("pages", cr.pages).Msg("reading contacts")
	}
	return nil
}

// checkpoint emits a STATE with the watermark (never lower than the last one) and a resume point.
func (cr *contactsReader) checkpoint(watermark time.Time, res *Resume) error {
	cr.mu.Lock()
	defer cr.mu.Unlock()
	return cr.checkpointLocked(watermark, res)
}

// progress notes res as where the window resumes after the page just delivered, and emits it as
// a checkpoint when enough records passed. Safe for concurrent use.
func (cr *contactsReader) progress(res *Resume) error {
	cr.mu.Lock()
	defer cr.mu.Unlock()
	return cr.progressLocked(res)
}

// progressLocked is progress with cr.mu held.
func (cr *contactsReader) progressLocked(res *Resume) error {
	cr.latest = res
	if cr.sinceCkpt < cr.src.checkpointEvery {
		return nil
	}
	return cr.checkpointLocked(time.Time{}, res)
}

// checkpointLocked is checkpoint with cr.mu held.
func (cr *contactsReader) checkpointLocked(watermark time.Time, res *Resume) error {
	cr.latest = res
	if watermark.Before(cr.state.LastModified) {
		watermark = cr.state.LastModified
	}
	cr.state.LastModified, cr.state.Resume = watermark, res // the archive keys stay as they are
	cr.sinceCkpt = 0
	return cr.out.State(contactsStream, cr.state)
}

// finish emits the final STATE of a successful read: the watermark moves to the window end.
func (cr *contactsReader) finish(ctx context.Context, end time.Time) error {
	zerolog.Ctx(ctx).Info().Int("records", cr.records).Int("pages", cr.pages).Msg("contacts done")
	return cr.checkpoint(end, nil)
}

// reportBadValues logs, once per property, how many values could not be converted to their type.
func (cr *contactsReader) reportBadValues(ctx context.Context) {
	for name, n := range cr.enc.bad {
		zerolog.Ctx(ctx).Warn().Str("property", name).Int("values", n).
			Msg("contact property values that do not match the property's type were written as null")
	}
}
