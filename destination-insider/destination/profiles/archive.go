package profiles

import (
	"context"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/destination-insider/insider"
)

// Archive makes the calls of a once the upserts of the contacts before them are done, and in
// order with the other calls on them, and settles its record.
func (o *Ops) Archive(ctx context.Context, a *Archive) error {
	keys := a.laneKeys()
	if err := o.lane.settle(ctx, keys, o.drain); err != nil {
		return err
	}
	return o.lane.submit(ctx, keys, func() { o.runArchive(ctx, a) })
}

// runArchive deletes or anonymizes the profiles of one archived or permanently deleted contact
// (its own, then those of the ids merged into it), each found by a contact id alone, or the
// profile a soft_delete record's matching key finds, and settles the record (settleArchive).
func (o *Ops) runArchive(ctx context.Context, a *Archive) {
	if o.report.Outcome.SendingStopped() {
		o.report.Fail(a.Ref)
		return
	}
	call, what := userCall(o.calls.Delete), "delete"
	if a.Anonymize {
		call, what = o.calls.Anonymize, "anonymize"
	}
	self := a.laneKeys()
	ok, out, refusal := o.release(ctx, a.Ref, self, a.Own, what, call)
	if !ok {
		return
	}
	for i, ids := range a.Profiles {
		ok, mout, mref := o.release(ctx, a.Ref, self, ids, what, call)
		switch {
		case !ok:
			return
		case mref != nil:
			o.report.Counts.Add(func(s *settle.Summary) { s.MergeRefused++ })
			if o.report.LineDue() {
				o.report.Log.Warn().Str("key", a.Key).Str("merged_id", a.Merged[i]).Str("detail", settle.MaskMessages([]string{mref.Error()})).
					Msg("Insider refused to " + what + " the profile of a contact merged into a deleted one")
			}
		case mout == insider.Done:
			o.report.Counts.Add(func(s *settle.Summary) { s.MergedAwayRemoved++ })
		}
	}
	o.settleArchive(a, out, refusal)
}

// settleArchive settles the record of a once its own profile's call is answered: done is a
// commit; no such user a rejection for a deleted contact (its profile was expected), and for a
// soft_delete record nothing to do, a commit; a refusal a rejection.
func (o *Ops) settleArchive(a *Archive, out insider.Outcome, refusal error) {
	switch {
	case refusal != nil:
		_ = o.report.Reject(a.Ref, a.stream(), a.Key, settle.ReasonInsider, settle.MaskMessages([]string{refusal.Error()}))
	case out == insider.NoSuchUser && a.SoftDelete:
		o.report.Counts.Add(func(s *settle.Summary) { s.SoftDeleteNoProfile++ })
		_ = o.report.Commit(a.Ref)
	case out == insider.NoSuchUser:
		_ = o.report.Reject(a.Ref, a.stream(), a.Key, settle.ReasonNoSuchUser, "Insider has no profile with the contact's id")
	default:
		o.countRemoved(a)
		_ = o.report.Commit(a.Ref)
	}
}

// countRemoved counts the profile of a deleted contact that was deleted or anonymized, in the
// summary and in the state's destinationStats.
func (o *Ops) countRemoved(a *Archive) {
	name, count := settle.StatDeleted, func(s *settle.Summary) { s.Deleted++ }
	switch {
	case a.Permanent && a.Anonymize:
		name, count = settle.StatAnonymizedPermanently, func(s *settle.Summary) { s.AnonymizedPermanently++ }
	case a.Permanent:
		name, count = settle.StatDeletedPermanently, func(s *settle.Summary) { s.DeletedPermanently++ }
	case a.Anonymize:
		name, count = settle.StatAnonymized, func(s *settle.Summary) { s.Anonymized++ }
	}
	o.report.Counts.Add(count)
	o.report.CountOn(a.Ref, name, 1)
}
