package destination

import (
	"context"

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
	if s.report.out.sendingStopped() {
		s.report.fail(c.ref)
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
		s.report.count.add(func(s *Summary) { s.addRefused(refusalInvalidOld, len(c.changes.Invalid)) })
		s.report.countOn(c.ref, statRekeyRefused, int64(len(c.changes.Invalid)))
	}
	if c.user != nil {
		// Claimed before the upsert: a profile letting go of one of its identifiers while the
		// upsert is under way finds the claim.
		s.book.claim(c.key, c.user, c.email, c.phone)
		rejected, err := s.upsertOne(ctx, c.user)
		switch {
		case err != nil:
			s.report.callFailed(ctx, []protocol.RecordRef{c.ref}, "upsert", err)
			return
		case rejected != nil:
			_ = s.report.reject(c.ref, mapping.ContactsStream, c.key, ReasonInsider, maskMessages(rejected))
			return
		}
		s.report.count.add(func(s *Summary) { s.UsersUpserted++; s.EventsSent += int64(c.events) })
	}
	if c.clear != nil && !s.clearOne(ctx, c) {
		return
	}
	_ = s.report.commit(c.ref)
}
