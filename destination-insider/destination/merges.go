package destination

import (
	"context"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/protocol"
)

// mergeAway re-keys the profile of the merged-away id to the survivor's id, or deletes it when
// the survivor already has a profile (handing the identifiers it held to their claimants). It
// returns false when a call failed for good: the record is held back.
func (s *insiderSender) mergeAway(ctx context.Context, c *profileCall, id string) bool {
	taken := false
	for _, ch := range c.merge.Changes(id) {
		out, st, err := s.ops.ChangeIdentity(ctx, ch.Old, ch.New)
		s.report.CountCall(st)
		switch {
		case err != nil:
			if s.mergeCallFailed(ctx, c, "identity", ch.Identifier, err) {
				return false
			}
		case out == insider.Done:
			s.report.Counts.Add(func(s *settle.Summary) { s.IdentityChanges++ })
		case out == insider.Taken:
			taken = true
		}
	}
	if !taken {
		return true
	}
	// The survivor already has a profile: the merged-away one must go.
	ok, out, refusal := s.release(ctx, c.ref, append([]string{c.key}, c.merge.Merged...), c.merge.Profile(id), "delete", s.ops.Delete)
	switch {
	case !ok:
		return false
	case refusal != nil:
		s.mergeCallFailed(ctx, c, "delete", "", refusal)
	case out == insider.Done:
		s.report.Counts.Add(func(s *settle.Summary) { s.MergedDeleted++ })
	}
	return true
}

// mergeCallFailed handles the error of an identity change (call "identity", of the identifier
// named) or a delete of a merged-away profile. Insider refusing the change is counted and
// logged, and the merge goes on (false); any other failure holds the record back (true: stop).
func (s *insiderSender) mergeCallFailed(ctx context.Context, c *profileCall, call, identifier string, err error) (stop bool) {
	if !refusedUser(err) {
		s.report.CallFailed(ctx, []protocol.RecordRef{c.ref}, call, err)
		return true
	}
	s.report.Counts.Add(func(s *settle.Summary) { s.MergeRefused++ })
	if !s.report.LineDue() {
		return false
	}
	detail := settle.MaskMessages([]string{err.Error()})
	if call == "identity" {
		s.report.Log.Warn().Str("key", c.key).Str("identifier", identifier).Str("detail", detail).
			Msg("Insider refused to re-key a merged-away profile")
		return false
	}
	s.report.Log.Warn().Str("key", c.key).Str("detail", detail).Msg("Insider refused to delete a merged-away profile")
	return false
}
