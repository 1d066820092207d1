package destination

import (
	"context"
	"sync"
	"sync/atomic"
)

// opConcurrency is how many delete, anonymize or merge calls run at once; their rate limits
// bound them further.
const opConcurrency = 8

// opLane runs the calls of archived and merged records concurrently while keeping the order
// of the records of each contact: a call waits for an earlier call on any of its contact keys,
// and an upsert of a contact waits for the calls on it (awaitKey). Upserts before a call on
// the same contact are handled by writer.settle. Safe for concurrent use.
type opLane struct {
	mu     sync.Mutex
	cond   *sync.Cond
	busy   map[string]int // contact key -> calls holding it
	active atomic.Int64   // calls in flight
	slots  chan struct{}
	wg     sync.WaitGroup
}

func newOpLane(n int) *opLane {
	l := &opLane{busy: map[string]int{}, slots: make(chan struct{}, n)}
	l.cond = sync.NewCond(&l.mu)
	return l
}

// submit runs fn in its own goroutine once a slot is free and no earlier call holds one of
// keys; it returns at once after that. A call that waits for a key runs after the call
// holding it is done.
func (l *opLane) submit(ctx context.Context, keys []string, fn func()) error {
	select {
	case l.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	l.mu.Lock()
	for l.holds(keys) {
		l.cond.Wait() // woken by every finished call; calls end when ctx ends
	}
	for _, k := range keys {
		l.busy[k]++
	}
	l.mu.Unlock()
	l.active.Add(1)
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		fn()
		l.mu.Lock()
		for _, k := range keys {
			if l.busy[k]--; l.busy[k] <= 0 {
				delete(l.busy, k)
			}
		}
		l.active.Add(-1)
		l.cond.Broadcast()
		l.mu.Unlock()
		<-l.slots
	}()
	return nil
}

// holds reports whether a call in flight holds one of keys; l.mu is held.
func (l *opLane) holds(keys []string) bool {
	for _, k := range keys {
		if l.busy[k] > 0 {
			return true
		}
	}
	return false
}

// awaitKey blocks while a call on key is in flight.
func (l *opLane) awaitKey(key string) {
	if l.active.Load() == 0 {
		return
	}
	l.mu.Lock()
	for l.busy[key] > 0 {
		l.cond.Wait()
	}
	l.mu.Unlock()
}

// wait blocks until every submitted call is done.
func (l *opLane) wait() { l.wg.Wait() }

// track notes that key was added to an upsert batch (read loop only).
func (d *deletes) track(key string) {
	if !d.enabled || d.overflow {
		return
	}
	if len(d.sent) >= maxTrackedKeys {
		clear(d.sent)
		d.overflow = true
		return
	}
	d.sent[key] = struct{}{}
}

// settle makes sure no upsert of keys is pending or in flight before a call on them starts:
// when one may be, the current batch is sent and every batch in flight is waited for. Read
// loop only.
func (w *writer) settle(ctx context.Context, keys []string) error {
	d := w.dm
	need := d.overflow
	for _, k := range keys {
		if _, ok := d.sent[k]; ok {
			need = true
		}
	}
	if !need {
		return nil
	}
	if err := w.flush(ctx); err != nil {
		return err
	}
	// Every batch but the current one is free or in flight: taking them all waits for the
	// senders to finish.
	back, err := w.quiesce(ctx)
	defer back()
	if err != nil {
		return err
	}
	clear(d.sent)
	d.overflow = false
	return nil
}
