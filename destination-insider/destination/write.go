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

	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/destination-insider/mapping"
	"github.com/insider-hubspot/connectors/protocol"
)

// maxLoggedRejections bounds the per-record WARN lines of one run; later
// rejections are only counted.
const maxLoggedRejections = 1000

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
	var sum Summary
	ws, err := d.startWrite(ctx, cfg, catalog, log)
	if err != nil {
		// Nothing was read: no record is held back and no state is echoed.
		runErr, sum = err, newCounters(cfg).snapshot()
		sum.DroppedBy = map[string]int64{}
	} else {
		w := newWriter(ctx, d, cfg, ws.mapper, states)
		if !ws.confirmed {
			w.probe = make(chan struct{})
		}
		runErr = w.consume(ctx, in)
		if w.client != nil {
			w.client.CloseIdleConnections()
		}
		sum = w.finish()
	}
	sum.Duration = d.now().Sub(start)
	sum.log(log)
	if d.onSummary != nil {
		d.onSummary(sum)
	}
	d.sendAlerts(ctx, sum, runErr)
	return runErr
}

// writer is the state of one Write. The read loop owns the batcher and the
// mapper; it holds readMu while it handles a message, and the idle flush
// holds it while it looks at the current batch. Senders report to states
// and the counters, and share mu.
type writer struct {
	batcher
	cfg      *Config
	client   *insider.Client // nil in a dry run
	mapper   *mapping.Mapper
	dm       *deletes // archived and merged contacts (deletes.go)
	states   tracker  // noTracker in a dry run
	log      *zerolog.Logger
	count    *counters
	dry      *dryRun                       // nil unless a dry run
	deliver  func(context.Context, *batch) // sends one batch: send, or a dry run's account of it
	scratch  []byte
	now      func() time.Time
	schedule scheduler
	maxUser  int // the largest encoded user that fits in a request
	wg       sync.WaitGroup

	readMu   sync.Mutex
	messages uint64 // input messages read (readMu)

	mu          sync.Mutex
	failKind    protocol.FailureType // set when a batch failed for good; config_error wins
	failErr     error                // the failure behind failKind
	stopErr     error                // a failure that ends reading: bad credentials, fail_run, stdout
	stopSending bool                 // credentials refused, or not Insider answering: send nothing more
	logged      int
	suppress    bool
	seen        map[string]bool // streams whose first record was seen (read loop only)
	source      sourceErrors    // TRACE ERRORs of a source piped into the input (read loop only)

	// probe, when not nil, is closed once the first batch is answered:
	// with unconfirmed credentials the first batch goes alone.
	probe     chan struct{}
	probeOnce sync.Once
	probed    bool // the read loop already waited on probe
}

func newWriter(ctx context.Context, d *Destination, cfg *Config, m *mapping.Mapper, states *protocol.StateTracker) *writer {
	w := &writer{
		cfg:      cfg,
		mapper:   m,
		count:    newCounters(cfg),
		states:   noTracker{},
		log:      zerolog.Ctx(ctx),
		now:      d.now,
		schedule: d.schedule,
		maxUser:  insider.MaxBodyBytes - newBatch(cfg).Size(),
	}
	n := cfg.MaxConcurrentRequests
	if cfg.DryRun {
		w.dry = &dryRun{}
		w.deliver = func(_ context.Context, p *batch) { w.dry.batch(w, p) }
		n = 1
	} else {
		if states != nil {
			w.states = states
		}
		w.client = d.client(ctx, cfg, d.maxAttempts)
		w.deliver = w.send
	}
	w.batcher = newBatcher(cfg, n)
	w.dm = newDeletes(w, cfg)
	for range n {
		w.wg.Add(1)
		go w.sender(ctx)
	}
	return w
}

