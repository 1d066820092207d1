package destination

import (
	"context"
	"fmt"
	"slices"

	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/protocol"
)

// partOutcome is what became of one user's changes in one of the two requests of a batch.
type partOutcome struct {
	sent         bool   // the user had changes in this request
	failed       error  // the request failed for good
	call         string // which: "attribute delete" or "" (the upsert)
	reason       string // Insider refused the user: the rejection reason
	messages     []string
	notInInsider bool // update_only: Insider has no profile for the user, so nothing was added
}

// audience sends the list memberships of a batch, the exits (POST /api/user/v1/attribute/delete,
// custom.partial) and then the joins (an upsert appending to the array), and settles their
// records: a record is committed when the requests carrying its changes accepted its user ("no
// such user" on an exit included: there is nothing to remove), rejected when Insider refused
// its user, skipped under update_only when Insider has no profile to add to, and held back when
// a request failed for good.
func (s *insiderSender) audience(ctx context.Context, a *audiencePart) {
	if s.report.Outcome.SendingStopped() {
		s.report.Fail(a.refs...)
		return
	}
	exits := make([]partOutcome, len(a.users))
	joins := make([]partOutcome, len(a.users))
	var removed, added, noProfile int64
	if a.exits.Len() > 0 {
		res, err := s.client.DeleteAttributes(ctx, a.exits)
		s.report.CountCall(res.Stats)
		rej := rejectionsByIndex(res)
		for u, i := range a.exitOf {
			if i < 0 {
				continue
			}
			o := &exits[u]
			o.sent = true
			switch r, ok := rej[i]; {
			case ok && slices.ContainsFunc(r.Messages, insider.IsNoSuchUser):
				noProfile++
			case ok:
				o.reason, o.messages = rejectionReason(r), r.Messages
			case err != nil:
				o.failed, o.call = err, "attribute delete"
			default:
				removed += int64(a.removals(u))
			}
		}
	}
	if a.joins.Len() > 0 {
		res, unknown, err := s.ops.Upsert(ctx, a.joins, nil, false)
		s.report.CountCall(res.Stats)
		rej := rejectionsByIndex(res)
		for u, i := range a.joinOf {
			if i < 0 {
				continue
			}
			o := &joins[u]
			o.sent = true
			switch r, ok := rej[i]; {
			case unknown[i]:
				o.notInInsider = true
			case ok:
				o.reason, o.messages = rejectionReason(r), r.Messages
			case err != nil:
				o.failed = err
			default:
				added += int64(len(a.users[u].names) - a.removals(u))
			}
		}
	}
	s.report.Counts.Add(func(s *settle.Summary) {
		s.AudienceAdded += added
		s.AudienceRemoved += removed
		s.AudienceNoProfile += noProfile
	})
	s.settleAudience(ctx, a, exits, joins)
}

// settleAudience settles the records of a batch's list memberships by the outcomes of the
// requests that carried their changes. A record whose own changes ended in neither request (a
// later record of the batch reversed them) takes the outcome of both.
func (s *insiderSender) settleAudience(ctx context.Context, a *audiencePart, exits, joins []partOutcome) {
	failed := map[error][]protocol.RecordRef{}
	var order []error
	calls := map[error]string{}
	var delivered int64
	defer func() { s.report.Counts.Add(func(s *settle.Summary) { s.AudienceRecords += delivered }) }()
	for r, ref := range a.refs {
		u := a.recUser[r]
		var parts []partOutcome
		if a.recAdds[r] && joins[u].sent {
			parts = append(parts, joins[u])
		}
		if a.recRemoves[r] && exits[u].sent {
			parts = append(parts, exits[u])
		}
		if len(parts) == 0 {
			parts = []partOutcome{exits[u], joins[u]}
		}
		o := combine(parts)
		var err error
		switch {
		case o.failed != nil:
			if failed[o.failed] == nil {
				order = append(order, o.failed)
				calls[o.failed] = o.call
			}
			failed[o.failed] = append(failed[o.failed], ref)
		case o.reason != "":
			err = s.report.Reject(ref, a.stream[r], a.keys[r], o.reason, settle.MaskMessages(o.messages))
		case o.notInInsider:
			err = s.report.Skip(ref, settle.ReasonNotInInsider)
		default:
			delivered++
			err = s.report.Commit(ref)
		}
		if err != nil {
			return
		}
	}
	for _, e := range order {
		s.report.CallFailed(ctx, failed[e], calls[e], e)
	}
}

// combine is the outcome of a record from the outcomes of its parts: a failure wins, then a
// rejection, then update_only's skip.
func combine(parts []partOutcome) partOutcome {
	var out partOutcome
	for _, p := range parts {
		switch {
		case p.failed != nil:
			return p
		case p.reason != "" && out.reason == "":
			out.reason, out.messages = p.reason, p.messages
		case p.notInInsider:
			out.notInInsider = true
		}
	}
	return out
}

// removals is how many names the user's changes remove.
func (a *audiencePart) removals(u int) int {
	n := 0
	for _, name := range a.users[u].names {
		if !a.users[u].add[name] {
			n++
		}
	}
	return n
}

// rejectionsByIndex maps the users Insider refused to their rejection.
func rejectionsByIndex(res *insider.Result) map[int]insider.Rejection {
	out := make(map[int]insider.Rejection, len(res.Rejected))
	for _, r := range res.Rejected {
		out[r.Index] = r
	}
	return out
}

// audience accounts for the list memberships a real run would send: one upsert request for the
// joins and one attribute delete for the exits, and logs the first few batches' counts.
func (d *dryRun) audience(_ context.Context, a *audiencePart) {
	var added, removed int64
	for u := range a.users {
		r := a.removals(u)
		removed += int64(r)
		added += int64(len(a.users[u].names) - r)
	}
	requests := int64(0)
	if a.joins.Len() > 0 {
		requests++
	}
	if a.exits.Len() > 0 {
		requests++
	}
	d.report.Counts.Add(func(s *settle.Summary) {
		s.AudienceRecords += int64(len(a.refs))
		s.Requests += requests
		s.AudienceAdded += added
		s.AudienceRemoved += removed
	})
	if d.shown["audience"] >= dryRunOps {
		return
	}
	d.shown["audience"]++
	d.report.Log.Info().Int("users", len(a.users)).Msg(fmt.Sprintf(
		"dry run: list memberships: %d users would get %d list names added to %s (upsert, arrays appended) and %d removed (POST %s, custom.partial)",
		len(a.users), added, d.attr, removed, insider.AttributeDeletePath))
}
