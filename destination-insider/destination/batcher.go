package destination

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/destination-insider/mapping"
	"github.com/insider-hubspot/connectors/protocol"
)

// The batcher holds the batch the read loop fills and the window of batches
// in flight. Batches are reused: there are senders+1 of them, so memory is
// bounded by the window. Bodies in flight are also bounded in bytes, by a
// budget sized so that max_concurrent_requests requests of the largest size
// the batch settings allow fly at once.

// keptBatchBytes is the largest batch buffer kept for reuse; a batch of
// huge users gives its buffer back once sent.
const keptBatchBytes = 2 << 20

// maxBatchAge is how long a batch may wait for more users once a STATE
// arrives behind it; older batches are sent so the state can be echoed.
const maxBatchAge = 30 * time.Second

// batch is one request being filled or in flight: its users, events and their records, and the
// attribute deletions of its contacts' empty values (clear_empty_values), sent once the upsert
// is accepted.
type batch struct {
	body   *insider.Batch
	clears *insider.AttributeDeletes
	// clearOf is, per record, the index of its user in clears; -1 when it clears nothing.
	clearOf []int
	refs    []protocol.RecordRef
	keys    []string // primary key per user, for logs
	events  []int
	stream  []string
	weight  int64     // bytes of the budget held while in flight
	opened  time.Time // when the first user was added

	// Per record: the index of its user object in body (noUser for a contact with only values
	// to clear), and of its event in that user's events.
	user, evIndex []int
	// Event users of contacts not yet in body: events of one contact
	// share a user object (an eventGroup), appended to body by materialize.
	groups     []*eventGroup
	byIDs      map[string]int
	groupBytes int
	scratch    []byte
	// aud holds the batch's list memberships (audience_attribute); nil until the first.
	aud *audiencePart
	// updates are the users in body of records of update streams (mapping.OperationUpdate):
	// upserted only when Insider already has a profile for them. nil until the first.
	updates map[int]bool
}

// noUser is the user index of a record that upserts nothing (it only clears values).
const noUser = -2

// newPending returns an empty batch of cfg.
func newPending(cfg *Config) *batch {
	return &batch{body: newBatch(cfg), clears: insider.NewAttributeDeletes()}
}

func (p *batch) reset(skipHook bool) {
	if p.body.Cap() > keptBatchBytes {
		cb := p.body.ErrorCallback()
		p.body = insider.NewBatch(skipHook) // let a batch of huge users go
		p.body.SetErrorCallback(cb)
	}
	p.body.Reset(skipHook)
	if p.clears.Cap() > keptBatchBytes {
		p.clears = insider.NewAttributeDeletes()
	}
	p.clears.Reset()
	p.clearOf = p.clearOf[:0]
	p.refs, p.keys, p.events, p.stream = p.refs[:0], p.keys[:0], p.events[:0], p.stream[:0]
	p.user, p.evIndex, p.groups, p.groupBytes = p.user[:0], p.evIndex[:0], p.groups[:0], 0
	clear(p.byIDs)
	clear(p.updates)
	if p.aud != nil {
		p.aud.reset()
	}
}

// userCount is the number of user objects the batch will hold, its list memberships' users
// included.
func (p *batch) userCount() int { return p.body.Len() + len(p.groups) + p.aud.userCount() }

// records is the number of records in the batch, its list memberships included.
func (p *batch) records() int { return len(p.refs) + p.aud.records() }

// clearsFull reports whether a clear of n bytes (0: none) would not fit in the batch's
// attribute-delete request of at most limit users.
func (p *batch) clearsFull(n, limit int) bool {
	return n > 0 && (p.clears.Len() >= limit || p.clears.SizeWith(n) > insider.MaxBodyBytes)
}

// sizeWith bounds the body size after adding extra bytes (one user or one
// event); it may exceed the exact size by a few bytes, never fall short.
func (p *batch) sizeWith(extra int) int {
	return p.body.Size() + p.groupBytes + len(p.groups) + extra + 1
}

