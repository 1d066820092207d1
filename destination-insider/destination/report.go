package destination

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

// report settles records: it tells the state tracker each record's outcome, counts it, logs
// the rejections, and records in the run's outcome what ends the run (a call that failed for
// good, a STATE that could not be written). The read loop and the senders share it; it is safe
// for concurrent use.
type report struct {
	states tracker // noTracker in a dry run
	count  *counters
	out    *runOutcome
	log    *zerolog.Logger
	logged atomic.Int64 // rejections logged or suppressed
}

// commit settles a delivered record.
func (r *report) commit(ref protocol.RecordRef) error {
	return r.stopOnTrackerErr(r.states.Commit(ref))
}

// skip counts a record deliberately left out by a rule of the config, and settles it. Unlike
// reject it logs no line per record.
func (r *report) skip(ref protocol.RecordRef, reason string) error {
	r.count.reject(reason)
	return r.stopOnTrackerErr(r.states.Reject(ref))
}

// reject counts and logs a skipped record and settles it.
func (r *report) reject(ref protocol.RecordRef, stream, key, reason, detail string) error {
	r.count.reject(reason)
	r.logReject(stream, key, reason, detail)
	return r.stopOnTrackerErr(r.states.Reject(ref))
}

func (r *report) logReject(stream, key, reason, detail string) {
	if r.lineDue() {
		r.log.Warn().Str("stream", stream).Str("key", key).Str("reason", reason).Str("detail", detail).Msg("record skipped")
	}
}

// countOn adds n to the count name of the state covering ref (its destinationStats); call it
// before ref is settled.
func (r *report) countOn(ref protocol.RecordRef, name string, n int64) {
	if n != 0 {
		r.states.Count(ref, name, n)
	}
}

// lineDue reports whether one more WARN line about a record or call may be logged: the run
// bounds such lines, and rejections share the bound.
func (r *report) lineDue() bool {
	switch n := r.logged.Add(1); {
	case n <= maxLoggedRejections:
		return true
	case n == maxLoggedRejections+1:
		r.log.Warn().Int("logged", maxLoggedRejections).Msg("more records were skipped or refused; they are counted in the summary but not logged one by one")
	}
	return false
}

// fail settles records as failed for good: no later state of their streams is echoed.
func (r *report) fail(refs ...protocol.RecordRef) {
	for _, ref := range refs {
		if err := r.states.Fail(ref); err != nil {
			_ = r.stopOnTrackerErr(err)
			return
		}
	}
}

// stopOnTrackerErr turns a tracker error (writing stdout failed) into a stop.
func (r *report) stopOnTrackerErr(err error) error {
	if err != nil {
		err = protocol.NewError(protocol.FailureSystem, "could not write a STATE message", err)
		r.out.stop(err)
	}
	return err
}

// callFailed holds refs back after an Insider call failed for good and records why; call
// names a delete, anonymize, identity or single upsert call, "" an upsert batch.
func (r *report) callFailed(ctx context.Context, refs []protocol.RecordRef, call string, err error) {
	r.fail(refs...)
	kind, stop, canceled := classify(ctx, err)
	if canceled {
		return // Write reports the cancellation itself
	}
	e := r.log.Error().Err(err)
	if call == "" {
		e.Int("records", len(refs)).Str("failure_type", string(kind)).
			Msg("an upsert batch failed; its records are held back for the next run")
	} else {
		e.Str("call", call).Str("failure_type", string(kind)).
			Msg("an Insider " + call + " call failed; its record is held back for the next run")
	}
	r.out.failed(kind, err, stop)
}

// countCall counts the requests and retries of one Insider call.
func (r *report) countCall(st insider.Stats) {
	r.count.add(func(s *Summary) { s.Requests += int64(st.Requests); s.Retries += int64(st.Retries) })
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
