package fakehttp

import (
	"sync"
	"time"
)

// StatusFault is a queued error answer: Status for the next N requests, with a Retry-After
// header when RetryAfter is positive.
type StatusFault struct {
	Status     int
	N          int
	RetryAfter time.Duration
}

// Faults holds the per-endpoint faults both fakes offer: added latency, dropped connections and
// queued error answers. Entries for an endpoint are consulted before those for the wildcard
// endpoint any. It is safe for concurrent use.
type Faults[E comparable] struct {
	any      E
	mu       sync.Mutex
	lat      map[E]time.Duration
	drops    map[E]int
	statuses map[E][]StatusFault
}

// NewFaults returns empty Faults whose wildcard endpoint is any.
func NewFaults[E comparable](any E) *Faults[E] {
	f := &Faults[E]{any: any}
	f.Clear()
	return f
}

// Clear removes every fault.
func (f *Faults[E]) Clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lat, f.drops, f.statuses = map[E]time.Duration{}, map[E]int{}, map[E][]StatusFault{}
}

// SetLatency delays every answer of ep by d; zero removes the delay.
func (f *Faults[E]) SetLatency(ep E, d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if d <= 0 {
		delete(f.lat, ep)
		return
	}
	f.lat[ep] = d
}

// Latency returns the delay of ep's answers.
func (f *Faults[E]) Latency(ep E) time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	if d, ok := f.lat[ep]; ok {
		return d
	}
	return f.lat[f.any]
}

// AddDrops makes the next n requests to ep get a dropped connection.
func (f *Faults[E]) AddDrops(ep E, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.drops[ep] += n
}

// TakeDrop reports whether this request to ep is to be dropped, using up one drop.
func (f *Faults[E]) TakeDrop(ep E) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, e := range []E{ep, f.any} {
		if f.drops[e] > 0 {
			f.drops[e]--
			return true
		}
	}
	return false
}

// Queue adds sf to ep's queue of error answers; queued faults are served in order.
func (f *Faults[E]) Queue(ep E, sf StatusFault) {
	if sf.N <= 0 {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.statuses[ep] = append(f.statuses[ep], sf)
}

// TakeStatus returns the error answer for this request to ep, if one is queued, using it up.
func (f *Faults[E]) TakeStatus(ep E) (StatusFault, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, e := range []E{ep, f.any} {
		q := f.statuses[e]
		if len(q) == 0 {
			continue
		}
		sf := q[0]
		q[0].N--
		if q[0].N <= 0 {
			q = q[1:]
		}
		f.statuses[e] = q
		return sf, true
	}
	return StatusFault{}, false
}