// groupOf returns the event group of an identifiers prefix, or nil.
func (p *batch) groupOf(ids []byte) *eventGroup {
	if i, ok := p.byIDs[string(ids)]; ok {
		return p.groups[i]
	}
	return nil
}

// extraFor is what adding res would add to the batch: the bytes, and whether it is a new user
// object (an event of a contact already in the batch joins its user object).
func (p *batch) extraFor(res *mapping.Result) (bytes int, newUser bool) {
	if res.User == nil {
		return 0, false // only values to clear
	}
	if ids, event, ok := res.Event(); ok && p.groupOf(ids) != nil {
		return len(event) + 1, false
	}
	return len(res.User), true
}

// add puts a mapped record into the batch: a contact as its own user, an
// event into its contact's user object. update marks a user of an update
// stream, upserted only when Insider already has it.
func (p *batch) add(res *mapping.Result, ref protocol.RecordRef, stream string, update bool) {
	p.refs = append(p.refs, ref)
	p.keys = append(p.keys, res.Key)
	p.events = append(p.events, res.Events)
	p.stream = append(p.stream, stream)
	p.clearOf = append(p.clearOf, -1)
	rec := len(p.refs) - 1
	if res.Clear != nil {
		p.clearOf[rec] = p.clears.Len()
		p.clears.Add(res.Clear)
	}
	if res.User == nil {
		p.user = append(p.user, noUser)
		p.evIndex = append(p.evIndex, 0)
		return
	}
	ids, event, ok := res.Event()
	if !ok {
		if update {
			if p.updates == nil {
				p.updates = map[int]bool{}
			}
			p.updates[p.body.Len()] = true
		}
		p.user = append(p.user, p.body.Len())
		p.evIndex = append(p.evIndex, 0)
		p.body.Add(res.User)
		return
	}
	g := p.groupOf(ids)
	if g == nil {
		if p.byIDs == nil {
			p.byIDs = map[string]int{}
		}
		g = newEventGroup(ids)
		p.byIDs[string(ids)] = len(p.groups)
		p.groups = append(p.groups, g)
	} else {
		p.groupBytes -= g.size
	}
	p.user = append(p.user, -1) // set by materialize
	p.evIndex = append(p.evIndex, len(g.events))
	g.add(event, rec)
	p.groupBytes += g.size
}

// materialize appends the event groups to the body, so the batch can be sent.
func (p *batch) materialize() {
	for _, g := range p.groups {
		u := p.body.Len()
		p.scratch = g.encode(p.scratch[:0])
		p.body.Add(p.scratch)
		for _, r := range g.recs {
			p.user[r] = u
		}
	}
	p.groups, p.groupBytes = p.groups[:0], 0
	clear(p.byIDs)
	p.aud.materialize()
}

// batcher is the read loop's side of the window: the current batch, the free
// ones and the byte budget. Only the read loop (or the idle flush, which
// excludes it) calls its methods; senders only call done.
type batcher struct {
	cfg      *Config
	cur      *batch
	free     chan *batch         // batches not in use
	budget   *semaphore.Weighted // bytes of request bodies in flight
	capacity int64               // the budget's size
	work     chan *batch         // batches for the senders
	senders  sync.WaitGroup
	// probe, when not nil, is closed once the first batch is answered:
	// with unconfirmed credentials the first batch goes alone.
	probe     chan struct{}
	probeOnce sync.Once
	probed    bool // the read loop already waited on probe
}

// requestBudget is the byte budget of max_concurrent_requests requests in
// flight. batch_size does not lower it: one user may fill a whole request,
// so the largest request any batch settings allow is Insider's limit.
func requestBudget(senders int) int64 { return int64(max(senders, 1)) * insider.MaxBodyBytes }

