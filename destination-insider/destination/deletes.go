package destination

import (
	"context"

	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/destination-insider/mapping"
	"github.com/insider-hubspot/connectors/protocol"
)

// archive makes the call once the upserts of the contact before it are done, and in order
// with the other calls on the contact.
func (s *insiderSender) archive(ctx context.Context, a *archiveCall) error {
	keys := []string{a.key}
	if err := s.lane.settle(ctx, keys, s.drain); err != nil {
		return err
	}
	return s.lane.submit(ctx, keys, func() { s.runArchive(ctx, a) })
}

// runArchive makes the delete or anonymize call of one archived contact and settles the
// record: done is a commit, no such user a rejection, a failure holds it back.
func (s *insiderSender) runArchive(ctx context.Context, a *archiveCall) {
	if s.report.out.sendingStopped() {
		s.report.fail(a.ref)
		return
	}
	call, what := s.ops.Delete, "delete"
	if s.cfg.DeletionMode == DeletionAnonymize {
		call, what = s.ops.Anonymize, "anonymize"
	}
	out, st, err := call(ctx, a.ids)
	s.report.countCall(st)
	switch {
	case err != nil && refusedUser(err):
		_ = s.report.reject(a.ref, mapping.ContactsStream, a.key, ReasonInsider, maskMessages([]string{err.Error()}))
	case err != nil:
		s.report.callFailed(ctx, []protocol.RecordRef{a.ref}, what, err)
	case out == insider.NoSuchUser:
		_ = s.report.reject(a.ref, mapping.ContactsStream, a.key, ReasonNoSuchUser, "Insider has no profile with the contact's identifiers")
	default:
		s.report.count.add(func(s *Summary) {
			if what == "delete" {
				s.Deleted++
			} else {
				s.Anonymized++
			}
		})
		_ = s.report.commit(a.ref)
	}
}
