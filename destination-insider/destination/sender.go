package destination

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/insider-hubspot/connectors/destination-insider/destination/profiles"
	"github.com/insider-hubspot/connectors/destination-insider/destination/settle"
	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/destination-insider/mapping"
	"github.com/insider-hubspot/connectors/protocol"
)

// sender carries out what the read loop decided and settles the records: a real run's
// insiderSender calls Insider; a dry run's dryRun sends nothing, and counts and logs what a real
// run would send.
type sender interface {
	// upsert sends one batch. The batcher's sender goroutines call it, each with its own batch.
	upsert(ctx context.Context, p *batch)
	// upserting tells, before the record of contact key joins the batch being filled, that an
	// upsert of the contact is coming, as user (nil: only values to clear) with the email and
	// phone identifiers given; it waits for a call on the contact still under way. Read loop
	// only.
	upserting(key string, user []byte, email, phone string)
	// archive deletes or anonymizes the profiles of an archived or permanently deleted contact.
	// Read loop only.
	archive(ctx context.Context, a *profiles.Archive) error
	// profile makes the calls that change a contact's profile before its upsert (merges,
	// identity changes), then upserts the contact and clears its empty values. upserted false
	// leaves the upsert to the batch. Read loop only.
	profile(ctx context.Context, c *profiles.Change) (upserted bool, err error)
	// audience sends the list memberships of a batch (audience_send.go). The batcher's sender
	// goroutines call it, each with its own batch.
	audience(ctx context.Context, a *audiencePart)
	// wait blocks until the calls archive and profile started are done.
	wait()
}

var (
	_ sender = (*insiderSender)(nil)
	_ sender = (*dryRun)(nil)
)

// insiderSender is the sender of a real run: it sends the batches, and leaves the calls on
// single profiles (deletes, merges, identity changes, clears, update_only's lookups) to ops.
type insiderSender struct {
	cfg    *Config
	client *insider.Client
	ops    *profiles.Ops
	report *settle.Report
}

// newInsiderSender returns the sender of a real run, whose streams m maps; drain sends the batch
// being filled and waits for every batch in flight (batcher.drain).
func newInsiderSender(cfg *Config, m *mapping.Mapper, client *insider.Client, r *settle.Report, drain func(context.Context) error) *insiderSender {
	ops := profiles.New(profiles.Options{
		Client: client,
		Report: r,
		Calls: cfg.MergeMode == MergeUpdateIdentity || cfg.deletes() || cfg.IdentityChanges == IdentityFollow ||
			m.Uses(mapping.OperationSoftDelete),
		UpdateOnly: cfg.UpdateOnly,
		Lookups:    m.Uses(mapping.OperationUpdate),
		NewBatch:   func() *insider.Batch { return newBatch(cfg) },
		Drain:      drain,
	})
	return &insiderSender{cfg: cfg, client: client, ops: ops, report: r}
}

func (s *insiderSender) upserting(key string, user []byte, email, phone string) {
	s.ops.Upserting(key, user, email, phone)
}

func (s *insiderSender) archive(ctx context.Context, a *profiles.Archive) error {
	return s.ops.Archive(ctx, a)
}

func (s *insiderSender) profile(ctx context.Context, c *profiles.Change) (bool, error) {
	return s.ops.Change(ctx, c)
}

func (s *insiderSender) wait() { s.ops.Wait() }

// upsert sends a batch and settles its records: those Insider accepted are committed, those it
// rejected are rejected, except the events it refused only for the company of an event it
// blamed, which are sent again.
func (s *insiderSender) upsert(ctx context.Context, p *batch) {
	if s.report.Outcome.SendingStopped() {
		// Credentials were refused, or something else answers in
		// Insider's place: sending more cannot succeed.
		s.report.Fail(p.refs...)
		return
	}
	res, unknown, err := s.ops.Upsert(ctx, p.body, p.updates, false)
	s.report.CountCall(res.Stats)
	if err != nil {
		s.report.CallFailed(ctx, p.refs, "", err)
		return
	}
	rej := make(map[int][]string, len(res.Rejected))
	reasons := make(map[int]string, len(res.Rejected))
	for _, r := range res.Rejected {
		rej[r.Index] = r.Messages
		reasons[r.Index] = rejectionReason(r)
	}
	retry := innocents(p, rej)
	var users, events int64
	var clears []int // accepted records with values to clear: settled once the clears are
	for i, ref := range p.refs {
		if unknown[p.user[i]] {
			if s.report.Skip(ref, settle.ReasonNotInInsider) != nil {
				return
			}
			continue
		}
		if msgs, ok := rej[p.user[i]]; ok {
			if retry[i] {
				continue // resent below
			}
			if s.report.Reject(ref, p.stream[i], p.keys[i], reasons[p.user[i]], settle.MaskMessages(msgs)) != nil {
				return
			}
			continue
		}
		if p.user[i] != noUser {
			users++
			events += int64(p.events[i])
		}
		if p.clearOf[i] >= 0 {
			clears = append(clears, i)
			continue
		}
		if s.report.Commit(ref) != nil {
			return
		}
	}
	s.report.Counts.Add(func(s *settle.Summary) { s.UsersUpserted += users; s.EventsSent += events })
	if len(clears) > 0 {
		s.sendClears(ctx, p, clears)
	}
	if len(retry) > 0 {
		s.resend(ctx, p, rej, retry)
	}
}

