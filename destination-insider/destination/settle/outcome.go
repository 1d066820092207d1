package settle

import (
	"errors"
	"fmt"
	"sync"

	"github.com/insider-hubspot/connectors/protocol"
)

// Outcome is what one write has come to, and the one error Write returns for it. It holds
//
//   - the failures for good of Insider calls: the kind of the first, unless a config_error
//     comes later (it wins: a retry cannot mend it), or a failure that stops sending;
//   - a stop, which ends reading after the current message: Insider cannot be reached as
//     configured, a config_error of the input (fail_run, a stream without identifier mappings),
//     a STATE that could not be written;
//   - the TRACE ERRORs a source piped into the input reported (source.go).
//
// Result decides between them and a read error or a cancellation (SIGTERM). It is safe for
// concurrent use: the read loop and the senders report to it.
type Outcome struct {
	baseURL string // api_base_url, for the failure's message

	mu          sync.Mutex
	failKind    protocol.FailureType // set when a call failed for good
	failErr     error                // the failure behind failKind
	stopErr     error                // the first reason to stop reading
	stopSending bool                 // credentials refused, or not Insider answering: send nothing more
	source      sourceErrors
}

// NewOutcome returns the outcome of a write to the Insider API at baseURL (api_base_url,
// which its failure's message names).
func NewOutcome(baseURL string) *Outcome { return &Outcome{baseURL: baseURL} }

// errUnreachable is the stop of a call failure that makes sending more pointless.
var errUnreachable = errors.New("insider cannot be reached at api_base_url as configured")

// failed records a call that failed for good with a failure of kind. stop says that sending
// more cannot succeed (credentials refused, a redirect, something else answering in Insider's
// place): the run stops reading and sends nothing more.
func (o *Outcome) failed(kind protocol.FailureType, err error, stop bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.failKind == "" || (kind == protocol.FailureConfig && o.failKind != kind) || (stop && !o.stopSending) {
		o.failKind, o.failErr = kind, err
	}
	o.stopSending = o.stopSending || stop
	if stop && o.stopErr == nil {
		o.stopErr = errUnreachable
	}
}

// Stop ends reading after the current message; the first reason wins.
func (o *Outcome) Stop(err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.stopErr == nil {
		o.stopErr = err
	}
}

// Stopped reports whether reading is to end.
func (o *Outcome) Stopped() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.stopErr != nil
}

// SendingStopped reports whether a failure made sending more pointless.
func (o *Outcome) SendingStopped() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.stopSending
}

// SourceFailed records a TRACE ERROR of a source piped into the input.
func (o *Outcome) SourceFailed(te *protocol.ErrorTrace) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.source.add(te)
}

// Result is the error Write returns once every record is settled, in this order:
//
//  1. readErr, the error that ended reading, unless it is the cancellation ctxErr;
//  2. a stop that is a protocol error of its own (fail_run, a stream without identifier
//     mappings, a STATE not written), else a failure for good, with held, the records held
//     back: a failure before a cancellation is what the run reports, not the cancellation;
//  3. the cancellation, when nothing failed before it ("the run was stopped");
//  4. nil.
//
// The source's failure is added to 1 and 2, and stands alone for 4.
func (o *Outcome) Result(readErr, ctxErr error, held int64) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if readErr != nil && (ctxErr == nil || !errors.Is(readErr, ctxErr)) {
		return o.withSourceError(readErr)
	}
	if err := o.own(held); err != nil {
		return o.withSourceError(err)
	}
	if ctxErr != nil {
		return ctxErr
	}
	return o.withSourceError(nil)
}

// own is the run's own failure, nil when everything was delivered or deliberately rejected;
// o.mu is held.
func (o *Outcome) own(held int64) error {
	var pe *protocol.Error
	if o.stopErr != nil && (o.failKind == "" || errors.As(o.stopErr, &pe)) {
		return o.stopErr
	}
	if o.failKind == "" {
		return nil
	}
	msg := FailureMessage(o.failKind, o.failErr, o.baseURL)
	return protocol.NewError(o.failKind, fmt.Sprintf(
		"%s. %d records were held back: their streams' later states were not saved, so the next run sends them again", msg, held), o.failErr)
}

// withSourceError adds the source's failure to err, the run's own outcome: the source's error
// when the destination has none, else err whose message also says the source failed; o.mu is
// held.
func (o *Outcome) withSourceError(err error) error {
	src := o.source.error()
	switch {
	case src == nil:
		return err
	case err == nil:
		return src
	}
	out := &protocol.Error{Failure: protocol.FailureTypeOf(err), Message: protocol.UserMessage(err) + "; the source failed too: " + o.source.said(), Err: err}
	var pe *protocol.Error
	if errors.As(err, &pe) {
		out.Stream = pe.Stream
	}
	return out
}
