package destination

import (
	"context"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/destination-insider/mapping"
	"github.com/insider-hubspot/connectors/protocol"
)

// profile makes the calls once the upserts of the contacts before them are done, and in order
// with the other calls on them; it upserts the contact itself, after them.
func (s *insiderSender) profile(ctx context.Context, c *profileCall) (bool, error) {
	// The read loop reuses its buffers.
	c.user = append([]byte(nil), c.user...)
	c.clear = append([]byte(nil), c.clear...)
	if len(c.clear) == 0 {
		c.clear = nil
	}
	keys := []string{c.key}
	if c.merge != nil {
		keys = append(keys, c.merge.Merged...)
	}
	if err := s.lane.settle(ctx, keys, s.drain); err != nil {
		return true, err
	}
	return true, s.lane.submit(ctx, keys, func() { s.runProfile(ctx, c) })
}

// runProfile changes the contact's profile, then upserts the contact alone and clears its
// empty values. A call that fails for good holds the record back (the next run makes the calls
// again: each is idempotent); Insider refusing one change is counted and logged, and the rest
// goes on.
func (s *insiderSender) runProfile(ctx context.Context, c *profileCall) {
	if s.report.Outcome.SendingStopped() {
		s.report.Fail(c.ref)
		return
	}
	if c.merge != nil {
		for _, id := range c.merge.Merged {
			if !s.mergeAway(ctx, c, id) {
				return
			}
		}
	}
	for _, ch := range c.changes.Rekeys {
		if !s.rekey(ctx, c, ch) {
			return
		}
	}
	for _, ch := range c.changes.Cleared {
		if !s.removeIdentifier(ctx, c, ch) {
			return
		}
	}
	if len(c.changes.Invalid) > 0 {
		s.report.Counts.Add(func(s *settle.Summary) { s.AddRefused(settle.RefusalInvalidOld, len(c.changes.Invalid)) })
		s.report.CountOn(c.ref, settle.StatRekeyRefused, int64(len(c.changes.Invalid)))
	}
	if c.user != nil {
		// Claimed before the upsert: a profile letting go of one of its identifiers while the
		// upsert is under way finds the claim.
		s.book.claim(c.key, c.user, c.email, c.phone)
		rejected, unknown, err := s.upsertOne(ctx, c.user)
		switch {
		case err != nil:
			s.report.CallFailed(ctx, []protocol.RecordRef{c.ref}, "upsert", err)
			return
		case unknown:
			_ = s.report.Skip(c.ref, settle.ReasonNotInInsider)
			return
		case rejected != nil:
			_ = s.report.Reject(c.ref, mapping.ContactsStream, c.key, settle.ReasonInsider, settle.MaskMessages(rejected))
			return
		}
		s.report.Counts.Add(func(s *settle.Summary) { s.UsersUpserted++; s.EventsSent += int64(c.events) })
	}
	if c.clear != nil && !s.clearOne(ctx, c) {
		return
	}
	_ = s.report.Commit(c.ref)
}