// sendClears sends the clears of the records recs of the sent batch p, whose upserts Insider
// accepted (clear_empty_values), and settles those records (profiles.Ops.Clear).
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
	keys := make([]string, len(recs))
	for j, i := range recs {
		refs[j], keys[j] = p.refs[i], p.keys[i]
	}
	s.ops.Clear(ctx, body, refs, keys)
}

// resend sends the innocent events of rejected user objects again, one
// user object per contact, and reports their outcome.
func (s *insiderSender) resend(ctx context.Context, p *batch, rej map[int][]string, retry map[int]bool) {
	b, sent, ok := s.regroup(p, rej, retry)
	if !ok || b.Len() == 0 {
		return
	}
	res, err := s.client.UpsertBatch(ctx, b)
	s.report.CountCall(res.Stats)
	if err != nil {
		var refs []protocol.RecordRef
		for _, recs := range sent {
			for _, r := range recs {
				refs = append(refs, p.refs[r])
			}
		}
		s.report.CallFailed(ctx, refs, "", err)
		return
	}
	again := make(map[int][]string, len(res.Rejected))
	for _, r := range res.Rejected {
		again[r.Index] = r.Messages
	}
	var users, events int64
	for u, recs := range sent {
		msgs, rejected := again[u]
		for _, r := range recs {
			var err error
			if rejected {
				err = s.report.Reject(p.refs[r], p.stream[r], p.keys[r], settle.ReasonInsider, settle.MaskMessages(msgs))
			} else {
				users++
				events += int64(p.events[r])
				err = s.report.Commit(p.refs[r])
			}
			if err != nil {
				return
			}
		}
	}
	s.report.Counts.Add(func(s *settle.Summary) { s.UsersUpserted += users; s.EventsSent += events })
}

// regroup builds the batch that resends the records of retry, one user object per contact
// holding its innocent events, and the records of each user of that batch. A user object that
// cannot be read back rejects its records; ok is false when a STATE could not be written.
func (s *insiderSender) regroup(p *batch, rej map[int][]string, retry map[int]bool) (b *insider.Batch, sent [][]int, ok bool) {
	byUser := map[int][]int{}
	var order []int
	for i := range p.refs {
		if retry[i] {
			u := p.user[i]
			if byUser[u] == nil {
				order = append(order, u)
			}
			byUser[u] = append(byUser[u], i)
		}
	}
	b = newBatch(s.cfg)
	for _, u := range order {
		enc, ok := regroup(p, u, byUser[u])
		if !ok {
			for _, r := range byUser[u] {
				if s.report.Reject(p.refs[r], p.stream[r], p.keys[r], settle.ReasonInsider, settle.MaskMessages(rej[u])) != nil {
					return nil, nil, false
				}
			}
			continue
		}
		b.Add(enc)
		sent = append(sent, byUser[u])
	}
	return b, sent, true
}

// rejectionReason is the reason a refused user's records are rejected with.
func rejectionReason(r insider.Rejection) string {
	switch {
	case r.TooLarge:
		return settle.ReasonTooLarge
	case r.Status != 0:
		return settle.ReasonInsiderRefused
	}
	return settle.ReasonInsider
}

// innocents returns the records to resend: events Insider refused only
// because they shared a user object with an event it blamed.
func innocents(p *batch, rej map[int][]string) map[int]bool {
	if len(rej) == 0 {
		return nil
	}
	recsOf := map[int][]int{}
	for i := range p.refs {
		if _, ok := rej[p.user[i]]; ok {
			recsOf[p.user[i]] = append(recsOf[p.user[i]], i)
		}
	}
	out := map[int]bool{}
	for u, recs := range recsOf {
		for _, r := range innocent(p, recs, rej[u]) {
			out[r] = true
		}
	}
	return out
}

// innocent returns the records of a rejected user object that Insider did
// not blame: when every message names an event (events.<j>.), the other
// events of the user were refused only because they travelled with it.
func innocent(p *batch, recs []int, msgs []string) []int {
	if len(recs) < 2 {
		return nil
	}
	blamed := map[int]bool{}
	for _, m := range msgs {
		rest, ok := strings.CutPrefix(m, "events.")
		if !ok {
			return nil
		}
		num, _, _ := strings.Cut(rest, ".")
		j, err := strconv.Atoi(num)
		if err != nil {
			return nil
		}
		blamed[j] = true
	}
	var out []int
	for _, r := range recs {
		if !blamed[p.evIndex[r]] {
			out = append(out, r)
		}
	}
	return out
}

// regroup builds the user object holding only the given records' events,
// read back from the sent user object.
func regroup(p *batch, user int, recs []int) ([]byte, bool) {
	var u struct {
		Identifiers json.RawMessage   `json:"identifiers"`
		Events      []json.RawMessage `json:"events"`
	}
	if err := json.Unmarshal(p.body.User(user), &u); err != nil {
		return nil, false
	}
	g := eventGroup{ids: append([]byte(`{"identifiers":`), u.Identifiers...)}
	for _, r := range recs {
		j := p.evIndex[r]
		if j >= len(u.Events) {
			return nil, false
		}
		g.add(u.Events[j], r)
	}
	return g.encode(nil), true
}
