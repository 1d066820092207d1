package destination

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/destination-insider/destination/profiles"
	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/destination-insider/mapping"
	"github.com/insider-hubspot/connectors/protocol"
)

// Write reads the messages of a sync, upserts users in batches with up to
// max_concurrent_requests requests in flight, and reports every record's
// outcome to states, which echoes each STATE once all records before it
// are committed or rejected. A batch that fails for good holds back its
// records (no later STATE of their streams is echoed) while the rest of the
// input is still delivered; Write then returns an error saying how many
// records the next run will retry.
func (d *Destination) Write(ctx context.Context, raw json.RawMessage, catalog *protocol.ConfiguredCatalog, in *protocol.Reader, states *protocol.StateTracker) error {
	cfg, err := parseConfig(raw)
	if err != nil {
		return err
	}
	if err := mapping.CheckStreams(&cfg.Config, catalog); err != nil {
		return err
	}
	log := zerolog.Ctx(ctx)
	start := d.now()
	var runErr error
	var sum settle.Summary
	ws, err := d.startWrite(ctx, cfg, catalog, log)
	if err != nil {
		// Nothing was read: no record is held back and no state is echoed.
		runErr, sum = err, newCounts(cfg).Snapshot()
		sum.DroppedBy = map[string]int64{}
	} else {
		var client *insider.Client // none in a dry run
		if !cfg.DryRun {
			client = d.client(ctx, cfg, d.maxAttempts)
		}
		w := newWriter(ctx, d, cfg, ws, states, client)
		runErr = w.consume(ctx, in)
		if client != nil {
			client.CloseIdleConnections()
		}
		sum = w.finish()
	}
	sum.Duration = d.now().Sub(start)
	sum.Log(log)
	if d.onSummary != nil {
		d.onSummary(sum)
	}
	d.sendAlerts(ctx, sum, runErr)
	return runErr
}

// writer is the read loop of one Write. It owns the mapper and the batch being filled; it
// decides each record's op and hands what is to be sent to the sender. The senders settle the
// records they send through report; what ends the run is recorded in out (report.Outcome). The read loop holds
// readMu while it handles a message, and the idle flush holds it while it looks at the current
// batch.
type writer struct {
	cfg    *Config
	log    *zerolog.Logger
	mapper *mapping.Mapper
	*batcher
	report   *settle.Report
	out      *settle.Outcome
	send     sender // insiderSender, or dryRun in a dry run
	scratch  []byte
	now      func() time.Time
	schedule scheduler
	maxUser  int // the largest encoded user that fits in a request

	readMu        sync.Mutex
	messages      uint64          // input messages read (readMu)
	seen          map[string]bool // streams whose first record was seen
	skipLogged    map[string]bool // the skip of archived or permanently deleted contacts (mode ignore) was logged, by reason
	invalidLogged bool            // an invalid previous value of an identifier was logged
	flight        *audienceFlight // list membership changes in flight (audience.go)
}

func newWriter(ctx context.Context, d *Destination, cfg *Config, ws writeStart, states *protocol.StateTracker, client *insider.Client) *writer {
	var tracker settle.Tracker = settle.NoTracker{}
	if !cfg.DryRun && states != nil {
		tracker = states
	}
	out := settle.NewOutcome(cfg.APIBaseURL)
	r := &settle.Report{States: tracker, Counts: newCounts(cfg), Outcome: out, Log: zerolog.Ctx(ctx)}
	w := &writer{
		cfg:      cfg,
		log:      r.Log,
		mapper:   ws.mapper,
		report:   r,
		out:      out,
		now:      d.now,
		schedule: d.schedule,
		maxUser:  insider.MaxBodyBytes - newBatch(cfg).Size(),
		flight:   newAudienceFlight(),

		skipLogged: map[string]bool{},
	}
	n := cfg.MaxConcurrentRequests
	if cfg.DryRun {
		n = 1
	}
	w.batcher = newBatcher(cfg, n, !ws.confirmed)
	if cfg.DryRun {
		w.send = newDryRun(cfg, r)
	} else {
		w.send = newInsiderSender(cfg, ws.mapper, client, r, w.drain)
	}
	w.start(ctx, w.sendBatch)
	return w
}

