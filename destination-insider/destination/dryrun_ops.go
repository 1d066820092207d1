package destination

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/insider-hubspot/connectors/destination-insider/destination/profiles"
	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/destination-insider/mapping"
)

// dryRunOps is how many delete, anonymize, re-key and clear lines a dry run logs of each kind.
const dryRunOps = 3

// archive accounts for the delete or anonymize calls a real run would make for an archived or
// permanently deleted contact, or a record of a soft_delete stream, and logs the first few with
// the identifier values masked.
func (d *dryRun) archive(_ context.Context, a *profiles.Archive) error {
	mode, key, n := DeletionDeleteProfile, a.Key, int64(1+len(a.Profiles))
	if a.Anonymize {
		mode = DeletionAnonymize
	}
	d.report.Counts.Add(func(s *settle.Summary) {
		s.Requests += n
		s.MergedAwayRemoved += n - 1
		switch {
		case a.Permanent && mode == DeletionAnonymize:
			s.AnonymizedPermanently++
		case a.Permanent:
			s.DeletedPermanently++
		case mode == DeletionAnonymize:
			s.Anonymized++
		default:
			s.Deleted++
		}
	})
	if d.shown[mode] >= dryRunOps {
		return nil
	}
	d.shown[mode]++
	var v any
	if err := json.Unmarshal(a.Own, &v); err != nil {
		d.report.Log.Warn().Err(err).Msg("dry run: could not render identifiers")
		return nil
	}
	masked, _ := json.Marshal(map[string]any{"identifiers": maskValues(v)})
	verb := map[string]string{DeletionDeleteProfile: "delete (POST /api/user/v1/delete, cannot be undone)",
		DeletionAnonymize: "anonymize (POST /api/user/v1/anonymize)"}[mode]
	if a.SoftDelete {
		d.report.Log.Info().Str("stream", a.Stream).Msg(fmt.Sprintf("dry run: a record of soft_delete stream %s would %s the Insider profile with %s",
			a.Stream, verb, masked))
		return nil
	}
	what := "archived"
	if a.Permanent {
		what = "permanently deleted"
	}
	merged := ""
	if len(a.Profiles) > 0 {
		merged = fmt.Sprintf(", and the profiles of the %d contacts merged into it", len(a.Profiles))
	}
	d.report.Log.Info().Str("key", key).Msg(fmt.Sprintf("dry run: %s contact %s would %s the Insider profile with %s%s", what, key, verb, masked, merged))
	return nil
}

// profile accounts for the calls a real run would make before a contact's upsert (for a merged
// contact, one PATCH /api/user/v1/identity per merged-away id and identifier, and a delete where
// the survivor already has a profile; one identity call per changed identifier, a profile read
// and an identifier delete per emptied one) and logs the first few, masked. The contact's upsert
// and clear are left to the batch, where the dry run counts them as usual.
func (d *dryRun) profile(_ context.Context, c *profiles.Change) (bool, error) {
	calls := len(c.Changes.Rekeys) + 2*len(c.Changes.Cleared)
	if c.Merge != nil {
		calls += len(c.Merge.Identifiers()) * len(c.Merge.Merged)
	}
	d.report.Counts.Add(func(s *settle.Summary) {
		s.Requests += int64(calls)
		s.Rekeyed += int64(len(c.Changes.Rekeys))
		s.AddRefused(settle.RefusalInvalidOld, len(c.Changes.Invalid))
	})
	if c.Merge != nil && d.shown["merge"] < dryRunOps {
		d.shown["merge"]++
		names := c.Merge.Identifiers()
		d.report.Log.Info().Str("key", c.Key).Int("merged_ids", len(c.Merge.Merged)).Msg(fmt.Sprintf(
			"dry run: merged contact %s would re-key the profiles of %d merged-away contacts (%s %s -> %s) to its own id, or delete them when it already has a profile, before its upsert",
			c.Key, len(c.Merge.Merged), strings.Join(names, ", "), mask, mask))
	}
	if n := len(c.Changes.Rekeys) + len(c.Changes.Cleared); n > 0 && d.shown["identity"] < dryRunOps {
		d.shown["identity"]++
		d.report.Log.Info().Str("key", c.Key).Msg(fmt.Sprintf(
			"dry run: contact %s would re-key %s from %s to %s (PATCH /api/user/v1/identity) and remove %s, before its upsert",
			c.Key, identifierNames(c.Changes.Rekeys), mask, mask, identifierNames(c.Changes.Cleared)))
	}
	return false, nil
}

// identifierNames lists the identifiers of changes, "none" for none.
func identifierNames(changes []mapping.IdentityChange) string {
	if len(changes) == 0 {
		return "none"
	}
	names := make([]string, len(changes))
	for i, c := range changes {
		names[i] = c.Identifier
	}
	return strings.Join(names, ", ")
}
