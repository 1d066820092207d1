package destination

import (
	"context"
	"strings"
)

// sender upserts batches from w.work until it is closed, reports every
// record's outcome, and returns each batch to w.free.
func (w *writer) sender(ctx context.Context) {
	defer w.wg.Done()
	for p := range w.work {
		w.deliver(ctx, p)
		w.probeAnswered()
		w.done(p)
	}
}

func (w *writer) send(ctx context.Context, p *batch) {
	w.mu.Lock()
	stopSending := w.stopSending
	w.mu.Unlock()
	if stopSending {
		// Credentials were refused, or something else answers in
		// Insider's place: sending more cannot succeed.
		w.fail(p.refs)
		return
	}
	res, err := w.client.UpsertBatch(ctx, p.body)
	w.countCall(res.Stats)
	if err != nil {
		w.callFailed(ctx, p.refs, "", err)
		return
	}
	rej := make(map[int][]string, len(res.Rejected))
	reasons := make(map[int]string, len(res.Rejected))
	for _, r := range res.Rejected {
		rej[r.Index] = r.Messages
		reasons[r.Index] = ReasonInsider
		switch {
		case r.TooLarge:
			reasons[r.Index] = ReasonTooLarge
		case r.Status != 0:
			reasons[r.Index] = ReasonInsiderRefused
		}
	}
	retry := w.innocents(p, rej)
	var users, events int64
	for i, ref := range p.refs {
		if msgs, ok := rej[p.user[i]]; ok {
			if retry[i] {
				continue // resent below
			}
			reason := reasons[p.user[i]]
			w.count.reject(reason)
			w.logReject(p.stream[i], p.keys[i], reason, maskMessages(msgs))
			if w.stopOnTrackerErr(w.states.Reject(ref)) != nil {
				return
			}
			continue
		}
		users++
		events += int64(p.events[i])
		if w.stopOnTrackerErr(w.states.Commit(ref)) != nil {
			return
		}
	}
	w.count.add(func(s *Summary) { s.UsersUpserted += users; s.EventsSent += events })
	if len(retry) > 0 {
		w.resend(ctx, p, rej, retry)
	}
}

// maskMessages joins Insider's messages for a log line, masking the value
// Insider quotes after the last ": " (it may be personal data).
func maskMessages(msgs []string) string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		if j := strings.LastIndex(m, ": "); j >= 0 && strings.Count(m, ": ") > 1 {
			m = m[:j] + ": ***"
		}
		out[i] = m
	}
	return strings.Join(out, "; ")
}
