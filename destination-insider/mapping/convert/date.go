package convert

import (
	"strconv"
	"strings"
	"time"

	"github.com/insider-hubspot/connectors/internal/epoch"
	"github.com/insider-hubspot/connectors/internal/jsontext"
)

// dateLayouts are the date forms accepted for date attributes, tried in order.
var dateLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"}

// ParseDate reads an RFC 3339 date-time, a date, or a number since the
// epoch by epoch.Time's rule, the one the source follows too (seconds, or
// milliseconds as HubSpot writes them).
func ParseDate(v Value) (time.Time, bool) {
	s, ok := v.Text()
	if !ok || v.JSONKind() == 't' || v.JSONKind() == 'f' {
		return time.Time{}, false
	}
	s = strings.TrimSpace(s)
	if jsontext.IsNumber(s) {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return time.Time{}, false
		}
		return epoch.Time(f)
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// appendDate appends t as Insider wants a date attribute: RFC 3339, UTC, seconds, "Z".
func appendDate(dst []byte, t time.Time) []byte {
	dst = append(dst, '"')
	dst = t.UTC().Truncate(time.Second).AppendFormat(dst, "2006-01-02T15:04:05Z")
	return append(dst, '"')
}

// AppendTimestamp appends an event's timestamp: RFC 3339, UTC, "Z", with the milliseconds
// HubSpot gives (2026-01-02T03:04:05.678Z); a whole second has no fraction. Insider uses the
// timestamp as the event's identifier, so occurrences of one event in one second must keep
// their milliseconds to stay apart:
// https://academy.insiderone.com/docs/faq-about-event-delete-update
func AppendTimestamp(dst []byte, t time.Time) []byte {
	t = t.UTC().Truncate(time.Millisecond)
	if t.Nanosecond() == 0 {
		return appendDate(dst, t)
	}
	dst = append(dst, '"')
	dst = t.AppendFormat(dst, "2006-01-02T15:04:05.000Z")
	return append(dst, '"')
}
