package destination

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/destination-insider/insider"
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
	if err := checkStreams(cfg, catalog); err != nil {
		return err
	}
	ws, startErr := d.startWrite(ctx, cfg, zerolog.Ctx(ctx))
	w := newWriter(ctx, d, cfg, catalog, states, ws.opts...)
	if !ws.confirmed {
		w.probe = make(chan struct{})
	}
	start := d.now()
	var runErr error
	if startErr != nil {
		runErr = w.abort(startErr)
	} else {
		runErr = w.run(ctx, in)
	}
	if w.client != nil {
		w.client.CloseIdleConnections()
	}
	sum := w.finish()
	sum.Duration = d.now().Sub(start)
	sum.log(w.log)
	if d.onSummary != nil {
		d.onSummary(sum)
	}
	d.sendAlerts(ctx, sum, runErr)
	return runErr
}

// writer is the state of one Write.
type writer struct {
	cfg     *Config
	catalog *protocol.ConfiguredCatalog
	client  *insider.Client
	mapper  *mapper
	dm      *deletes               // archived and merged contacts (deletes.go)
	states  *protocol.StateTracker // nil in a dry run
	log     *zerolog.Logger
	count   counters
	dry     *dryRun
	scratch []byte
	now     func() time.Time

	cur    *pending
	free   chan *pending // batches not in use; bounds memory to the window
	budget chan struct{} // one token per MiB of request bodies in flight
	work   chan *pending
	wg     sync.WaitGroup

	mu          sync.Mutex
	failKind    protocol.FailureType // set when a batch failed for good; config_error wins
	failErr     error                // the failure behind failKind
	stopErr     error                // a failure that ends reading: bad credentials, fail_run, stdout
	stopSending bool                 // credentials refused, or not Insider answering: send nothing more
	logged      int
	suppress    bool
	seen        map[string]bool // streams whose first record was seen (read loop only)

	// probe, when not nil, is closed once the first batch is answered:
	// with unconfirmed credentials the first batch goes alone.
	probe     chan struct{}
	probeOnce sync.Once
	probed    bool // the read loop already waited on probe
}

// Memory bounds. Batches of ordinary users stay far below them; they
// matter when users are megabytes large.
const (
	// inflightBudget bounds the bytes of request bodies in flight at once,
	// counted in whole MiB; a batch larger than it still goes alone.
	inflightBudget = 8 << 20
	budgetUnit     = 1 << 20
	// keptBatchBytes is the largest batch buffer kept for reuse.
	keptBatchBytes = 2 << 20
)

// maxBatchAge is how long a batch may wait for more users once a STATE
// arrives behind it; older batches are sent so the state can be echoed.
const maxBatchAge = 30 * time.Second

// pending is one batch being filled or in flight, with its records.
type pending struct {
	body   *insider.Batch
	refs   []protocol.RecordRef
	keys   []string // primary key per user, for logs
	events []int
	stream []string
	tokens int       // budget tokens held while in flight
	opened time.Time // when the first user was added

	// Per record: the index of its user object in body, and of its event
	// in that user's events (see group.go).
	user, evIndex []int
	// Event users of contacts not yet in body: events of one contact
	// share a user object, appended to body by materialize.
	groups     []*eventGroup
	byIDs      map[string]int
	groupBytes int
	scratch    []byte
}

func (p *pending) reset(skipHook bool) {
	if p.body.Cap() > keptBatchBytes {
		cb := p.body.ErrorCallback()
		p.body = insider.NewBatch(skipHook) // let a batch of huge users go
		p.body.SetErrorCallback(cb)
	}
	p.body.Reset(skipHook)
	p.refs, p.keys, p.events, p.stream = p.refs[:0], p.keys[:0], p.events[:0], p.stream[:0]
	p.user, p.evIndex, p.groups, p.groupBytes = p.user[:0], p.evIndex[:0], p.groups[:0], 0
	clear(p.byIDs)
}

func newWriter(ctx context.Context, d *Destination, cfg *Config, catalog *protocol.ConfiguredCatalog, states *protocol.StateTracker, mopts ...mapperOption) *writer {
	w := &writer{
		cfg:     cfg,
		catalog: catalog,
		mapper:  newMapper(cfg, catalog, mopts...),
		states:  states,
		log:     zerolog.Ctx(ctx),
		now:     d.now,
	}
	w.count.s.DryRun = cfg.DryRun
	w.count.s.AlertWebhookURL = cfg.AlertWebhookURL
	w.count.s.AlertRejectRatio = cfg.AlertRejectRatio
	n := cfg.MaxConcurrentRequests
	if cfg.DryRun {
		w.states = nil
		w.dry = &dryRun{}
		n = 0
	} else {
		w.client = d.client(ctx, cfg, d.maxAttempts)
	}
	w.budget = make(chan struct{}, inflightBudget/budgetUnit)
	w.free = make(chan *pending, n+1)
	for range n + 1 {
		w.free <- &pending{body: newBatch(cfg)}
	}
	w.cur = <-w.free
	w.dm = newDeletes(w, cfg, catalog)
	w.work = make(chan *pending)
	for range n {
		w.wg.Add(1)
		go w.sender(ctx)
	}
	return w
}

