package profiles

import (
	"context"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/destination-insider/mapping"
	"github.com/insider-hubspot/connectors/protocol"
)

// Change makes the calls of c once the upserts of the contacts before them are done, and in
// order with the other calls on them; it upserts the contact itself, after them, and settles
// its record. upserted is always true: the contact does not join a batch.
func (o *Ops) Change(ctx context.Context, c *Change) (upserted bool, err error) {
	// The read loop reuses its buffers.
	c.User = append([]byte(nil), c.User...)
	c.Clear = append([]byte(nil), c.Clear...)
	if len(c.Clear) == 0 {
		c.Clear = nil
	}
	keys := []string{c.Key}
	if c.Merge != nil {
		keys = append(keys, c.Merge.Merged...)
	}
	if err := o.lane.settle(ctx, keys, o.drain); err != nil {
		return true, err
	}
	return true, o.lane.submit(ctx, keys, func() { o.runChange(ctx, c) })
}

// runChange changes the contact's profile, then upserts the contact alone and clears its
// empty values. A call that fails for good holds the record back (the next run makes the calls
// again: each is idempotent); Insider refusing one change is counted and logged, and the rest
// goes on.
func (o *Ops) runChange(ctx context.Context, c *Change) {
	if o.report.Outcome.SendingStopped() {
		o.report.Fail(c.Ref)
		return
	}
	if c.Merge != nil {
		for _, id := range c.Merge.Merged {
			if !o.mergeAway(ctx, c, id) {
				return
			}
		}
	}
	for _, ch := range c.Changes.Rekeys {
		if !o.rekey(ctx, c, ch) {
			return
		}
	}
	for _, ch := range c.Changes.Cleared {
		if !o.removeIdentifier(ctx, c, ch) {
			return
		}
	}
	if len(c.Changes.Invalid) > 0 {
		o.report.Counts.Add(func(s *settle.Summary) { s.AddRefused(settle.RefusalInvalidOld, len(c.Changes.Invalid)) })
		o.report.CountOn(c.Ref, settle.StatRekeyRefused, int64(len(c.Changes.Invalid)))
	}
	if c.User != nil {
		// Claimed before the upsert: a profile letting go of one of its identifiers while the
		// upsert is under way finds the claim.
		o.book.claim(c.Key, c.User, c.Email, c.Phone)
		rejected, unknown, err := o.upsertOne(ctx, c.User)
		switch {
		case err != nil:
			o.report.CallFailed(ctx, []protocol.RecordRef{c.Ref}, "upsert", err)
			return
		case unknown:
			_ = o.report.Skip(c.Ref, settle.ReasonNotInInsider)
			return
		case rejected != nil:
			_ = o.report.Reject(c.Ref, mapping.ContactsStream, c.Key, settle.ReasonInsider, settle.MaskMessages(rejected))
			return
		}
		o.report.Counts.Add(func(s *settle.Summary) { s.UsersUpserted++; s.EventsSent += int64(c.Events) })
	}
	if c.Clear != nil && !o.clearOne(ctx, c) {
		return
	}
	_ = o.report.Commit(c.Ref)
}
