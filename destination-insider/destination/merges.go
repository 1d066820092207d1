package destination

import (
	"context"

	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/destination-insider/mapping"
	"github.com/insider-hubspot/connectors/protocol"
)

// merge makes the calls once the upserts of the contacts before them are done, and in order
// with the other calls on them; it upserts the contact itself, after them.
func (s *insiderSender) merge(ctx context.Context, m *mergeCall) (bool, error) {
	m.user = append([]byte(nil), m.user...) // the read loop reuses the buffer
	keys := append([]string{m.key}, m.merge.Merged...)
	if err := s.lane.settle(ctx, keys, s.drain); err != nil {
		return true, err
	}
	return true, s.lane.submit(ctx, keys, func() { s.runMerge(ctx, m) })
}

// runMerge re-keys or deletes the merged-away profiles, then upserts the merged contact. A call
// that fails for good holds the record back (it is retried whole by the next run: every step
// is idempotent); Insider refusing one change is counted and the rest goes on.
func (s *insiderSender) runMerge(ctx context.Context, m *mergeCall) {
	if s.report.out.sendingStopped() {
		s.report.fail(m.ref)
		return
	}
	for _, id := range m.merge.Merged {
		if !s.rekey(ctx, m, id) {
			return
		}
	}
	b := insider.NewBatch(s.cfg.SkipHook)
	b.Add(m.user)
	res, err := s.client.UpsertBatch(ctx, b)
	s.report.countCall(res.Stats)
	switch {
	case err != nil:
		s.report.callFailed(ctx, []protocol.RecordRef{m.ref}, "upsert", err)
	case len(res.Rejected) > 0:
		_ = s.report.reject(m.ref, mapping.ContactsStream, m.key, ReasonInsider, maskMessages(res.Rejected[0].Messages))
	default:
		s.report.count.add(func(s *Summary) { s.UsersUpserted++; s.EventsSent += int64(m.events) })
		_ = s.report.commit(m.ref)
	}
}

// rekey re-keys the profile of the merged-away id to the survivor's id, or deletes it when the
// survivor already has a profile. It returns false when a call failed for good: the record is
// held back.
func (s *insiderSender) rekey(ctx context.Context, m *mergeCall, id string) bool {
	taken := false
	for _, c := range m.merge.Changes(id) {
		out, st, err := s.ops.ChangeIdentity(ctx, c.Old, c.New)
		s.report.countCall(st)
		switch {
		case err != nil:
			if s.mergeCallFailed(ctx, m, "identity", c.Identifier, err) {
				return false
			}
		case out == insider.Done:
			s.report.count.add(func(s *Summary) { s.IdentityChanges++ })
		case out == insider.Taken:
			taken = true
		}
	}
	if !taken {
		return true
	}
	// The survivor already has a profile: the merged-away one must go.
	out, st, err := s.ops.Delete(ctx, m.merge.Profile(id))
	s.report.countCall(st)
	switch {
	case err != nil:
		return !s.mergeCallFailed(ctx, m, "delete", "", err)
	case out == insider.Done:
		s.report.count.add(func(s *Summary) { s.MergedDeleted++ })
	}
	return true
}

// mergeCallFailed handles the error of an identity change (call "identity", of the identifier
// named) or a delete of a merged-away profile. Insider refusing the change is counted and
// logged, and the merge goes on (false); any other failure holds the record back (true: stop).
func (s *insiderSender) mergeCallFailed(ctx context.Context, m *mergeCall, call, identifier string, err error) (stop bool) {
	if !refusedUser(err) {
		s.report.callFailed(ctx, []protocol.RecordRef{m.ref}, call, err)
		return true
	}
	s.report.count.add(func(s *Summary) { s.MergeRefused++ })
	detail := maskMessages([]string{err.Error()})
	if call == "identity" {
		s.report.log.Warn().Str("key", m.key).Str("identifier", identifier).Str("detail", detail).
			Msg("Insider refused to re-key a merged-away profile")
	} else {
		s.report.log.Warn().Str("key", m.key).Str("detail", detail).Msg("Insider refused to delete a merged-away profile")
	}
	return false
}
