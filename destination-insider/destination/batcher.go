package destination

import (
	"context"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/insider-hubspot/connectors/destination-insider/insider"
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

// batch is one request being filled or in flight: its users, events and their records.
type batch struct {
	body   *insider.Batch
	refs   []protocol.RecordRef
	keys   []string // primary key per user, for logs
	events []int
	stream []string
	weight int64     // bytes of the budget held while in flight
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

func (p *batch) reset(skipHook bool) {
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
}

// requestBudget is the byte budget of max_concurrent_requests requests in
// flight. batch_size does not lower it: one user may fill a whole request,
// so the largest request any batch settings allow is Insider's limit.
func requestBudget(senders int) int64 { return int64(max(senders, 1)) * insider.MaxBodyBytes }

func newBatcher(cfg *Config, senders int) batcher {
	b := batcher{cfg: cfg, capacity: requestBudget(senders), free: make(chan *batch, senders+1), work: make(chan *batch)}
	b.budget = semaphore.NewWeighted(b.capacity)
	for range senders + 1 {
		b.free <- &batch{body: newBatch(cfg)}
	}
	b.cur = <-b.free
	return b
}

// hand passes the current batch to a sender once the budget has room for
// its body; it blocks while the window is full.
func (b *batcher) hand(ctx context.Context) error {
	p := b.cur
	p.weight = min(int64(p.body.Size()), b.capacity)
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

// next makes an empty batch current once the current one was handed over.
// When ctx ends first the current batch becomes a fresh one, so that the
// batch now in a sender's hands is not touched again.
func (b *batcher) next(ctx context.Context) error {
	select {
	case b.cur = <-b.free:
		b.cur.reset(b.cfg.SkipHook)
		return nil
	case <-ctx.Done():
		b.cur = &batch{body: newBatch(b.cfg)}
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

// flush hands the current batch to a sender and takes an empty one; it
// blocks while the window of in-flight requests is full.
func (w *writer) flush(ctx context.Context) error {
	if w.cur.userCount() == 0 {
		return nil
	}
	w.cur.materialize()
	if err := w.hand(ctx); err != nil {
		return err
	}
	if err := w.awaitProbe(ctx); err != nil {
		w.cur = &batch{body: newBatch(w.cfg)} // the handed batch is the sender's
		return err
	}
	return w.next(ctx)
}