// run reads the input until EOF, a stop, or cancellation.
func (w *writer) run(ctx context.Context, in *protocol.Reader) error {
	err := w.mapper.checkCatalog(w.catalog)
	if err == nil {
		err = w.read(ctx, in)
	}
	if err == nil && !w.stopped() {
		err = w.flush(ctx)
	} else {
		w.fail(w.cur.refs) // never sent: the next run delivers them
		w.cur.reset(w.cfg.SkipHook)
	}
	close(w.work)
	w.wg.Wait()
	w.dm.lane.wait()
	if err != nil {
		return err
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return w.result()
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
		var le *protocol.LineError
		if errors.As(err, &le) {
			w.log.Warn().Int("line", le.Line).Err(le.Err).Msg("skipped an input line that is not an Airbyte message")
			w.count.add(func(s *Summary) { s.Undecodable++ })
			continue
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err() // stopped while waiting for input
			}
			return protocol.NewError(protocol.FailureSystem, "could not read the input messages", err)
		}
		switch msg.Type {
		case protocol.TypeRecord:
			if err := w.record(ctx, msg.Record); err != nil {
				return err
			}
		case protocol.TypeState:
			if w.states != nil {
				if err := w.states.State(msg); err != nil {
					return protocol.NewError(protocol.FailureSystem, "could not handle a STATE message", err)
				}
			}
			// A slow source must not keep its states waiting in a
			// half-full batch: send it once it is old enough.
			if w.cur.userCount() > 0 && w.now().Sub(w.cur.opened) >= maxBatchAge {
				if err := w.flush(ctx); err != nil {
					return err
				}
			}
		}
	}
}

// record maps one record and adds it to the current batch.
func (w *writer) record(ctx context.Context, rec *protocol.Record) error {
	w.count.add(func(s *Summary) { s.RecordsRead++ })
	desc := protocol.StreamDescriptor{Name: rec.Stream, Namespace: rec.Namespace}
	sm := w.mapper.match(rec.Stream)
	p := sm.plan
	if err := needsIdentifiers(w.cfg, p, rec.Stream); err != nil {
		if w.states != nil {
			w.fail([]protocol.RecordRef{w.states.Record(desc)})
		}
		w.stop(err)
		return nil
	}
	if first := !w.seen[rec.Stream]; first {
		if w.seen == nil {
			w.seen = map[string]bool{}
		}
		w.seen[rec.Stream] = true
		switch {
		case p == nil:
			// Only a stream missing from the configured catalog gets here:
			// checkCatalog refused the others.
			w.log.Warn().Str("stream", rec.Stream).Msg("records of this stream are ignored: it is not in the configured catalog, " +
				"and neither contacts nor in event_mappings nor mapped by Airbyte onto Insider's user or event object")
		case sm.prefix != "":
			w.log.Info().Str("stream", rec.Stream).Str("mapped_as", sm.name).Str("stream_prefix", sm.prefix).
				Msg("stream mapped under the connection's stream prefix")
		}
	}
	if p == nil {
		w.count.add(func(s *Summary) { s.Ignored++ })
		if w.states != nil {
			return w.outcome(w.states.Commit(w.states.Record(desc)))
		}
		return nil
	}
	res := w.mapper.Map(p, rec.Data, w.scratch)
	var ref protocol.RecordRef
	if w.states != nil {
		ref = w.states.Record(desc)
	}
	if res.DroppedIDs > 0 || res.Dropped > 0 {
		w.count.add(func(s *Summary) { s.DroppedIDs += int64(res.DroppedIDs); s.DroppedValues += int64(res.Dropped) })
	}
	if p == w.mapper.contacts {
		if handled, err := w.contactOp(ctx, rec.Data, &res, ref); handled || err != nil {
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
	if newBatch(w.cfg).SizeWith(len(res.User)) > insider.MaxBodyBytes {
		return w.reject(ref, rec.Stream, res.Key, ReasonTooLarge,
			fmt.Sprintf("the mapped user is %d bytes, more than fits in a %d-byte request", len(res.User), insider.MaxBodyBytes))
	}
	return w.addRecord(ctx, &res, ref, rec.Stream, p == w.mapper.contacts)
}

// flush hands the current batch to a sender and takes an empty one; it
// blocks while the window of in-flight requests is full.
func (w *writer) flush(ctx context.Context) error {
	if w.cur.userCount() == 0 {
		return nil
	}
	w.cur.materialize()
	if w.dry != nil {
		w.dry.batch(w, w.cur)
		w.cur.reset(w.cfg.SkipHook)
		return nil
	}
	need := min((w.cur.body.Size()+budgetUnit-1)/budgetUnit, cap(w.budget))
	for w.cur.tokens < need {
		select {
		case w.budget <- struct{}{}:
			w.cur.tokens++
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	select {
	case w.work <- w.cur:
	case <-ctx.Done():
		return ctx.Err()
	}
	if err := w.awaitProbe(ctx); err != nil {
		return err
	}
	select {
	case w.cur = <-w.free:
	case <-ctx.Done():
		return ctx.Err()
	}
	w.cur.reset(w.cfg.SkipHook)
	return nil
}

// finish returns the final counts.
func (w *writer) finish() Summary {
	s := w.count.snapshot()
	s.DroppedBy = maps.Clone(w.mapper.droppedBy) // the read loop, the mapper's only user, has ended
	if w.states != nil {
		s.HeldBack = w.states.HeldBack()
		s.StatesEchoed = int64(w.states.Echoed())
	}
	return s
}
