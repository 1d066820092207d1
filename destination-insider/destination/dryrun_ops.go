package destination

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// dryRunOps is how many delete, anonymize and re-key lines a dry run logs of each kind.
const dryRunOps = 3

// archive accounts for the delete or anonymize call a real run would make for an archived
// contact and logs the first few with the identifier values masked.
func (d *dryRun) archive(_ context.Context, a *archiveCall) error {
	mode, key := d.mode, a.key
	d.report.count.add(func(s *Summary) {
		s.Requests++
		if mode == DeletionAnonymize {
			s.Anonymized++
		} else {
			s.Deleted++
		}
	})
	if d.shown[mode] >= dryRunOps {
		return nil
	}
	d.shown[mode]++
	var v any
	if err := json.Unmarshal(a.ids, &v); err != nil {
		d.report.log.Warn().Err(err).Msg("dry run: could not render identifiers")
		return nil
	}
	masked, _ := json.Marshal(map[string]any{"identifiers": maskValues(v)})
	verb := map[string]string{DeletionDeleteProfile: "delete (POST /api/user/v1/delete, cannot be undone)",
		DeletionAnonymize: "anonymize (POST /api/user/v1/anonymize)"}[mode]
	d.report.log.Info().Str("key", key).Msg(fmt.Sprintf("dry run: archived contact %s would %s the Insider profile with %s", key, verb, masked))
	return nil
}

// merge accounts for the identity changes a real run would make for a merged contact (one
// PATCH /api/user/v1/identity per merged-away id and identifier, and a delete where the
// survivor already has a profile) and logs the first few, masked. The contact's upsert is left
// to the batch, where the dry run counts it as usual.
func (d *dryRun) merge(_ context.Context, m *mergeCall) (bool, error) {
	names := m.merge.Identifiers()
	calls := len(names) * len(m.merge.Merged)
	d.report.count.add(func(s *Summary) { s.Requests += int64(calls) })
	if d.shown["merge"] >= dryRunOps {
		return false, nil
	}
	d.shown["merge"]++
	d.report.log.Info().Str("key", m.key).Int("merged_ids", len(m.merge.Merged)).Msg(fmt.Sprintf(
		"dry run: merged contact %s would re-key the profiles of %d merged-away contacts (%s %s -> %s) to its own id, or delete them when it already has a profile, before its upsert",
		m.key, len(m.merge.Merged), strings.Join(names, ", "), mask, mask))
	return false, nil
}
