package stream

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// StateObject decodes a stream_state object; nil, null and {} give an empty map.
func StateObject(raw json.RawMessage) (map[string]json.RawMessage, error) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || IsNull(t) {
		return nil, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(t, &obj); err != nil || obj == nil {
		return nil, fmt.Errorf("state is not a JSON object: %.80s", t)
	}
	return obj, nil
}

// IsID reports whether s is a HubSpot record id (a decimal number).
func IsID(s string) bool {
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

// IsNull reports whether raw is JSON null.
func IsNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// NotAhead refuses a saved cursor (field of stream's state) later than the clock now, with a
// config error that names the value, the clock and the fix.
//
// Such a cursor is refused, never clamped. Such a state was written by a host whose clock ran
// fast, or edited by hand; the run that wrote it read HubSpot at some earlier, unknown, real
// time. Kept, it would hide every change until the clock passes it (the stream would look
// frozen); clamped to now minus the lookback, it would skip the changes made between that real
// time and then. Neither is safe, so the run stops.
func NotAhead(stream, field string, t, now time.Time) error {
	if !t.After(now) {
		return nil
	}
	return ConfigError(fmt.Sprintf("the saved state of stream %s has %s %s, which is later than the current time %s: "+
		"it was written by a host whose clock ran fast, or edited by hand, and kept as it is it would hide every change "+
		"made until then. Check the clock of the host running the source (NTP), then set %s in the state to the time "+
		"of the last sync that ran with a correct clock, or reset the stream to read everything again",
		stream, field, FormatTime(t), FormatTime(now), field))
}
