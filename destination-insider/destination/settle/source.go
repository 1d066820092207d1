package settle

import (
	"errors"
	"fmt"

	"github.com/insider-hubspot/connectors/protocol"
)

// sourceErrors is what the read loop learned from the TRACE ERRORs of a source piped straight
// into the input: the run ends with the source's error once every record is delivered, so that
// a failed read does not end the pipe with exit 0.
type sourceErrors struct {
	first *protocol.ErrorTrace
	count int
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
