package destination

import (
	"context"
	"errors"
	"strings"

	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/protocol"
)

// sender upserts batches from w.work until it is closed, reports every
// record's outcome, and returns each batch to w.free.
func (w *writer) sender(ctx context.Context) {
	defer w.wg.Done()
	for p := range w.work {
		w.send(ctx, p)
		for ; p.tokens > 0; p.tokens-- {
			<-w.budget
		}
		p.reset(w.cfg.SkipHook) // drops the buffer of a huge batch now
		w.free <- p
	}
}

func (w *writer) send(ctx context.Context, p *pending) {
	w.mu.Lock()
	authFail := w.authFail
	w.mu.Unlock()
	if authFail {
		// Credentials were refused: sending more cannot succeed.
		w.fail(p.refs)
		return
	}
	res, err := w.client.UpsertBatch(ctx, p.body)
	w.count.add(func(s *Summary) {
		s.Requests += int64(res.Requests)
		s.Retries += int64(res.Retries)
	})
	if err != nil {
		w.batchFailed(ctx, p, err)
		return
	}
	rejected := res.Rejected
	var users, events int64
	for i, ref := range p.refs {
		if len(rejected) > 0 && rejected[0].Index == i {
			w.count.reject(ReasonInsider)
			w.logReject(p.stream[i], p.keys[i], ReasonInsider, maskMessages(rejected[0].Messages))
			rejected = rejected[1:]
			if w.states != nil && w.outcome(w.states.Reject(ref)) != nil {
				return
			}
			continue
		}
		users++
		events += int64(p.events[i])
		if w.states != nil && w.outcome(w.states.Commit(ref)) != nil {
			return
		}
	}
	w.count.add(func(s *Summary) { s.UsersUpserted += users; s.EventsSent += events })
}

// batchFailed holds a failed batch's records back and records why.
func (w *writer) batchFailed(ctx context.Context, p *pending, err error) {
	w.fail(p.refs)
	kind := protocol.FailureSystem
	switch {
	case insider.IsAuth(err):
		kind = protocol.FailureConfig
	case ctx.Err() != nil:
		return // cancellation is reported by Write itself
	case insider.IsTemporary(err):
		kind = protocol.FailureTransient
	}
	w.log.Error().Err(err).Int("records", len(p.refs)).Str("failure_type", string(kind)).
		Msg("an upsert batch failed; its records are held back for the next run")
	w.mu.Lock()
	if w.failKind == "" || kind == protocol.FailureConfig {
		w.failKind, w.failErr = kind, err
	}
	w.authFail = w.authFail || kind == protocol.FailureConfig
	w.mu.Unlock()
	if kind == protocol.FailureConfig {
		w.stop(errors.New("insider refused the credentials"))
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
