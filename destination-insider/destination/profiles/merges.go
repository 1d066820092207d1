package profiles

import (
	"context"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/protocol"
)

// mergeAway re-keys the profile of the merged-away id to the survivor's id, or deletes it when
// the survivor already has a profile (handing the identifiers it held to their claimants). It
// returns false when a call failed for good: the record is held back.
func (o *Ops) mergeAway(ctx context.Context, c *Change, id string) bool {
	taken := false
	for _, ch := range c.Merge.Changes(id) {
		out, st, err := o.calls.ChangeIdentity(ctx, ch.Old, ch.New)
		o.report.CountCall(st)
		switch {
		case err != nil:
			if o.mergeCallFailed(ctx, c, "identity", ch.Identifier, err) {
				return false
			}
		case out == insider.Done:
			o.report.Counts.Add(func(s *settle.Summary) { s.IdentityChanges++ })
		case out == insider.Taken:
			taken = true
		}
	}
	if !taken {
		return true
	}
	// The survivor already has a profile: the merged-away one must go.
	ok, out, refusal := o.release(ctx, c.Ref, append([]string{c.Key}, c.Merge.Merged...), c.Merge.Profile(id), "delete", o.calls.Delete)
	switch {
	case !ok:
		return false
	case refusal != nil:
		o.mergeCallFailed(ctx, c, "delete", "", refusal)
	case out == insider.Done:
		o.report.Counts.Add(func(s *settle.Summary) { s.MergedDeleted++ })
	}
	return true
}

// mergeCallFailed handles the error of an identity change (call "identity", of the identifier
// named) or a delete of a merged-away profile. Insider refusing the change is counted and
// logged, and the merge goes on (false); any other failure holds the record back (true: stop).
func (o *Ops) mergeCallFailed(ctx context.Context, c *Change, call, identifier string, err error) (stop bool) {
	if !refusedUser(err) {
		o.report.CallFailed(ctx, []protocol.RecordRef{c.Ref}, call, err)
		return true
	}
	o.report.Counts.Add(func(s *settle.Summary) { s.MergeRefused++ })
	if !o.report.LineDue() {
		return false
	}
	detail := settle.MaskMessages([]string{err.Error()})
	if call == "identity" {
		o.report.Log.Warn().Str("key", c.Key).Str("identifier", identifier).Str("detail", detail).
			Msg("Insider refused to re-key a merged-away profile")
		return false
	}
	o.report.Log.Warn().Str("key", c.Key).Str("detail", detail).Msg("Insider refused to delete a merged-away profile")
	return false
}