// consume reads the input until EOF, a stop, or cancellation, sends what is left and waits for
// every call; it returns the run's outcome (settle.Outcome.Result).
func (w *writer) consume(ctx context.Context, in *protocol.Reader) error {
	stop := w.startIdleFlush(ctx)
	err := w.read(ctx, in)
	stop()
	if err == nil && !w.out.Stopped() {
		err = w.flush(ctx)
	} else {
		w.report.Fail(w.cur.refs...) // never sent: the next run delivers them
		w.report.Fail(w.cur.audienceRefs()...)
		w.cur.reset(w.cfg.SkipHook)
	}
	w.close()
	w.send.wait()
	return w.out.Result(err, ctx.Err(), w.report.States.HeldBack())
}

func (w *writer) read(ctx context.Context, in *protocol.Reader) error {
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if w.out.Stopped() {
			return nil
		}
		msg, err := in.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err := w.handle(ctx, msg, err); err != nil {
			return err
		}
	}
}

// handle deals with one input message, or the error reading it.
func (w *writer) handle(ctx context.Context, msg *protocol.Input, err error) error {
	w.readMu.Lock()
	defer w.readMu.Unlock()
	w.messages++
	var le *protocol.LineError
	if errors.As(err, &le) {
		w.log.Warn().Int("line", le.Line).Err(le.Err).Msg("skipped an input line that is not an Airbyte message")
		w.report.Counts.Add(func(s *settle.Summary) { s.Undecodable++ })
		return nil
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err() // stopped while waiting for input
		}
		return protocol.NewError(protocol.FailureSystem, "could not read the input messages", err)
	}
	switch msg.Type {
	case protocol.TypeRecord:
		return w.record(ctx, msg.Record)
	case protocol.TypeTrace:
		w.trace(msg.Raw)
	case protocol.TypeState:
		if err := w.report.States.State(msg); err != nil {
			return protocol.NewError(protocol.FailureSystem, "could not handle a STATE message", err)
		}
		// A slow source must not keep its states waiting in a half-full
		// batch: send it once it is old enough.
		if w.cur.records() > 0 && w.now().Sub(w.cur.opened) >= maxBatchAge {
			return w.flush(ctx)
		}
	}
	return nil
}

// trace handles a TRACE message of the input: a source's TRACE ERROR is logged and becomes
// the run's error once every record is delivered (sourcefail.go).
func (w *writer) trace(raw []byte) {
	te := sourceError(raw)
	if te == nil {
		return
	}
	e := w.log.Error().Str("failure_type", string(te.FailureType))
	if te.StreamDescriptor != nil {
		e.Str("stream", te.StreamDescriptor.Name)
	}
	e.Msg("the source failed: " + te.Message + " (its records read so far are still delivered; the run will end with this error)")
	w.report.Counts.Add(func(s *settle.Summary) { s.SourceErrors++ })
	w.out.SourceFailed(te)
}

// record decides the op of one record and follows it.
func (w *writer) record(ctx context.Context, rec *protocol.Record) error {
	w.report.Counts.Add(func(s *settle.Summary) { s.RecordsRead++ })
	desc := protocol.StreamDescriptor{Name: rec.Stream, Namespace: rec.Namespace}
	s := w.mapper.Stream(rec.Stream)
	if err := w.mapper.NeedsIdentifiers(s, rec.Stream); err != nil {
		w.report.Fail(w.report.States.Record(desc))
		w.out.Stop(err)
		return nil
	}
	w.firstRecord(rec.Stream, s)
	if !s.Mapped() {
		w.report.Counts.Add(func(s *settle.Summary) { s.Ignored++ })
		return w.report.Commit(w.report.States.Record(desc))
	}
	r := w.mapper.Scan(s, rec.Data)
	ref := w.report.States.Record(desc)
	switch o, c := opOf(w.mapper, w.cfg, s, r); o {
	case opArchive:
		return w.archive(ctx, r, ref)
	case opProfile:
		return w.upsert(ctx, s, r, ref, rec.Stream, c)
	case opAudience:
		return w.membership(ctx, r, ref, rec.Stream)
	case opSoftDelete:
		return w.softDelete(ctx, r, ref, rec.Stream)
	default:
		if c != nil {
			w.invalidOldValues(ref, c.Changes.Invalid)
		}
		return w.upsert(ctx, s, r, ref, rec.Stream, nil)
	}
}

