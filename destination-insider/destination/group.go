package destination

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/destination-insider/mapping"
	"github.com/insider-hubspot/connectors/protocol"
)

// Several events of one contact in one batch travel as one user object
// with several events: fewer, smaller requests. Each record keeps its own
// outcome, so which states may be echoed does not change.

// eventGroup is the events of one contact (one identifiers object) in a batch.
type eventGroup struct {
	ids    []byte   // `{"identifiers":{...}` — the user object up to its events
	events [][]byte // encoded event objects
	recs   []int    // the records of the events, as indices into batch.refs
	size   int      // encoded size of the user object
}

const (
	groupEventsKey = `,"events":[`
	groupSuffix    = `],"not_append":true}`
)

func (g *eventGroup) add(event []byte, rec int) {
	if len(g.events) > 0 {
		g.size++ // comma
	}
	g.events = append(g.events, append([]byte(nil), event...))
	g.recs = append(g.recs, rec)
	g.size += len(event)
}

// encode appends the user object to dst.
func (g *eventGroup) encode(dst []byte) []byte {
	dst = append(dst, g.ids...)
	dst = append(dst, groupEventsKey...)
	for i, e := range g.events {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, e...)
	}
	return append(dst, groupSuffix...)
}

// userCount is the number of user objects the batch will hold.
func (p *batch) userCount() int { return p.body.Len() + len(p.groups) }

// sizeWith bounds the body size after adding extra bytes (one user or one
// event); it may exceed the exact size by a few bytes, never fall short.
func (p *batch) sizeWith(extra int) int {
	return p.body.Size() + p.groupBytes + len(p.groups) + extra + 1
}

// groupOf returns the event group of an identifiers prefix, or nil.
func (p *batch) groupOf(ids []byte) *eventGroup {
	if i, ok := p.byIDs[string(ids)]; ok {
		return p.groups[i]
	}
	return nil
}

// add puts a mapped record into the batch: a contact as its own user, an
// event into its contact's user object.
func (p *batch) add(res *mapping.Result, rec int) {
	ids, event, ok := res.Event()
	if !ok {
		p.user = append(p.user, p.body.Len())
		p.evIndex = append(p.evIndex, 0)
		p.body.Add(res.User)
		return
	}
	g := p.groupOf(ids)
	if g == nil {
		if p.byIDs == nil {
			p.byIDs = map[string]int{}
		}
		g = &eventGroup{ids: append([]byte(nil), ids...), size: len(ids) + len(groupEventsKey) + len(groupSuffix)}
		p.byIDs[string(ids)] = len(p.groups)
		p.groups = append(p.groups, g)
	} else {
		p.groupBytes -= g.size
	}
	p.user = append(p.user, -1) // set by materialize
	p.evIndex = append(p.evIndex, len(g.events))
	g.add(event, rec)
	p.groupBytes += g.size
}

// materialize appends the event groups to the body, so the batch can be sent.
func (p *batch) materialize() {
	for _, g := range p.groups {
		u := p.body.Len()
		p.scratch = g.encode(p.scratch[:0])
		p.body.Add(p.scratch)
		for _, r := range g.recs {
			p.user[r] = u
		}
	}
	p.groups, p.groupBytes = p.groups[:0], 0
	clear(p.byIDs)
}

// addRecord adds a mapped record to the current batch, first sending the
// batch when the record would not fit. A contacts record first waits for an
// earlier delete or merge of the same contact.
func (w *writer) addRecord(ctx context.Context, res *mapping.Result, ref protocol.RecordRef, stream string, contact bool) error {
	extra := len(res.User)
	newUser := true
	if ids, event, ok := res.Event(); ok && w.cur.groupOf(ids) != nil {
		extra, newUser = len(event)+1, false
	}
	if (newUser && w.cur.userCount() >= w.cfg.BatchSize) || w.cur.sizeWith(extra) > insider.MaxBodyBytes {
		if err := w.flush(ctx); err != nil {
			return err
		}
	}
	c := w.cur
	if c.userCount() == 0 {
		c.opened = w.now()
	}
	if contact {
		w.dm.lane.awaitKey(res.Key) // an earlier delete or merge of this contact goes first
		w.dm.track(res.Key)
	}
	c.refs = append(c.refs, ref)
	c.keys = append(c.keys, res.Key)
	c.events = append(c.events, res.Events)
	c.stream = append(c.stream, stream)
	c.add(res, len(c.refs)-1)
	return nil
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

// innocents returns the records to resend: events Insider refused only
// because they shared a user object with an event it blamed.
func (w *writer) innocents(p *batch, rej map[int][]string) map[int]bool {
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

// resend sends the innocent events of rejected user objects again, one
// user object per contact, and reports their outcome.
func (w *writer) resend(ctx context.Context, p *batch, rej map[int][]string, retry map[int]bool) {
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
	b := newBatch(w.cfg)
	var sent [][]int // records of each user of b
	for _, u := range order {
		enc, ok := regroup(p, u, byUser[u])
		if !ok {
			for _, r := range byUser[u] {
				w.count.reject(ReasonInsider)
				w.logReject(p.stream[r], p.keys[r], ReasonInsider, maskMessages(rej[u]))
				if w.stopOnTrackerErr(w.states.Reject(p.refs[r])) != nil {
					return
				}
			}
			continue
		}
		b.Add(enc)
		sent = append(sent, byUser[u])
	}
	if b.Len() == 0 {
		return
	}
	res, err := w.client.UpsertBatch(ctx, b)
	w.countCall(res.Stats)
	if err != nil {
		var refs []protocol.RecordRef
		for _, recs := range sent {
			for _, r := range recs {
				refs = append(refs, p.refs[r])
			}
		}
		w.callFailed(ctx, refs, "", err)
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
				w.count.reject(ReasonInsider)
				w.logReject(p.stream[r], p.keys[r], ReasonInsider, maskMessages(msgs))
				err = w.stopOnTrackerErr(w.states.Reject(p.refs[r]))
			} else {
				users++
				events += int64(p.events[r])
				err = w.stopOnTrackerErr(w.states.Commit(p.refs[r]))
			}
			if err != nil {
				return
			}
		}
	}
	w.count.add(func(s *Summary) { s.UsersUpserted += users; s.EventsSent += events })
}
