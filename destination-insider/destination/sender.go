package destination

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/internal/httpx"
	"github.com/insider-hubspot/connectors/protocol"
)

// sender upserts batches from w.work until it is closed, reports every
// record's outcome, and returns each batch to w.free.
func (w *writer) sender(ctx context.Context) {
	defer w.wg.Done()
	for p := range w.work {
		w.send(ctx, p)
		w.probeAnswered()
		for ; p.tokens > 0; p.tokens-- {
			<-w.budget
		}
		p.reset(w.cfg.SkipHook) // drops the buffer of a huge batch now
		w.free <- p
	}
}

func (w *writer) send(ctx context.Context, p *pending) {
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
	w.count.add(func(s *Summary) {
		s.Requests += int64(res.Requests)
		s.Retries += int64(res.Retries)
	})
	if err != nil {
		w.batchFailed(ctx, p, err)
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
	if len(retry) > 0 {
		w.resend(ctx, p, rej, retry)
	}
}

// batchFailed holds a failed batch's records back and records why.
func (w *writer) batchFailed(ctx context.Context, p *pending, err error) {
	w.fail(p.refs)
	kind, stop := protocol.FailureSystem, false
	switch {
	case insider.IsAuth(err), insider.IsRedirect(err):
		kind, stop = protocol.FailureConfig, true
	case ctx.Err() != nil:
		return // cancellation is reported by Write itself
	case insider.IsAnswer(err):
		// Every attempt got an answer that is not Insider's: the next
		// batches would fare the same.
		stop = true
	case insider.IsTemporary(err):
		kind = protocol.FailureTransient
	}
	w.log.Error().Err(err).Int("records", len(p.refs)).Str("failure_type", string(kind)).
		Msg("an upsert batch failed; its records are held back for the next run")
	w.mu.Lock()
	if w.failKind == "" || (kind == protocol.FailureConfig && w.failKind != kind) || (stop && !w.stopSending) {
		w.failKind, w.failErr = kind, err
	}
	w.stopSending = w.stopSending || stop
	w.mu.Unlock()
	if stop {
		w.stop(errors.New("insider cannot be reached at api_base_url as configured"))
	}
}

// failureMessage says what went wrong with a batch that failed for good, and
// what to do.
func failureMessage(kind protocol.FailureType, err error, baseURL string) string {
	var re *insider.RedirectError
	switch {
	case errors.As(err, &re):
		fix := "set api_base_url to the address of Insider's API (default " + DefaultAPIBaseURL + ")"
		if b := re.SuggestedBaseURL(); b != "" {
			fix = "set api_base_url to " + b + " if that is Insider's API"
		}
		return fmt.Sprintf("Insider's address %s answered HTTP %d redirecting to %q; upserts are not sent on to another address "+
			"(the request would arrive as a GET that upserts nothing, and the API key would go to another host): %s",
			baseURL, re.StatusCode, re.Location, fix)
	case insider.IsAuth(err):
		return authError(err).(*protocol.Error).Message
	case insider.IsAnswer(err):
		return fmt.Sprintf("the address %s answered with something that is not Insider's JSON (an HTML page, an empty body or another shape), "+
			"so nothing it accepted counts as delivered: check that api_base_url is Insider's API (default %s) and that no proxy answers in its place", baseURL, DefaultAPIBaseURL)
	case kind == protocol.FailureTransient:
		return transientMessage(err)
	}
	var rf *insider.RefusedError
	if errors.As(err, &rf) {
		return fmt.Sprintf("Insider refused every user of a batch of %d with HTTP 400, each sent alone, so the cause is in every request rather than in the records", rf.Users)
	}
	if f, ok := httpx.Describe(err, "api_base_url"); ok {
		return "could not reach Insider: " + f.String()
	}
	return "Insider refused a batch"
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
