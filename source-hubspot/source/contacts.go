package source

import (
	"context"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
	"github.com/insider-hubspot/connectors/source-hubspot/source/history"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// contactsReader reads the contacts stream of one run: the run's context (config, client,
// options) and the stream's output. Which method reads which window is contacts_read.go; each
// method is its own file below it (contacts_window.go, contacts_search.go, contacts_list.go,
// backfill.go, archived.go, contacts_journal.go), and every one of them writes through contactsOut; a
// window's pages carry their previous values (emitWindowPage, source/history).
type contactsReader struct {
	*readRun
	*contactsOut
	identity *history.Lookup // previous_values of incremental windows; nil when off
}

// emitWindowPage writes a page of an incremental window that started at since, each record with
// its previous_values (emitPage when there is no lookup or no window start).
func (cr *contactsReader) emitWindowPage(ctx context.Context, enc *contactEncoder, p *hubspot.Page, since time.Time) error {
	if cr.identity == nil || since.IsZero() || len(p.Results) == 0 {
		return cr.emitPage(ctx, enc, p)
	}
	extra, err := cr.identity.PreviousValues(ctx, p.Results, since)
	if err != nil {
		return err
	}
	return cr.emitPageWith(ctx, enc, p, extra)
}

// contactsOut is the contacts stream's output of one run: records, the row estimate and STATE
// messages, in order. It owns the record encoder of the sequential reads and the state it last
// emitted, which only ever moves forward. Its methods are safe for concurrent use, but for
// emitEstimate and the encoder, which belong to the reading goroutine.
type contactsOut struct {
	msgs      *protocol.SourceOutput
	every     int             // records at most between two STATE messages
	enc       *contactEncoder // for sequential reads; concurrent workers clone it and mergeBad
	estimated bool

	mu         sync.Mutex    // guards what follows and orders STATE messages
	state      ContactsState // last state emitted (or the input state)
	latest     *Resume       // where the window being read resumes after the last page delivered (nil: no window open)
	journalNew bool          // the journal position was taken by this run (contacts_journal.go)
	sinceCkpt  int           // records since the last STATE
	records    int
	pages      int
}

// newContactsOut starts the output of a read from its input state, writing records with enc and
// a STATE at least every checkpointEvery records.
func newContactsOut(msgs *protocol.SourceOutput, enc *contactEncoder, in ContactsState, checkpointEvery int) *contactsOut {
	return &contactsOut{msgs: msgs, every: checkpointEvery, enc: enc, state: in}
}

// due reports whether enough records passed for a checkpoint.
func (o *contactsOut) due() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.sinceCkpt >= o.every
}

// recordCount is how many contact records the read delivered so far.
func (o *contactsOut) recordCount() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.records
}

// emitEstimate emits the stream's row estimate, once per run.
func (o *contactsOut) emitEstimate(ctx context.Context, total int) {
	if o.estimated || total < 0 {
		return
	}
	o.estimated = true
	if err := o.msgs.Estimate(stream.Contacts, int64(total)); err != nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("could not emit the row estimate")
	}
}

// emitPage writes a page's records with enc (the caller's own encoder) and logs progress.
func (o *contactsOut) emitPage(ctx context.Context, enc *contactEncoder, p *hubspot.Page) error {
	return o.emitPageWith(ctx, enc, p, nil)
}

// emitPageWith is emitPage where extra, by contact id, holds members (`,"name":value`) to add
// to that contact's record.
func (o *contactsOut) emitPageWith(ctx context.Context, enc *contactEncoder, p *hubspot.Page, extra map[string][]byte) error {
	for i := range p.Results {
		data, err := enc.encode(&p.Results[i])
		if err != nil {
			return err
		}
		if x, ok := extra[p.Results[i].ID]; ok {
			data = append(append(data[:len(data)-1], x...), '}')
		}
		if err := o.msgs.Record(stream.Contacts, data); err != nil {
			return err
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.records += len(p.Results)
	o.sinceCkpt += len(p.Results)
	o.pages++
	if o.pages%stream.ProgressEvery == 0 {
		zerolog.Ctx(ctx).Info().Str("stream", stream.Contacts).Int("records", o.records).Int("pages", o.pages).Msg("reading contacts")
	}
	return nil
}

// progress notes res as where the window resumes after the page just delivered, and emits it as
// a checkpoint when enough records passed.
func (o *contactsOut) progress(res *Resume) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.latest = res
	if o.sinceCkpt < o.every {
		return nil
	}
	return o.checkpointLocked(time.Time{}, res)
}

// checkpoint emits a STATE with the watermark (never lower than the last one) and a resume point.
func (o *contactsOut) checkpoint(watermark time.Time, res *Resume) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.checkpointLocked(watermark, res)
}

// checkpointLocked is checkpoint with o.mu held.
func (o *contactsOut) checkpointLocked(watermark time.Time, res *Resume) error {
	o.latest = res
	if watermark.Before(o.state.LastModified) {
		watermark = o.state.LastModified
	}
	o.state.LastModified, o.state.Resume = watermark, res // the archive keys stay as they are
	o.sinceCkpt = 0
	return o.msgs.State(stream.Contacts, o.state)
}

// checkpointStop emits a STATE with the resume point of the last page delivered, when records
// came after the last STATE. Every reader's workers have returned by then.
func (o *contactsOut) checkpointStop(ctx context.Context) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.latest == nil || o.sinceCkpt == 0 {
		return nil
	}
	zerolog.Ctx(ctx).Info().Str("stream", stream.Contacts).Int("records", o.sinceCkpt).
		Msg("checkpointing the records delivered since the last STATE before stopping")
	return o.checkpointLocked(time.Time{}, o.latest)
}

// checkpointArchived emits a STATE with the archive watermark and resume point; the watermark
// never moves back.
func (o *contactsOut) checkpointArchived(watermark time.Time, res *ArchivedResume) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if watermark.After(o.state.ArchivedAt) {
		o.state.ArchivedAt = watermark
	}
	o.state.ArchivedResume = res
	o.sinceCkpt = 0
	return o.msgs.State(stream.Contacts, o.state)
}

// finish emits the final STATE of a successful read: the watermark moves to the window end.
func (o *contactsOut) finish(ctx context.Context, end time.Time) error {
	zerolog.Ctx(ctx).Info().Int("records", o.records).Int("pages", o.pages).Msg("contacts done")
	return o.checkpoint(end, nil)
}

// mergeBad adds a worker encoder's conversion failures to the read's report.
func (o *contactsOut) mergeBad(e *contactEncoder) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for k, n := range e.bad {
		o.enc.bad[k] += n
	}
}

// reportBadValues logs, once per property, how many values could not be converted to their type.
func (o *contactsOut) reportBadValues(ctx context.Context) {
	for name, n := range o.enc.bad {
		zerolog.Ctx(ctx).Warn().Str("property", name).Int("values", n).
			Msg("contact property values that do not match the property's type were written as null")
	}
}
