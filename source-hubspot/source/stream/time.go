package stream

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// TimeLayout is how instants are written: RFC 3339 UTC with milliseconds, as HubSpot does.
const TimeLayout = "2006-01-02T15:04:05.000Z"

// FormatTime writes an instant as RFC 3339 UTC with milliseconds; the zero time ("from the
// beginning") is written as the Unix epoch.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		t = time.Unix(0, 0)
	}
	return t.UTC().Format(TimeLayout)
}

// ParseCursor reads a cursor given as an RFC 3339 string, an epoch-ms string or an epoch-ms number.
func ParseCursor(raw json.RawMessage) (time.Time, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		var n json.Number
		if err := json.Unmarshal(raw, &n); err != nil {
			return time.Time{}, fmt.Errorf("%.60s is not a date-time", raw)
		}
		s = n.String()
	}
	return ParseTime(s)
}

// ParseTime reads an instant given as RFC 3339 or epoch milliseconds, as HubSpot writes them and
// states keep them, in years 1 to 9999.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		if ms < 0 || ms > 253402300799999 {
			return time.Time{}, fmt.Errorf("%q is out of range", s)
		}
		return time.UnixMilli(ms).UTC(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 date-time", s)
	}
	if t.Year() < 1 || t.Year() > 9999 {
		return time.Time{}, fmt.Errorf("%q is out of range", s)
	}
	return t.UTC(), nil
}
