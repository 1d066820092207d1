package destination

import (
	"context"

	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/destination-insider/mapping"
	"github.com/insider-hubspot/connectors/protocol"
)

// membership handles a list_memberships record (audience_attribute): its changes of the
// contact's audience attribute join the batch being filled, where they coalesce with the other
// changes of the same user. A change waits for an opposite change of the same name for the same
// user that an earlier batch still has in flight, so that the last change wins whatever the
// order in which the requests are answered.
func (w *writer) membership(ctx context.Context, r mapping.Record, ref protocol.RecordRef, stream string) error {
	ms := w.mapper.Membership(r)
	w.countDropped(ms.DroppedIDs, 0)
	if ms.IDs == nil {
		return w.refuse(ctx, ref, stream, ms.Key, ms.Reason, ms.Detail, ms.FailRun)
	}
	changes := membershipChanges(&ms)
	if w.flight.opposes(ms.IDs, changes) {
		if err := w.drain(ctx); err != nil {
			return err
		}
	}
	a := w.cur.audience(w.cfg, w.flight)
	extra, newUser := a.extraFor(ms.IDs, changes)
	if (newUser && w.cur.userCount() >= w.cfg.BatchSize) || a.size+extra > insider.MaxBodyBytes {
		if err := w.flush(ctx); err != nil {
			return err
		}
		a = w.cur.audience(w.cfg, w.flight)
	}
	if w.cur.records() == 0 {
		w.cur.opened = w.now()
	}
	a.add(ms.IDs, changes, ref, ms.Key, stream)
	return nil
}

// audience returns the batch's list memberships, made on first use.
func (p *batch) audience(cfg *Config, flight *audienceFlight) *audiencePart {
	if p.aud == nil {
		p.aud = newAudiencePart(cfg, flight)
	}
	return p.aud
}

// audienceRefs are the records of the batch's list memberships.
func (p *batch) audienceRefs() []protocol.RecordRef {
	if p.aud == nil {
		return nil
	}
	return p.aud.refs
}

// sendBatch sends one batch: its upserts, then its list memberships. The batcher's senders call
// it.
func (w *writer) sendBatch(ctx context.Context, p *batch) {
	if len(p.refs) > 0 {
		w.send.upsert(ctx, p)
	}
	if p.aud.records() > 0 {
		w.send.audience(ctx, p.aud)
		w.flight.release(p.aud)
	}
}
