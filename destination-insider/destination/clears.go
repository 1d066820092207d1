package destination

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

// sendClears sends the clears of the records recs of the sent batch p, whose upserts Insider
// accepted, and settles those records.
func (s *insiderSender) sendClears(ctx context.Context, p *batch, recs []int) {
	body := p.clears
	if len(recs) != body.Len() {
		// Some of the batch's records were rejected: their clears stay unsent.
		body = insider.NewAttributeDeletes()
		for _, i := range recs {
			body.Add(p.clears.User(p.clearOf[i]))
		}
	}
	refs := make([]protocol.RecordRef, len(recs))
	for j, i := range recs {
		refs[j] = p.refs[i]
	}
	if s.report.Outcome.SendingStopped() {
		s.report.Fail(refs...)
		return
	}
	res, err := s.client.DeleteAttributes(ctx, body)
	s.report.CountCall(res.Stats)
	if err != nil {
		s.report.CallFailed(ctx, refs, "attribute delete", err)
		return
	}
	refused := make(map[int][]string, len(res.Rejected))
	for _, r := range res.Rejected {
		refused[r.Index] = r.Messages
	}
	for j, i := range recs {
		s.settleClear(refs[j], p.keys[i], refused[j], refused[j] != nil)
	}
}

// clearOne sends the clear of one contact upserted alone (a profile call); false when it failed
// for good and the record is held back.
func (s *insiderSender) clearOne(ctx context.Context, c *profileCall) bool {
	body := insider.NewAttributeDeletes()
	body.Add(c.clear)
	res, err := s.client.DeleteAttributes(ctx, body)
	s.report.CountCall(res.Stats)
	if err != nil {
		s.report.CallFailed(ctx, []protocol.RecordRef{c.ref}, "attribute delete", err)
		return false
	}
	if len(res.Rejected) > 0 {
		s.noteClear(c.ref, c.key, res.Rejected[0].Messages, true)
		return true
	}
	s.noteClear(c.ref, c.key, nil, false)
	return true
}

// settleClear counts the clear of one record and commits it.
func (s *insiderSender) settleClear(ref protocol.RecordRef, key string, msgs []string, refused bool) {
	s.noteClear(ref, key, msgs, refused)
	_ = s.report.Commit(ref)
}

// noteClear counts the outcome of one record's clear, before the record is settled.
func (s *insiderSender) noteClear(ref protocol.RecordRef, key string, msgs []string, refused bool) {
	if refused {
		s.report.Counts.Add(func(s *settle.Summary) { s.ClearRefused++ })
		if s.report.LineDue() {
			s.report.Log.Warn().Str("key", key).Str("detail", settle.MaskMessages(msgs)).
				Msg("Insider refused to clear a contact's empty values (counted in clears_refused); its upsert was delivered")
		}
		return
	}
	s.report.Counts.Add(func(s *settle.Summary) { s.Cleared++ })
	s.report.CountOn(ref, settle.StatCleared, 1)
}
