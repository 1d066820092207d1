// Package epoch reads instants written as numbers since the Unix epoch, with one rule for both
// connectors: HubSpot writes milliseconds, other systems seconds.
package epoch

import (
	"math"
	"time"
)

// secondsBelow separates seconds from milliseconds: 1e11 seconds is the year 5138, 1e11
// milliseconds is 1973-03-03. A smaller magnitude is seconds, a larger one milliseconds.
const secondsBelow = 1e11

// msPerDay is one day in milliseconds. HubSpot writes date properties as midnight UTC in
// milliseconds, so a small value that is a whole number of days in milliseconds (a birthday
// in 1970-1973) is read as milliseconds.
const msPerDay = 24 * 60 * 60 * 1000

// limit bounds what is read: ±1e16 milliseconds is about ±317,000 years.
const limit = 1e16

// Time returns the instant v stands for: seconds when |v| < 1e11 (fractions kept to the
// millisecond), milliseconds otherwise, and milliseconds for a small whole number of days in
// milliseconds. ok is false for NaN, infinities and magnitudes beyond 1e16.
func Time(v float64) (t time.Time, ok bool) {
	if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > limit {
		return time.Time{}, false
	}
	ms := v
	if math.Abs(v) < secondsBelow && !(v != 0 && v == math.Trunc(v) && math.Mod(v, msPerDay) == 0) {
		ms = v * 1000
	}
	return time.UnixMilli(int64(math.Round(ms))).UTC(), true
}
