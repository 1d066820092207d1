package events

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// State is an event stream's stream_state: {"occurredAt": "2026-01-02T03:04:05.678Z",
// "delivered": {...}}. Every occurrence at or before occurredAt that HubSpot showed when it was
// read was delivered; delivered, when present, names the occurrences delivered at or after its
// since (delivered.go), so that a run reading back over them for late arrivals delivers none
// of them twice.
type State struct {
	OccurredAt time.Time
	Delivered  *deliveredSet
}

type stateJSON struct {
	OccurredAt string        `json:"occurredAt"`
	Delivered  *deliveredSet `json:"delivered,omitempty"`
}

// MarshalJSON writes {"occurredAt": ..., "delivered": ...}.
func (s State) MarshalJSON() ([]byte, error) {
	return json.Marshal(stateJSON{OccurredAt: stream.FormatTime(s.OccurredAt), Delivered: s.Delivered})
}

// ParseState reads an event stream_state; no state gives a zero state.
func ParseState(raw json.RawMessage) (State, error) {
	var s State
	obj, err := stream.StateObject(raw)
	if err != nil || len(obj) == 0 {
		return s, err
	}
	c, ok := obj[cursor]
	if !ok {
		return s, fmt.Errorf("event state has no occurredAt")
	}
	if s.OccurredAt, err = stream.ParseCursor(c); err != nil {
		return s, fmt.Errorf("event state occurredAt: %w", err)
	}
	if d, ok := obj["delivered"]; ok && !stream.IsNull(d) {
		if s.Delivered, err = parseDelivered(d); err != nil {
			return s, err
		}
	}
	return s, nil
}