// firstRecord logs what the first record of a stream says of the stream.
func (w *writer) firstRecord(stream string, s mapping.Stream) {
	if w.seen[stream] {
		return
	}
	if w.seen == nil {
		w.seen = map[string]bool{}
	}
	w.seen[stream] = true
	switch {
	case !s.Mapped():
		// Only a stream missing from the configured catalog gets here:
		// mapping.Compile refused the others.
		w.log.Warn().Str("stream", stream).Msg("records of this stream are ignored: it is not in the configured catalog, " +
			"and neither contacts nor in event_mappings nor mapped by Airbyte onto Insider's user or event object")
	case s.Prefix != "":
		w.log.Info().Str("stream", stream).Str("mapped_as", s.Name).Str("stream_prefix", s.Prefix).
			Msg("stream mapped under the connection's stream prefix")
	}
}

// upsert maps a record and adds it to the batch being filled; a contact whose profile changes
// first (c not nil) goes to the sender's profile call, which may upsert it itself.
func (w *writer) upsert(ctx context.Context, s mapping.Stream, r mapping.Record, ref protocol.RecordRef, stream string, c *profiles.Change) error {
	res := w.mapper.Map(r, w.scratch)
	w.countDropped(res.DroppedIDs, res.Dropped)
	if res.User == nil && (res.Clear == nil || res.Reason != mapping.ReasonNoAttributes) {
		return w.refuse(ctx, ref, stream, res.Key, res.Reason, res.Detail, res.FailRun)
	}
	if c != nil {
		if c.Merge != nil {
			w.report.Counts.Add(func(s *settle.Summary) { s.MergedRecords++ })
		}
		c.Key, c.User, c.Events, c.Clear, c.Ref = res.Key, res.User, res.Events, res.Clear, ref
		c.Email, c.Phone = res.Email, res.Phone
		if upserted, err := w.send.profile(ctx, c); upserted || err != nil {
			return err
		}
	}
	if res.User != nil {
		w.scratch = res.User[:0]
		if len(res.User) > w.maxUser {
			return w.report.Reject(ref, stream, res.Key, settle.ReasonTooLarge,
				fmt.Sprintf("the mapped user is %d bytes, more than fits in a %d-byte request", len(res.User), insider.MaxBodyBytes))
		}
	}
	extra, newUser := w.cur.extraFor(&res)
	if (newUser && w.cur.userCount() >= w.cfg.BatchSize) || w.cur.sizeWith(extra) > insider.MaxBodyBytes || w.cur.clearsFull(len(res.Clear), w.cfg.BatchSize) {
		if err := w.flush(ctx); err != nil {
			return err
		}
	}
	if w.cur.records() == 0 {
		w.cur.opened = w.now()
	}
	if s.Contacts() {
		w.send.upserting(res.Key, res.User, res.Email, res.Phone)
	}
	w.cur.add(&res, ref, stream, s.Operation() == mapping.OperationUpdate)
	return nil
}

// invalidOldValues counts and logs the identity changes of a record whose old value is not a
// valid identifier: nothing of it can be on a profile, so there is nothing to re-key.
func (w *writer) invalidOldValues(ref protocol.RecordRef, names []string) {
	w.report.Counts.Add(func(s *settle.Summary) { s.AddRefused(settle.RefusalInvalidOld, len(names)) })
	w.report.CountOn(ref, settle.StatRekeyRefused, int64(len(names)))
	if !w.invalidLogged {
		w.invalidLogged = true
		w.log.Warn().Strs("identifiers", names).Msg("a contact's previous value of an identifier is not a valid identifier, so it cannot be re-keyed " +
			"(counted in identity_changes_refused as " + settle.RefusalInvalidOld + "; later ones are only counted)")
	}
}

