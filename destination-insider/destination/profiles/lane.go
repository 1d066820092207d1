package profiles

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
// and an upsert of a contact waits for the calls on it (awaitKey); a call waits for the
// upserts of its contacts that came before it (settle). submit, awaitKey, track and settle are
// the read loop's; the calls run in goroutines of their own.
type opLane struct {
	mu     sync.Mutex
	cond   *sync.Cond
	busy   map[string]int // contact key -> calls holding it
	active atomic.Int64   // calls in flight
	slots  chan struct{}
	wg     sync.WaitGroup

	enabled  bool                // some mode sends calls: track upserted keys for ordering
	sent     map[string]struct{} // contact keys upserted since the last settle
	overflow bool                // sent was cleared when full: the next call waits for every upsert
}

// maxTrackedKeys bounds the memory of the upserted-keys set; past it the next call waits for
// every upsert in flight instead.
const maxTrackedKeys = 1 << 17

// newOpLane returns a lane running n calls at once; enabled says that calls are made, so
// upserted keys are tracked.
func newOpLane(n int, enabled bool) *opLane {
	l := &opLane{busy: map[string]int{}, slots: make(chan struct{}, n), enabled: enabled, sent: map[string]struct{}{}}
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

// track notes that key was added to an upsert batch.
func (l *opLane) track(key string) {
	if !l.enabled || l.overflow {
		return
	}
	if len(l.sent) >= maxTrackedKeys {
		clear(l.sent)
		l.overflow = true
		return
	}
	l.sent[key] = struct{}{}
}

// settle makes sure no upsert of keys is pending or in flight before a call on them starts:
// when one may be, drain sends the batch being filled and waits for every batch in flight.
func (l *opLane) settle(ctx context.Context, keys []string, drain func(context.Context) error) error {
	need := l.overflow
	for _, k := range keys {
		if _, ok := l.sent[k]; ok {
			need = true
		}
	}
	if !need {
		return nil
	}
	if err := drain(ctx); err != nil {
		return err
	}
	clear(l.sent)
	l.overflow = false
	return nil
}
