package destination

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/destination-insider/mapping"
)

// dryRunOps is how many delete, anonymize, re-key and clear lines a dry run logs of each kind.
const dryRunOps = 3

// archive accounts for the delete or anonymize calls a real run would make for an archived or
// permanently deleted contact and logs the first few with the identifier values masked.
func (d *dryRun) archive(_ context.Context, a *archiveCall) error {
	mode, key, n := a.mode, a.key, int64(1+len(a.profiles))
	d.report.Counts.Add(func(s *settle.Summary) {
		s.Requests += n
		s.MergedAwayRemoved += n - 1
		switch {
		case a.permanent && mode == DeletionAnonymize:
			s.AnonymizedPermanently++
		case a.permanent:
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
	if err := json.Unmarshal(a.own, &v); err != nil {
		d.report.Log.Warn().Err(err).Msg("dry run: could not render identifiers")
		return nil
	}
	masked, _ := json.Marshal(map[string]any{"identifiers": maskValues(v)})
	verb := map[string]string{DeletionDeleteProfile: "delete (POST /api/user/v1/delete, cannot be undone)",
		DeletionAnonymize: "anonymize (POST /api/user/v1/anonymize)"}[mode]
	what := "archived"
	if a.permanent {
		what = "permanently deleted"
	}
	merged := ""
	if len(a.profiles) > 0 {
		merged = fmt.Sprintf(", and the profiles of the %d contacts merged into it", len(a.profiles))
	}
	d.report.Log.Info().Str("key", key).Msg(fmt.Sprintf("dry run: %s contact %s would %s the Insider profile with %s%s", what, key, verb, masked, merged))
	return nil
}

// profile accounts for the calls a real run would make before a contact's upsert (for a merged
// contact, one PATCH /api/user/v1/identity per merged-away id and identifier, and a delete where
// the survivor already has a profile; one identity call per changed identifier, a profile read
// and an identifier delete per emptied one) and logs the first few, masked. The contact's upsert
// and clear are left to the batch, where the dry run counts them as usual.
func (d *dryRun) profile(_ context.Context, c *profileCall) (bool, error) {
	calls := len(c.changes.Rekeys) + 2*len(c.changes.Cleared)
	if c.merge != nil {
		calls += len(c.merge.Identifiers()) * len(c.merge.Merged)
	}
	d.report.Counts.Add(func(s *settle.Summary) {
		s.Requests += int64(calls)
		s.Rekeyed += int64(len(c.changes.Rekeys))
		s.AddRefused(settle.RefusalInvalidOld, len(c.changes.Invalid))
	})
	if c.merge != nil && d.shown["merge"] < dryRunOps {
		d.shown["merge"]++
		names := c.merge.Identifiers()
		d.report.Log.Info().Str("key", c.key).Int("merged_ids", len(c.merge.Merged)).Msg(fmt.Sprintf(
			"dry run: merged contact %s would re-key the profiles of %d merged-away contacts (%s %s -> %s) to its own id, or delete them when it already has a profile, before its upsert",
			c.key, len(c.merge.Merged), strings.Join(names, ", "), mask, mask))
	}
	if n := len(c.changes.Rekeys) + len(c.changes.Cleared); n > 0 && d.shown["identity"] < dryRunOps {
		d.shown["identity"]++
		d.report.Log.Info().Str("key", c.key).Msg(fmt.Sprintf(
			"dry run: contact %s would re-key %s from %s to %s (PATCH /api/user/v1/identity) and remove %s, before its upsert",
			c.key, identifierNames(c.changes.Rekeys), mask, mask, identifierNames(c.changes.Cleared)))
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
