package destination

import (
	"encoding/json"
	"fmt"
	"strings"
)

// dryRunOps is how many delete, anonymize and re-key lines a dry run logs of each kind.
const dryRunOps = 3

// op accounts for the delete or anonymize call a real run would make for an archived contact
// and logs the first few with the identifier values masked.
func (d *dryRun) op(w *writer, mode, key string, ids []byte) {
	w.count.add(func(s *Summary) {
		s.Requests++
		if mode == DeletionAnonymize {
			s.Anonymized++
		} else {
			s.Deleted++
		}
	})
	if w.dm.shown[mode] >= dryRunOps {
		return
	}
	w.dm.shown[mode]++
	var v any
	if err := json.Unmarshal(ids, &v); err != nil {
		w.log.Warn().Err(err).Msg("dry run: could not render identifiers")
		return
	}
	masked, _ := json.Marshal(map[string]any{"identifiers": maskValues(v)})
	verb := map[string]string{DeletionDeleteProfile: "delete (POST /api/user/v1/delete, cannot be undone)",
		DeletionAnonymize: "anonymize (POST /api/user/v1/anonymize)"}[mode]
	w.log.Info().Str("key", key).Msg(fmt.Sprintf("dry run: archived contact %s would %s the Insider profile with %s", key, verb, masked))
}

// merge accounts for the identity changes a real run would make for a merged contact (one
// PATCH /api/user/v1/identity per merged-away id and identifier, and a delete where the
// survivor already has a profile) and logs the first few, masked.
func (d *dryRun) merge(w *writer, it *mergeItem) {
	names := it.merge.Identifiers()
	calls := len(names) * len(it.merge.Merged)
	w.count.add(func(s *Summary) { s.Requests += int64(calls) })
	if w.dm.shown["merge"] >= dryRunOps {
		return
	}
	w.dm.shown["merge"]++
	w.log.Info().Str("key", it.key).Int("merged_ids", len(it.merge.Merged)).Msg(fmt.Sprintf(
		"dry run: merged contact %s would re-key the profiles of %d merged-away contacts (%s %s -> %s) to its own id, or delete them when it already has a profile, before its upsert",
		it.key, len(it.merge.Merged), strings.Join(names, ", "), mask, mask))
}
