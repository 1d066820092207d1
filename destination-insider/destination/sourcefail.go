package destination

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/insider-hubspot/connectors/protocol"
)

// This file handles a source's TRACE ERROR in the input. Airbyte never passes a source's TRACE
// messages to a destination, so one on stdin means a direct pipe (source read | destination
// write), where the destination's exit code is what a shell or cron sees. The destination still
// delivers every record and echoes every state it may, then ends with the source's error, so
// that a failed read does not end the pipe with exit 0. TRACE messages that are not errors
// (stream statuses, estimates) are ignored.

// sourceErrors is what the read loop learned from the source's TRACE ERRORs.
type sourceErrors struct {
	first *protocol.ErrorTrace
	count int
}

// trace handles a TRACE message of the input, raw as read.
func (w *writer) trace(raw []byte) {
	var m struct {
		Trace *protocol.Trace `json:"trace"`
	}
	if err := json.Unmarshal(raw, &m); err != nil || m.Trace == nil || m.Trace.Type != protocol.TraceError || m.Trace.Error == nil {
		return
	}
	te := m.Trace.Error
	e := w.log.Error().Str("failure_type", string(te.FailureType))
	if te.StreamDescriptor != nil {
		e.Str("stream", te.StreamDescriptor.Name)
	}
	e.Msg("the source failed: " + te.Message + " (its records read so far are still delivered; the run will end with this error)")
	w.count.add(func(s *Summary) { s.SourceErrors++ })
	w.source.count++
	if w.source.first == nil {
		w.source.first = te
	}
}

// withSourceError adds the source's failure to err, the run's own outcome: the source's error
// when the destination has none, else err whose message also says the source failed.
func (w *writer) withSourceError(err error) error {
	src := w.source.error()
	switch {
	case src == nil:
		return err
	case err == nil:
		return src
	}
	out := &protocol.Error{Failure: protocol.FailureTypeOf(err), Message: protocol.UserMessage(err) + "; the source failed too: " + w.source.said(), Err: err}
	var pe *protocol.Error
	if errors.As(err, &pe) {
		out.Stream = pe.Stream
	}
	return out
}

// error is the run's error for the source's failures; nil when there were none.
func (s *sourceErrors) error() *protocol.Error {
	if s.first == nil {
		return nil
	}
	failure := s.first.FailureType
	switch failure {
	case protocol.FailureConfig, protocol.FailureSystem, protocol.FailureTransient:
	default:
		failure = protocol.FailureSystem
	}
	e := protocol.NewError(failure, "the source failed: "+s.said(), nil)
	if s.first.InternalMessage != "" {
		e.Err = errors.New(s.first.InternalMessage)
	}
	if s.first.StreamDescriptor != nil {
		e.Stream = s.first.StreamDescriptor.Name
	}
	return e
}

// said is what the source said: its first error's message, and how many more there were.
func (s *sourceErrors) said() string {
	if s.count > 1 {
		return fmt.Sprintf("%s (and %d more source errors, logged above)", s.first.Message, s.count-1)
	}
	return s.first.Message
}
