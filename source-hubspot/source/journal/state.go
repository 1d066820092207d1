package journal

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// State is how far the webhooks journal was read, in the contacts stream_state:
//
//	{"lastmodifieddate": ..., "journal_offset": "<currentOffset>", "journal_offset_at": "<RFC 3339>"}
//
// journal_offset is the offset of the last journal entry whose permanent deletions were delivered
// before this STATE ("" before the first entry: the next read starts at the journal's earliest
// entry); journal_offset_at is when that entry was published, or, with "", when the journal
// position was taken. A read that finds journal_offset gone from HubSpot's journal (it keeps
// three days) reports the period from journal_offset_at on as one that may have missed
// deletions.
type State struct {
	Offset string
	At     time.Time
}

// ParseState reads journal_offset and journal_offset_at from the contacts state obj; nil when it
// has neither.
func ParseState(obj map[string]json.RawMessage) (*State, error) {
	rawOff, hasOff := obj["journal_offset"]
	rawAt, hasAt := obj["journal_offset_at"]
	if (!hasOff || stream.IsNull(rawOff)) && (!hasAt || stream.IsNull(rawAt)) {
		return nil, nil
	}
	var js State
	if hasOff && !stream.IsNull(rawOff) {
		if err := json.Unmarshal(rawOff, &js.Offset); err != nil {
			return nil, fmt.Errorf("contacts state journal_offset %.60s is not a string", rawOff)
		}
	}
	if !hasAt || stream.IsNull(rawAt) {
		return nil, fmt.Errorf("contacts state has journal_offset but no journal_offset_at; fix or remove both " +
			"(without them the next run reads the journal from its earliest entry)")
	}
	at, err := stream.ParseCursor(rawAt)
	if err != nil {
		return nil, fmt.Errorf("contacts state journal_offset_at: %w", err)
	}
	js.At = at
	return &js, nil
}
