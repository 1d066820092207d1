package stream

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"time"

	"github.com/insider-hubspot/connectors/internal/epoch"
	"github.com/insider-hubspot/connectors/internal/jsontext"
)

// AppendValue appends the JSON form of one HubSpot property value converted to kind k. HubSpot
// sends every value as a string; v holds it with escapes resolved. An empty value of a non-string
// kind is null. A value that cannot be converted becomes null and ok is false, so the caller can
// count it; a record is never dropped and conversion never fails.
func AppendValue(dst []byte, k Kind, v []byte, isNull bool) (out []byte, ok bool) {
	if isNull {
		return append(dst, "null"...), true
	}
	if k != KindString && len(bytes.TrimSpace(v)) == 0 {
		return append(dst, "null"...), true
	}
	switch k {
	case KindBool:
		return appendBool(dst, v)
	case KindNumber:
		return appendNumber(dst, v)
	case KindDate:
		return appendDate(dst, v)
	case KindDateTime:
		return appendDateTime(dst, v)
	case KindRaw:
		if t := bytes.TrimSpace(v); (t[0] == '{' || t[0] == '[') && json.Valid(t) {
			return append(dst, t...), true
		}
	}
	return jsontext.AppendString(dst, v), true
}

func appendBool(dst, v []byte) ([]byte, bool) {
	v = bytes.TrimSpace(v)
	for _, t := range [...]string{"true", "yes", "1", "on"} {
		if len(v) == len(t) && bytes.EqualFold(v, []byte(t)) {
			return append(dst, "true"...), true
		}
	}
	for _, f := range [...]string{"false", "no", "0", "off"} {
		if len(v) == len(f) && bytes.EqualFold(v, []byte(f)) {
			return append(dst, "false"...), true
		}
	}
	return append(dst, "null"...), false
}

// appendNumber passes a valid JSON number through unchanged (keeping big integers exact) and
// normalizes other decimal forms such as "+1", ".5" or " 7 ". A number beyond a double's range
// (1e400) is not a number most JSON readers can hold: it becomes null and is counted.
func appendNumber(dst, v []byte) ([]byte, bool) {
	if jsontext.IsNumber(v) && !overflows(v) {
		return append(dst, v...), true
	}
	f, err := strconv.ParseFloat(string(bytes.TrimSpace(v)), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return append(dst, "null"...), false
	}
	return strconv.AppendFloat(dst, f, 'g', -1, 64), true
}

// overflows reports whether the number literal b is beyond a double's range. Only a long literal
// or one with an exponent can be, so most values skip the parse.
func overflows(b []byte) bool {
	if len(b) < 300 && !bytes.ContainsAny(b, "eE") {
		return false
	}
	f, err := strconv.ParseFloat(string(b), 64)
	return err != nil && math.IsInf(f, 0)
}

// parseInstant reads the forms HubSpot uses for dates and instants: RFC 3339, a bare date, or
// a number since the epoch, read by epoch.Time's rule (milliseconds as HubSpot writes them,
// seconds as other systems feeding a portal do).
func parseInstant(v []byte) (time.Time, bool) {
	s := string(bytes.TrimSpace(v))
	if jsontext.IsNumber(s) {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return time.Time{}, false
		}
		t, ok := epoch.Time(f)
		if !ok || t.Year() < 1 || t.Year() > 9999 {
			return time.Time{}, false
		}
		return t, true
	}
	for _, layout := range [...]string{time.RFC3339Nano, "2006-01-02", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func appendDate(dst, v []byte) ([]byte, bool) {
	if len(v) == 10 && v[4] == '-' && v[7] == '-' {
		if _, err := time.Parse("2006-01-02", string(v)); err == nil {
			return jsontext.AppendString(dst, v), true
		}
	}
	t, ok := parseInstant(v)
	if !ok {
		return append(dst, "null"...), false
	}
	dst = append(dst, '"')
	dst = t.AppendFormat(dst, "2006-01-02")
	return append(dst, '"'), true
}

func appendDateTime(dst, v []byte) ([]byte, bool) {
	// Fast path: HubSpot's own form, e.g. 2024-09-11T13:27:39.356Z, passes through unchanged.
	if n := len(v); n >= 20 && v[n-1] == 'Z' && v[10] == 'T' {
		if _, err := time.Parse(time.RFC3339Nano, string(v)); err == nil {
			return jsontext.AppendString(dst, v), true
		}
	}
	t, ok := parseInstant(v)
	if !ok {
		return append(dst, "null"...), false
	}
	dst = append(dst, '"')
	dst = t.AppendFormat(dst, TimeLayout)
	return append(dst, '"'), true
}
