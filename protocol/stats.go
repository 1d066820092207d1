package protocol

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
)

// StateStats is an AirbyteStateStats. Counts are integers here and written with a decimal point,
// as the protocol asks ("42.0"), so no count passes through float64.
type StateStats struct {
	RecordCount         int64
	RejectedRecordCount int64
	// HasRejected writes rejectedRecordCount even when it is zero.
	HasRejected bool
	// Counts are more counts of the state's window, by name (the protocol allows more
	// properties): what a destination did for its records, such as profiles deleted. Written
	// after the others, in name order; zero counts are left out.
	Counts map[string]int64
}

// MarshalJSON writes {"recordCount":N.0[,"rejectedRecordCount":M.0][,"<count>":K.0...]}.
func (s StateStats) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 64)
	b = append(b, `{"recordCount":`...)
	b = strconv.AppendInt(b, s.RecordCount, 10)
	b = append(b, ".0"...)
	if s.HasRejected || s.RejectedRecordCount != 0 {
		b = append(b, `,"rejectedRecordCount":`...)
		b = strconv.AppendInt(b, s.RejectedRecordCount, 10)
		b = append(b, ".0"...)
	}
	for _, k := range slices.Sorted(maps.Keys(s.Counts)) {
		if s.Counts[k] == 0 {
			continue
		}
		b = append(b, ',')
		b = strconv.AppendQuote(b, k)
		b = append(b, ':')
		b = strconv.AppendInt(b, s.Counts[k], 10)
		b = append(b, ".0"...)
	}
	return append(b, '}'), nil
}

// UnmarshalJSON reads counts written as integers or as numbers with a fraction.
func (s *StateStats) UnmarshalJSON(data []byte) error {
	var raw struct {
		RecordCount         *float64 `json:"recordCount"`
		RejectedRecordCount *float64 `json:"rejectedRecordCount"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*s = StateStats{}
	if raw.RecordCount != nil {
		s.RecordCount = int64(*raw.RecordCount)
	}
	if raw.RejectedRecordCount != nil {
		s.RejectedRecordCount = int64(*raw.RejectedRecordCount)
		s.HasRejected = true
	}
	return nil
}
