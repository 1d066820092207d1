package profiles

import (
	"context"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/protocol"
)

// Under clear_empty_values a contact's mapped attributes that its record leaves empty are
// removed from its profile with Insider's attribute-delete API, after its upsert was accepted:
// the clears of a batch go in one request once the batch's upsert is answered. A record with
// values to clear is settled with its clear: a clear that fails for good holds the record back,
// like a failed upsert (the next run upserts and clears it again); Insider refusing the clear of
// one user is counted and logged, and the record, whose upsert was delivered, is committed.

// Clear sends body, the clears of the records refs (of contacts keys, one user of body each, in
// order) whose upserts Insider accepted, and settles those records.
func (o *Ops) Clear(ctx context.Context, body *insider.AttributeDeletes, refs []protocol.RecordRef, keys []string) {
	if o.report.Outcome.SendingStopped() {
		o.report.Fail(refs...)
		return
	}
	res, err := o.client.DeleteAttributes(ctx, body)
	o.report.CountCall(res.Stats)
	if err != nil {
		o.report.CallFailed(ctx, refs, "attribute delete", err)
		return
	}
	refused := make(map[int][]string, len(res.Rejected))
	for _, r := range res.Rejected {
		refused[r.Index] = r.Messages
	}
	for j := range refs {
		o.settleClear(refs[j], keys[j], refused[j], refused[j] != nil)
	}
}

// clearOne sends the clear of one contact upserted alone (a profile call); false when it failed
// for good and the record is held back.
func (o *Ops) clearOne(ctx context.Context, c *Change) bool {
	body := insider.NewAttributeDeletes()
	body.Add(c.Clear)
	res, err := o.client.DeleteAttributes(ctx, body)
	o.report.CountCall(res.Stats)
	if err != nil {
		o.report.CallFailed(ctx, []protocol.RecordRef{c.Ref}, "attribute delete", err)
		return false
	}
	if len(res.Rejected) > 0 {
		o.noteClear(c.Ref, c.Key, res.Rejected[0].Messages, true)
		return true
	}
	o.noteClear(c.Ref, c.Key, nil, false)
	return true
}

// settleClear counts the clear of one record and commits it.
func (o *Ops) settleClear(ref protocol.RecordRef, key string, msgs []string, refused bool) {
	o.noteClear(ref, key, msgs, refused)
	_ = o.report.Commit(ref)
}

// noteClear counts the outcome of one record's clear, before the record is settled.
func (o *Ops) noteClear(ref protocol.RecordRef, key string, msgs []string, refused bool) {
	if refused {
		o.report.Counts.Add(func(s *settle.Summary) { s.ClearRefused++ })
		if o.report.LineDue() {
			o.report.Log.Warn().Str("key", key).Str("detail", settle.MaskMessages(msgs)).
				Msg("Insider refused to clear a contact's empty values (counted in clears_refused); its upsert was delivered")
		}
		return
	}
	o.report.Counts.Add(func(s *settle.Summary) { s.Cleared++ })
	o.report.CountOn(ref, settle.StatCleared, 1)
}
