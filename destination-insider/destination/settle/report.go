// Package settle keeps the books of one write of the destination: it settles each record with
// the state tracker (delivered, deliberately rejected or skipped, held back), counts what the
// run did (Summary), and holds what ends the run and the one error Write returns for it
// (Outcome), with Insider's failures told as user messages. It sends nothing; the read loop
// and the senders report to it.
package settle

import (
	"context"
	"strings"
	"sync/atomic"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/destination-insider/insider"
	"github.com/insider-hubspot/connectors/protocol"
)

// maxLoggedRejections bounds the per-record WARN lines of one run; later
// rejections are only counted.
const maxLoggedRejections = 1000

// Report settles records: it tells the state tracker each record's outcome, counts it, logs
// the rejections, and records in the run's outcome what ends the run (a call that failed for
// good, a STATE that could not be written). The read loop and the senders share it; it is safe
// for concurrent use. Its fields are set once, before the run starts.
type Report struct {
	States  Tracker  // NoTracker in a dry run
	Counts  *Counts  // what the run did
	Outcome *Outcome // what ends the run
	Log     *zerolog.Logger
	logged  atomic.Int64 // rejections logged or suppressed
}

// Commit settles a delivered record.
func (r *Report) Commit(ref protocol.RecordRef) error {
	return r.stopOnTrackerErr(r.States.Commit(ref))
}

// Skip counts a record deliberately left out by a rule of the config, and settles it. Unlike
// Reject it logs no line per record.
func (r *Report) Skip(ref protocol.RecordRef, reason string) error {
	r.Counts.reject(reason)
	return r.stopOnTrackerErr(r.States.Reject(ref))
}

// Reject counts and logs a skipped record and settles it.
func (r *Report) Reject(ref protocol.RecordRef, stream, key, reason, detail string) error {
	r.Counts.reject(reason)
	r.logReject(stream, key, reason, detail)
	return r.stopOnTrackerErr(r.States.Reject(ref))
}

func (r *Report) logReject(stream, key, reason, detail string) {
	if r.LineDue() {
		r.Log.Warn().Str("stream", stream).Str("key", key).Str("reason", reason).Str("detail", detail).Msg("record skipped")
	}
}

// CountOn adds n to the count name (a Stat constant) of the state covering ref (its
// destinationStats); call it before ref is settled.
func (r *Report) CountOn(ref protocol.RecordRef, name string, n int64) {
	if n != 0 {
		r.States.Count(ref, name, n)
	}
}

// LineDue reports whether one more WARN line about a record or call may be logged: the run
// bounds such lines, and rejections share the bound.
func (r *Report) LineDue() bool {
	switch n := r.logged.Add(1); {
	case n <= maxLoggedRejections:
		return true
	case n == maxLoggedRejections+1:
		r.Log.Warn().Int("logged", maxLoggedRejections).Msg("more records were skipped or refused; they are counted in the summary but not logged one by one")
	}
	return false
}

// Fail settles records as failed for good: no later state of their streams is echoed.
func (r *Report) Fail(refs ...protocol.RecordRef) {
	for _, ref := range refs {
		if err := r.States.Fail(ref); err != nil {
			_ = r.stopOnTrackerErr(err)
			return
		}
	}
}

// stopOnTrackerErr turns a tracker error (writing stdout failed) into a stop.
func (r *Report) stopOnTrackerErr(err error) error {
	if err != nil {
		err = protocol.NewError(protocol.FailureSystem, "could not write a STATE message", err)
		r.Outcome.Stop(err)
	}
	return err
}

// CallFailed holds refs back after an Insider call failed for good and records why; call
// names a delete, anonymize, identity or single upsert call, "" an upsert batch.
func (r *Report) CallFailed(ctx context.Context, refs []protocol.RecordRef, call string, err error) {
	r.Fail(refs...)
	kind, stop, canceled := classify(ctx, err)
	if canceled {
		return // Write reports the cancellation itself
	}
	e := r.Log.Error().Err(err)
	if call == "" {
		e.Int("records", len(refs)).Str("failure_type", string(kind)).
			Msg("an upsert batch failed; its records are held back for the next run")
	} else {
		e.Str("call", call).Str("failure_type", string(kind)).
			Msg("an Insider " + call + " call failed; its record is held back for the next run")
	}
	r.Outcome.failed(kind, err, stop)
}

// CountCall counts the requests and retries of one Insider call.
func (r *Report) CountCall(st insider.Stats) {
	r.Counts.Add(func(s *Summary) { s.Requests += int64(st.Requests); s.Retries += int64(st.Retries) })
}

// MaskMessages joins Insider's messages for a log line, masking the value
// Insider quotes after the last ": " (it may be personal data).
func MaskMessages(msgs []string) string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		if j := strings.LastIndex(m, ": "); j >= 0 && strings.Count(m, ": ") > 1 {
			m = m[:j] + ": ***"
		}
		out[i] = m
	}
	return strings.Join(out, "; ")
}
