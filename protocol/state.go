package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// InputState is the state a read starts from: the latest stream_state of each stream, or a bare
// legacy object. The zero value (and nil) is "no state".
type InputState struct {
	streams map[string]json.RawMessage
	legacy  json.RawMessage
}

// Stream returns the stream_state of the named stream, or nil when it has none.
func (s *InputState) Stream(name string) json.RawMessage {
	if s == nil {
		return nil
	}
	return s.streams[name]
}

// Legacy returns the state when it was given as a bare legacy object, or nil.
func (s *InputState) Legacy() json.RawMessage {
	if s == nil {
		return nil
	}
	return s.legacy
}

// Empty reports whether there is no state at all.
func (s *InputState) Empty() bool {
	return s == nil || (len(s.streams) == 0 && s.legacy == nil)
}

// LegacyStateChecker is implemented by a source that accepts legacy states: CheckLegacyState
// reports an error naming the problem when legacy (a bare JSON object given as the state, or a
// LEGACY message's data) is not a state the source understands. The runner then refuses the
// state file with a config_error naming --state, instead of reading everything again in silence.
type LegacyStateChecker interface {
	CheckLegacyState(legacy json.RawMessage) error
}

// ParseState parses the contents of a --state file. Empty input, null, {} and [] are no state.
// An array holds AirbyteStateMessages (STREAM, GLOBAL, or LEGACY with data); a bare object that
// is not a state message is a legacy state. Anything else is an error, never silently no state.
func ParseState(data []byte) (*InputState, error) {
	data = bytes.TrimSpace(data)
	s := &InputState{streams: map[string]json.RawMessage{}}
	if len(data) == 0 || bytes.Equal(data, []byte("null")) {
		return s, nil
	}
	switch data[0] {
	case '[':
		var msgs []json.RawMessage
		if err := json.Unmarshal(data, &msgs); err != nil {
			return nil, fmt.Errorf("state is not valid JSON: %w", err)
		}
		for i, raw := range msgs {
			if err := s.addMessage(raw); err != nil {
				return nil, fmt.Errorf("state entry %d: %w", i, err)
			}
		}
		return s, nil
	case '{':
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(data, &obj); err != nil {
			return nil, fmt.Errorf("state is not valid JSON: %w", err)
		}
		if len(obj) == 0 {
			return s, nil
		}
		if _, ok := obj["type"]; ok {
			if err := s.addMessage(data); err != nil {
				return nil, err
			}
			return s, nil
		}
		if _, ok := obj["stream"]; ok {
			if err := s.addMessage(data); err != nil {
				return nil, err
			}
			return s, nil
		}
		s.legacy = json.RawMessage(bytes.Clone(data))
		return s, nil
	}
	return nil, errors.New("state must be a JSON array of Airbyte state messages or a JSON object")
}

// addMessage adds one AirbyteStateMessage (or an AirbyteMessage of type STATE wrapping one).
func (s *InputState) addMessage(raw json.RawMessage) error {
	var wrapped struct {
		Type  string `json:"type"`
		State *State `json:"state"`
	}
	if err := json.Unmarshal(raw, &wrapped); err != nil {
		return fmt.Errorf("not a state message: %w", err)
	}
	var st State
	if wrapped.Type == string(TypeState) && wrapped.State != nil {
		st = *wrapped.State
	} else if err := json.Unmarshal(raw, &st); err != nil {
		return fmt.Errorf("not a state message: %w", err)
	}
	switch {
	case st.Stream != nil:
		if st.Stream.StreamDescriptor.Name == "" {
			return errors.New("stream state without stream_descriptor.name")
		}
		s.setStream(st.Stream)
	case st.Global != nil:
		for i := range st.Global.StreamStates {
			s.setStream(&st.Global.StreamStates[i])
		}
	case len(st.Data) > 0:
		if !isObject(st.Data) {
			return errors.New("legacy state data must be an object")
		}
		s.legacy = st.Data
	default:
		return errors.New("state message has none of stream, global or data")
	}
	return nil
}

func (s *InputState) setStream(ss *StreamState) {
	v := bytes.TrimSpace(ss.StreamState)
	if len(v) == 0 || bytes.Equal(v, []byte("null")) {
		delete(s.streams, ss.StreamDescriptor.Name) // a reset stream starts again
		return
	}
	s.streams[ss.StreamDescriptor.Name] = json.RawMessage(bytes.Clone(v))
}