// archive handles an archived or permanently deleted contact: skipped under the mode ignore,
// else its profile, found by its id alone, and those keyed by the ids merged into it are
// deleted or anonymized.
func (w *writer) archive(ctx context.Context, r mapping.Record, ref protocol.RecordRef) error {
	permanent := r.DeletedPermanently()
	mode, reason, what := w.cfg.DeletionMode, settle.ReasonArchived, "archived (deleted) contacts are skipped and counted as rejected with reason archived: deletion_mode is ignore"
	if permanent {
		mode, reason, what = w.cfg.PermanentDeletionMode, settle.ReasonDeletedPermanently,
			"contacts deleted permanently are skipped and counted as rejected with reason deleted_permanently: permanent_deletion_mode is ignore"
	}
	if mode == DeletionIgnore {
		if !w.skipLogged[reason] {
			w.skipLogged[reason] = true
			w.log.Info().Str("stream", mapping.ContactsStream).Msg(what)
		}
		return w.report.Skip(ref, reason)
	}
	own := w.mapper.OwnProfile(r)
	if own.Profile == nil {
		if !w.cfg.MapsRecordID() {
			// permanent_deletion_mode left at its default (validate.go refuses the rest).
			w.report.Fail(ref)
			w.out.Stop(protocol.NewError(protocol.FailureConfig, "contact "+own.Key+" was deleted permanently in HubSpot and permanent_deletion_mode "+
				"is "+mode+" (its default), but "+needsRecordID("deleting its profile", "permanent_deletion_mode to ignore"), nil))
			return nil
		}
		return w.report.Reject(ref, mapping.ContactsStream, own.Key, mapping.ReasonNoIdentifier, "the deleted contact's record has no id")
	}
	a := &profiles.Archive{Key: own.Key, Permanent: permanent, Anonymize: mode == DeletionAnonymize, Own: own.Profile, Merged: own.Merged, Ref: ref}
	for _, id := range own.Merged {
		a.Profiles = append(a.Profiles, w.mapper.IDProfile(id))
	}
	return w.send.archive(ctx, a)
}

// refuse settles a record the mapping refused (key, reason and detail as the mapping gave
// them): rejected, or, with an invalid identifier under invalid_identifier_policy fail_run
// (failRun), held back once what came before is delivered, so that earlier states are saved,
// and the run stopped with a config_error naming it.
func (w *writer) refuse(ctx context.Context, ref protocol.RecordRef, stream, key, reason, detail string, failRun bool) error {
	if !failRun {
		return w.report.Reject(ref, stream, key, reason, detail)
	}
	if err := w.flush(ctx); err != nil {
		return err
	}
	w.report.Fail(ref)
	w.out.Stop(protocol.NewError(protocol.FailureConfig, fmt.Sprintf(
		"record %s of stream %s has an invalid identifier (%s) and invalid_identifier_policy is fail_run: fix the record or choose skip_identifier or skip_record",
		key, stream, detail), nil))
	return nil
}

// countDropped counts identifiers and values a record was sent without.
func (w *writer) countDropped(ids, values int) {
	if ids > 0 || values > 0 {
		w.report.Counts.Add(func(s *settle.Summary) { s.DroppedIDs += int64(ids); s.DroppedValues += int64(values) })
	}
}

// startIdleFlush looks at the input every idleFlush until the returned
// function is called.
func (w *writer) startIdleFlush(ctx context.Context) (stop func()) {
	var seen uint64
	return w.schedule(idleFlush, func() { seen = w.idleCheck(ctx, seen) })
}

// idleCheck sends the current batch when no input message arrived since
// the previous look, when seen messages had been read, and returns the count
// now. It holds readMu, so it never runs alongside the read loop's handling
// of a message.
func (w *writer) idleCheck(ctx context.Context, seen uint64) uint64 {
	w.readMu.Lock()
	defer w.readMu.Unlock()
	if w.messages == seen && w.cur.records() > 0 && !w.out.Stopped() && ctx.Err() == nil {
		w.log.Debug().Int("users", w.cur.userCount()).Msg("the input paused: sending the batch being filled")
		_ = w.flush(ctx) // fails only when ctx ends, which the read loop reports
	}
	return w.messages
}

// finish returns the final counts.
func (w *writer) finish() settle.Summary {
	s := w.report.Counts.Snapshot()
	s.DroppedBy = w.mapper.DroppedBy() // the read loop, the mapper's only user, has ended
	s.HeldBack = w.report.States.HeldBack()
	s.StatesEchoed = int64(w.report.States.Echoed())
	return s
}
