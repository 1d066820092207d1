package destination

import (
	"encoding/json"

	"github.com/insider-hubspot/connectors/protocol"
)

// This file handles a source's TRACE ERROR in the input. Airbyte never passes a source's TRACE
// messages to a destination, so one on stdin means a direct pipe (source read | destination
// write), where the destination's exit code is what a shell or cron sees. The destination still
// delivers every record and echoes every state it may, then ends with the source's error
// (settle.Outcome), so that a failed read does not end the pipe with exit 0. TRACE messages
// that are not errors (stream statuses, estimates) are ignored.

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