// consume reads the input until EOF, a stop, or cancellation. It returns the first failure
// for good, or the cancellation when nothing failed before it.
func (w *writer) consume(ctx context.Context, in *protocol.Reader) error {
	stop := w.startIdleFlush(ctx)
	err := w.read(ctx, in)
	stop()
	if err == nil && !w.stopped() {
		err = w.flush(ctx)
	} else {
		w.fail(w.cur.refs) // never sent: the next run delivers them
		w.cur.reset(w.cfg.SkipHook)
	}
	close(w.work)
	w.wg.Wait()
	w.dm.lane.wait()
	if err != nil && (ctx.Err() == nil || !errors.Is(err, ctx.Err())) {
		return w.withSourceError(err)
	}
	// Stopped or done: a failure for good recorded before a stop (classify leaves out the calls
	// the stop cut short) is what the run reports, not the stop that came after it.
	if res := w.result(); res != nil {
		return w.withSourceError(res)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return w.withSourceError(nil)
}

func (w *writer) read(ctx context.Context, in *protocol.Reader) error {
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if w.stopped() {
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
		w.count.add(func(s *Summary) { s.Undecodable++ })
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
		if err := w.states.State(msg); err != nil {
			return protocol.NewError(protocol.FailureSystem, "could not handle a STATE message", err)
		}
		// A slow source must not keep its states waiting in a half-full
		// batch: send it once it is old enough.
		if w.cur.userCount() > 0 && w.now().Sub(w.cur.opened) >= maxBatchAge {
			return w.flush(ctx)
		}
	}
	return nil
}

// record maps one record and adds it to the current batch.
func (w *writer) record(ctx context.Context, rec *protocol.Record) error {
	w.count.add(func(s *Summary) { s.RecordsRead++ })
	desc := protocol.StreamDescriptor{Name: rec.Stream, Namespace: rec.Namespace}
	s := w.mapper.Stream(rec.Stream)
	if err := w.mapper.NeedsIdentifiers(s, rec.Stream); err != nil {
		w.fail([]protocol.RecordRef{w.states.Record(desc)})
		w.stop(err)
		return nil
	}
	if first := !w.seen[rec.Stream]; first {
		if w.seen == nil {
			w.seen = map[string]bool{}
		}
		w.seen[rec.Stream] = true
		switch {
		case !s.Mapped():
			// Only a stream missing from the configured catalog gets here:
			// mapping.Compile refused the others.
			w.log.Warn().Str("stream", rec.Stream).Msg("records of this stream are ignored: it is not in the configured catalog, " +
				"and neither contacts nor in event_mappings nor mapped by Airbyte onto Insider's user or event object")
		case s.Prefix != "":
			w.log.Info().Str("stream", rec.Stream).Str("mapped_as", s.Name).Str("stream_prefix", s.Prefix).
				Msg("stream mapped under the connection's stream prefix")
		}
	}
	if !s.Mapped() {
		w.count.add(func(s *Summary) { s.Ignored++ })
		return w.stopOnTrackerErr(w.states.Commit(w.states.Record(desc)))
	}
	r := w.mapper.Scan(s, rec.Data)
	res := w.mapper.Map(r, w.scratch)
	ref := w.states.Record(desc)
	if res.DroppedIDs > 0 || res.Dropped > 0 {
		w.count.add(func(s *Summary) { s.DroppedIDs += int64(res.DroppedIDs); s.DroppedValues += int64(res.Dropped) })
	}
	if s.Contacts() {
		if handled, err := w.contactOp(ctx, r, &res, ref); handled || err != nil {
			return err
		}
	}
	if res.User == nil {
		if res.FailRun {
			// Deliver what came before, so that earlier states are saved.
			if err := w.flush(ctx); err != nil {
				return err
			}
			w.fail([]protocol.RecordRef{ref})
			w.stop(protocol.NewError(protocol.FailureConfig, fmt.Sprintf(
				"record %s of stream %s has an invalid identifier (%s) and invalid_identifier_policy is fail_run: fix the record or choose skip_identifier or skip_record",
				res.Key, rec.Stream, res.Detail), nil))
			return nil
		}
		return w.reject(ref, rec.Stream, res.Key, res.Reason, res.Detail)
	}
	w.scratch = res.User[:0]
	if len(res.User) > w.maxUser {
		return w.reject(ref, rec.Stream, res.Key, ReasonTooLarge,
			fmt.Sprintf("the mapped user is %d bytes, more than fits in a %d-byte request", len(res.User), insider.MaxBodyBytes))
	}
	return w.addRecord(ctx, &res, ref, rec.Stream, s.Contacts())
}

// finish returns the final counts.
func (w *writer) finish() Summary {
	s := w.count.snapshot()
	s.DroppedBy = w.mapper.DroppedBy() // the read loop, the mapper's only user, has ended
	s.HeldBack = w.states.HeldBack()
	s.StatesEchoed = int64(w.states.Echoed())
	return s
}
