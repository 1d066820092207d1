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

// sourceError returns the error of a TRACE message of the input, raw as read; nil when the
// message is not a TRACE ERROR.
func sourceError(raw []byte) *protocol.ErrorTrace {
	var m struct {
		Trace *protocol.Trace `json:"trace"`
	}
	if err := json.Unmarshal(raw, &m); err != nil || m.Trace == nil || m.Trace.Type != protocol.TraceError {
		return nil
	}
	return m.Trace.Error
}

// add records one TRACE ERROR of the source.
func (s *sourceErrors) add(te *protocol.ErrorTrace) {
	s.count++
	if s.first == nil {
		s.first = te
	}
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
