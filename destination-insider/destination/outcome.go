package destination

import (
	"errors"
	"fmt"

	"github.com/insider-hubspot/connectors/protocol"
)

// reject counts and logs a skipped record and reports it to the tracker.
func (w *writer) reject(ref protocol.RecordRef, stream, key, reason, detail string) error {
	w.count.reject(reason)
	w.logReject(stream, key, reason, detail)
	return w.stopOnTrackerErr(w.states.Reject(ref))
}

func (w *writer) logReject(stream, key, reason, detail string) {
	w.mu.Lock()
	w.logged++
	n, first := w.logged, !w.suppress && w.logged > maxLoggedRejections
	if first {
		w.suppress = true
	}
	w.mu.Unlock()
	switch {
	case n <= maxLoggedRejections:
		w.log.Warn().Str("stream", stream).Str("key", key).Str("reason", reason).Str("detail", detail).Msg("record skipped")
	case first:
		w.log.Warn().Int("logged", maxLoggedRejections).Msg("more records were skipped; they are counted in the summary but not logged one by one")
	}
}

// stopOnTrackerErr turns a tracker error (writing stdout failed) into a stop.
func (w *writer) stopOnTrackerErr(err error) error {
	if err != nil {
		err = protocol.NewError(protocol.FailureSystem, "could not write a STATE message", err)
		w.stop(err)
	}
	return err
}

// fail reports records as failed for good.
func (w *writer) fail(refs []protocol.RecordRef) {
	for _, r := range refs {
		if err := w.states.Fail(r); err != nil {
			_ = w.stopOnTrackerErr(err)
			return
		}
	}
}

// stop ends reading after the current message; the first reason wins.
func (w *writer) stop(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopErr == nil {
		w.stopErr = err
	}
}

func (w *writer) stopped() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.stopErr != nil
}

// result is the error Write returns once every sender is done: nil when
// everything was delivered or deliberately rejected.
func (w *writer) result() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	var pe *protocol.Error
	if w.stopErr != nil && (w.failKind == "" || errors.As(w.stopErr, &pe)) {
		return w.stopErr
	}
	if w.failKind == "" {
		return nil
	}
	held := w.states.HeldBack()
	msg := failureMessage(w.failKind, w.failErr, w.cfg.APIBaseURL)
	return protocol.NewError(w.failKind, fmt.Sprintf(
		"%s. %d records were held back: their streams' later states were not saved, so the next run sends them again", msg, held), w.failErr)
}
