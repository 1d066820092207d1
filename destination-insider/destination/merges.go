package destination

import (
	"context"

	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/destination-insider/mapping"
	"github.com/insider-hubspot/connectors/protocol"
)

// mergeItem is one merged contact to re-key and upsert.
type mergeItem struct {
	key      string
	merge    mapping.Merge
	user     []byte // the mapped user, upserted after the identity changes
	events   int
	ref      protocol.RecordRef
	skipHook bool
}

// mergedRecord handles a live contacts record whose hs_merged_object_ids names other
// contacts (merge_mode update_identity). HubSpot either gave the merged contact a new id (both
// old ids now resolve to it) or kept the primary's id; either way, for each merged-away id the
// profile keyed by it is re-keyed to the survivor's id (PATCH identity), or deleted when the
// survivor already has a profile, and then the record is upserted. It returns handled false
// when the record names no other contact, so it is upserted as usual.
func (w *writer) mergedRecord(ctx context.Context, r mapping.Record, res *mapping.Result, ref protocol.RecordRef) (bool, error) {
	g, ok := w.mapper.Merge(r)
	if !ok {
		return false, nil
	}
	w.count.add(func(s *Summary) { s.MergedRecords++ })
	it := &mergeItem{key: res.Key, merge: g, ref: ref, skipHook: w.cfg.SkipHook, events: res.Events}
	if w.dry != nil {
		w.dry.merge(w, it)
		return false, nil // the dry run counts the upsert as usual
	}
	it.user = append([]byte(nil), res.User...)
	keys := append([]string{it.key}, g.Merged...)
	if err := w.settle(ctx, keys); err != nil {
		return true, err
	}
	return true, w.dm.lane.submit(ctx, keys, func() { w.runMerge(ctx, it) })
}

// runMerge re-keys or deletes the merged-away profiles, then upserts the merged contact. A call
// that fails for good holds the record back (it is retried whole by the next run: every step
// is idempotent); Insider refusing one change is counted and the rest goes on.
func (w *writer) runMerge(ctx context.Context, it *mergeItem) {
	if w.refusedCredentials() {
		w.fail([]protocol.RecordRef{it.ref})
		return
	}
	ops := w.dm.ops
	for _, m := range it.merge.Merged {
		taken := false
		for _, c := range it.merge.Changes(m) {
			out, st, err := ops.ChangeIdentity(ctx, c.Old, c.New)
			w.countCall(st)
			switch {
			case err != nil:
				if w.mergeCallFailed(ctx, it, "identity", c.Identifier, err) {
					return
				}
			case out == insider.Done:
				w.count.add(func(s *Summary) { s.IdentityChanges++ })
			case out == insider.Taken:
				taken = true
			}
		}
		if !taken {
			continue
		}
		// The survivor already has a profile: the merged-away one must go.
		out, st, err := ops.Delete(ctx, it.merge.Profile(m))
		w.countCall(st)
		switch {
		case err != nil:
			if w.mergeCallFailed(ctx, it, "delete", "", err) {
				return
			}
		case out == insider.Done:
			w.count.add(func(s *Summary) { s.MergedDeleted++ })
		}
	}
	b := insider.NewBatch(it.skipHook)
	b.Add(it.user)
	res, err := w.client.UpsertBatch(ctx, b)
	w.countCall(res.Stats)
	switch {
	case err != nil:
		w.callFailed(ctx, []protocol.RecordRef{it.ref}, "upsert", err)
	case len(res.Rejected) > 0:
		_ = w.reject(it.ref, mapping.ContactsStream, it.key, ReasonInsider, maskMessages(res.Rejected[0].Messages))
	default:
		w.count.add(func(s *Summary) { s.UsersUpserted++; s.EventsSent += int64(it.events) })
		_ = w.stopOnTrackerErr(w.states.Commit(it.ref))
	}
}

// mergeCallFailed handles the error of an identity change (call "identity", of the identifier
// named) or a delete of a merged-away profile. Insider refusing the change is counted and
// logged, and the merge goes on (false); any other failure holds the record back (true: stop).
func (w *writer) mergeCallFailed(ctx context.Context, it *mergeItem, call, identifier string, err error) (stop bool) {
	if !insider.IsUserRefused(err) {
		w.callFailed(ctx, []protocol.RecordRef{it.ref}, call, err)
		return true
	}
	w.count.add(func(s *Summary) { s.MergeRefused++ })
	detail := maskMessages([]string{err.Error()})
	if call == "identity" {
		w.log.Warn().Str("key", it.key).Str("identifier", identifier).Str("detail", detail).
			Msg("Insider refused to re-key a merged-away profile")
	} else {
		w.log.Warn().Str("key", it.key).Str("detail", detail).Msg("Insider refused to delete a merged-away profile")
	}
	return false
}