// newBatcher returns the batcher of n senders. probe says that the first batch goes alone: the
// next is not handed over before it is answered.
func newBatcher(cfg *Config, n int, probe bool) *batcher {
	b := &batcher{cfg: cfg, capacity: requestBudget(n), free: make(chan *batch, n+1), work: make(chan *batch)}
	b.budget = semaphore.NewWeighted(b.capacity)
	if probe {
		b.probe = make(chan struct{})
	}
	for range n + 1 {
		b.free <- newPending(cfg)
	}
	b.cur = <-b.free
	return b
}

// start starts the senders, each of which sends the batches it is handed with upsert.
func (b *batcher) start(ctx context.Context, upsert func(context.Context, *batch)) {
	for range cap(b.free) - 1 {
		b.senders.Add(1)
		go b.run(ctx, upsert)
	}
}

// run sends batches from b.work with upsert until it is closed, and returns each to b.free.
func (b *batcher) run(ctx context.Context, upsert func(context.Context, *batch)) {
	defer b.senders.Done()
	for p := range b.work {
		upsert(ctx, p)
		if b.probe != nil {
			b.probeOnce.Do(func() { close(b.probe) })
		}
		b.done(p)
	}
}

// close ends the senders once they have sent what they were handed.
func (b *batcher) close() {
	close(b.work)
	b.senders.Wait()
}

// flush hands the current batch to a sender and takes an empty one; it
// blocks while the window of in-flight requests is full.
func (b *batcher) flush(ctx context.Context) error {
	if b.cur.records() == 0 {
		return nil
	}
	b.cur.materialize()
	if err := b.hand(ctx); err != nil {
		return err
	}
	if err := b.awaitProbe(ctx); err != nil {
		b.cur = newPending(b.cfg) // the handed batch is the sender's
		return err
	}
	return b.next(ctx)
}

// drain sends the current batch and waits until no other batch is in flight.
func (b *batcher) drain(ctx context.Context) error {
	if err := b.flush(ctx); err != nil {
		return err
	}
	// Every batch but the current one is free or in flight: taking them all waits for the
	// senders to finish.
	back, err := b.quiesce(ctx)
	back()
	return err
}

// hand passes the current batch to a sender once the budget has room for
// its body; it blocks while the window is full.
func (b *batcher) hand(ctx context.Context) error {
	p := b.cur
	p.weight = min(int64(p.body.Size()+p.clears.Size()+p.aud.bodyBytes()), b.capacity)
	if err := b.budget.Acquire(ctx, p.weight); err != nil {
		p.weight = 0
		return err
	}
	select {
	case b.work <- p:
		return nil
	case <-ctx.Done():
		b.budget.Release(p.weight)
		p.weight = 0
		return ctx.Err()
	}
}

// awaitProbe waits, once, for the first batch to be answered when the
// credentials were not confirmed before the run.
func (b *batcher) awaitProbe(ctx context.Context) error {
	if b.probe == nil || b.probed {
		return nil
	}
	b.probed = true
	select {
	case <-b.probe:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// next makes an empty batch current once the current one was handed over.
// When ctx ends first the current batch becomes a fresh one, so that the
// batch now in a sender's hands is not touched again.
func (b *batcher) next(ctx context.Context) error {
	select {
	case b.cur = <-b.free:
		b.cur.reset(b.cfg.SkipHook)
		return nil
	case <-ctx.Done():
		b.cur = newPending(b.cfg)
		return ctx.Err()
	}
}

// done gives a sent batch's budget back and returns it to the free batches.
func (b *batcher) done(p *batch) {
	b.budget.Release(p.weight)
	p.weight = 0
	p.reset(b.cfg.SkipHook) // drops the buffer of a huge batch now
	b.free <- p
}

// quiesce waits until no batch but the current one is in flight, and
// returns a function that puts the free batches back.
func (b *batcher) quiesce(ctx context.Context) (func(), error) {
	n := cap(b.free) - 1
	held := make([]*batch, 0, n)
	back := func() {
		for _, p := range held {
			b.free <- p
		}
	}
	for range n {
		select {
		case p := <-b.free:
			held = append(held, p)
		case <-ctx.Done():
			back()
			return func() {}, ctx.Err()
		}
	}
	return back, nil
}
