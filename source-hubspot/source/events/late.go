package events

import (
	"context"
	"math"
	"slices"
	"time"

	"github.com/rs/zerolog"
)

// HubSpot lets a sender set an occurrence's occurredAt (to backdate it, and batched or retried
// sends carry the time they happened), and its occurrences API filters by occurredAt only
// (occurredAfter, occurredBefore): nothing finds the occurrences that became visible since the
// last run. So an event stream reads back over its event lookback (event_lookback_minutes,
// longer than the lookback for HubSpot's index lag) and delivers only what it did not deliver
// before: its state remembers the occurrences it delivered inside that lookback (a
// deliveredSet), by key, at most maxDeliveredKeys of them. An occurrence that becomes visible
// later than the event lookback after its occurredAt is still missed.

// lateGuard is the late-arrival bookkeeping of one event stream's run. Its set holds every
// occurrence delivered at or after set.since: those of earlier runs, from the input state, and
// those this run delivers, from its first millisecond (from) on. The two join (since moves down
// to from) once the read has passed the input set's since: until then this run's keys below it
// do not make a contiguous record. A first run (no watermark) starts from a set that covers
// everything, as nothing was delivered before it; a state with a watermark but no set (an older
// connector's) counts as a set that covers nothing (since math.MaxInt64), joined only when the
// read completes.
type lateGuard struct {
	set      *deliveredSet
	lookback time.Duration // the event lookback
	from     int64         // the first millisecond this run reads (math.MinInt64: from the beginning)
	trimmed  bool          // the set was cut to maxDeliveredKeys and the lookback shrank
	warned   bool
}

// newLateGuard starts the bookkeeping of a run reading the occurrences after lo (zero: all) from
// the input state: its set (nil: none) and whether it has a watermark.
func newLateGuard(in State, lookback time.Duration, lo time.Time) *lateGuard {
	g := &lateGuard{set: &deliveredSet{since: math.MaxInt64}, lookback: lookback, from: math.MinInt64}
	switch {
	case in.Delivered != nil:
		g.set = &deliveredSet{since: in.Delivered.since, keys: slices.Clone(in.Delivered.keys)}
	case in.OccurredAt.IsZero():
		g.set.since = math.MinInt64
	}
	if !lo.IsZero() {
		g.from = lo.UnixMilli() + 1 // occurredAfter is exclusive
	}
	return g
}

// readFrom is where the run reads from: the lower bound lo it would read from anyway, or just
// before the input set's since when that is earlier (but never before start).
func readFrom(lo, start time.Time, in *deliveredSet) time.Time {
	if lo.IsZero() || in == nil {
		return lo
	}
	s := time.UnixMilli(in.since).UTC().Add(-time.Millisecond)
	if s.Before(start) {
		s = start
	}
	if s.Before(lo) {
		return s
	}
	return lo
}

// delivered reports whether the occurrence k was delivered already.
func (g *lateGuard) delivered(k occKey) bool { return g.set.has(k) }

// note records a delivered occurrence, keeping the set within twice its cap in memory.
func (g *lateGuard) note(k occKey) {
	g.set.add(k)
	if len(g.set.keys) > 2*maxDeliveredKeys {
		g.capKeys()
	}
}

// forgetBefore drops the occurrences before ms: the set, and what this run adds to it, cover ms
// and later at most.
func (g *lateGuard) forgetBefore(ms int64) {
	if g.set.since < ms {
		g.set.trimBelow(ms)
	} else {
		g.set.dropBelow(ms)
	}
	g.from = max(g.from, ms)
}

// capKeys keeps the newest maxDeliveredKeys occurrences.
func (g *lateGuard) capKeys() {
	if n := len(g.set.keys); n > maxDeliveredKeys {
		cut := g.set.keys[n-maxDeliveredKeys].ms
		if g.set.keys[n-maxDeliveredKeys-1].ms == cut {
			cut++
		}
		g.forgetBefore(cut)
		g.trimmed = true
	}
}

// checkpoint is the set for a STATE whose watermark is w, the read having passed every
// occurrence up to pos (final: the whole run); nil when it covers nothing yet. It forgets what
// lies before the event lookback and cuts the set to its cap, warning once when that shortens
// the lookback.
func (g *lateGuard) checkpoint(ctx context.Context, stream string, w, pos time.Time, final bool) *deliveredSet {
	if final || pos.UnixMilli()+1 >= g.set.since {
		g.set.since = min(g.set.since, g.from)
	}
	g.forgetBefore(w.Add(-g.lookback).UnixMilli())
	g.capKeys()
	if g.set.since == math.MaxInt64 {
		return nil
	}
	if g.trimmed && !g.warned {
		g.warned = true
		covered := w.Sub(time.UnixMilli(g.set.since))
		zerolog.Ctx(ctx).Warn().Str("stream", stream).Int("kept", maxDeliveredKeys).
			Str("event_lookback", g.lookback.String()).Str("covered", covered.Round(time.Second).String()).
			Msgf("more occurrences of %s lie inside event_lookback_minutes than the %d the state keeps: this run looks "+
				"for late occurrences only %s back, so an occurrence that becomes visible in HubSpot later than that "+
				"after its occurredAt is missed", stream, maxDeliveredKeys, covered.Round(time.Second))
	}
	return g.set
}
