package destination

import (
	"context"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/destination-insider/mapping"
)

// archive makes the calls once the upserts of the contacts before them are done, and in order
// with the other calls on them.
func (s *insiderSender) archive(ctx context.Context, a *archiveCall) error {
	keys := append([]string{a.key}, a.merged...)
	if err := s.lane.settle(ctx, keys, s.drain); err != nil {
		return err
	}
	return s.lane.submit(ctx, keys, func() { s.runArchive(ctx, a) })
}

// runArchive deletes or anonymizes the profiles of one archived or permanently deleted contact
// (its own, then those of the ids merged into it), each found by a contact id alone, and
// settles the record: done is a commit, no such user for its own profile under anonymize a
// rejection, a failure holds it back.
func (s *insiderSender) runArchive(ctx context.Context, a *archiveCall) {
	if s.report.Outcome.SendingStopped() {
		s.report.Fail(a.ref)
		return
	}
	call, what := userCall(s.ops.Delete), "delete"
	if a.mode == DeletionAnonymize {
		call, what = s.ops.Anonymize, "anonymize"
	}
	self := append([]string{a.key}, a.merged...)
	ok, out, refusal := s.release(ctx, a.ref, self, a.own, what, call)
	if !ok {
		return
	}
	for i, ids := range a.profiles {
		ok, mout, mref := s.release(ctx, a.ref, self, ids, what, call)
		switch {
		case !ok:
			return
		case mref != nil:
			s.report.Counts.Add(func(s *settle.Summary) { s.MergeRefused++ })
			if s.report.LineDue() {
				s.report.Log.Warn().Str("key", a.key).Str("merged_id", a.merged[i]).Str("detail", settle.MaskMessages([]string{mref.Error()})).
					Msg("Insider refused to " + what + " the profile of a contact merged into a deleted one")
			}
		case mout == insider.Done:
			s.report.Counts.Add(func(s *settle.Summary) { s.MergedAwayRemoved++ })
		}
	}
	switch {
	case refusal != nil:
		_ = s.report.Reject(a.ref, mapping.ContactsStream, a.key, settle.ReasonInsider, settle.MaskMessages([]string{refusal.Error()}))
	case out == insider.NoSuchUser:
		_ = s.report.Reject(a.ref, mapping.ContactsStream, a.key, settle.ReasonNoSuchUser, "Insider has no profile with the contact's id")
	default:
		s.countRemoved(a)
		_ = s.report.Commit(a.ref)
	}
}

// countRemoved counts the profile of a deleted contact that was deleted or anonymized.
func (s *insiderSender) countRemoved(a *archiveCall) {
	anonymized := a.mode == DeletionAnonymize
	s.report.Counts.Add(func(s *settle.Summary) {
		switch {
		case a.permanent && anonymized:
			s.AnonymizedPermanently++
		case a.permanent:
			s.DeletedPermanently++
		case anonymized:
			s.Anonymized++
		default:
			s.Deleted++
		}
	})
	name := settle.StatDeleted
	switch {
	case a.permanent && anonymized:
		name = settle.StatAnonymizedPermanently
	case a.permanent:
		name = settle.StatDeletedPermanently
	case anonymized:
		name = settle.StatAnonymized
	}
	s.report.CountOn(a.ref, name, 1)
}
