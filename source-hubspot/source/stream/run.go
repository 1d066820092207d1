// Package stream holds what the HubSpot source's stream readers share: the run a stream is read
// in (client, output, clock, settings), the names of the streams, the forms of instants and ids
// in records and states, the conversion of HubSpot property values to their schema types, and
// the contacts that event and list records carry. It knows no stream's own reading.
package stream

import (
	"time"

	"github.com/insider-hubspot/connectors/internal/alert"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// ProgressEvery is how many pages pass between two progress LOG lines of a stream.
const ProgressEvery = 10

// Options are a read's settings that come from the Source's options rather than the config.
type Options struct {
	CheckpointEvery   int  // records at most between two STATE messages of a stream
	SearchConcurrency int  // id ranges of a large contacts window searched at once (1 to 3)
	EventConcurrency  int  // event streams read at once
	Backfills         bool // large contacts windows may be read by search and list at once
}

// DefaultOptions are the settings of a Source built without options.
func DefaultOptions() Options {
	return Options{CheckpointEvery: 2000, SearchConcurrency: 3, EventConcurrency: 4, Backfills: true}
}

// Run is the shared context of one read: its client, output, clock, alert sender and the
// settings every stream reads by. The Source builds it once per read and every stream reader
// takes it; its fields are not changed after that, so it is safe for concurrent use (the
// client, output and notifier are themselves safe for it).
type Run struct {
	Client *hubspot.Client
	Out    *protocol.SourceOutput
	Notify *alert.Notifier // nil when alert_webhook_url is not set
	Now    time.Time       // the clock when the run started
	End    time.Time       // the window end fixed when the run started: now minus the index lag
	Options

	Start    time.Time     // start_date (zero: none)
	Lookback time.Duration // how far before a watermark an incremental read starts (lookback_minutes)
	// ContactProperties are event_contact_properties: the contact properties an event or a
	// list_memberships record carries (contact.go).
	ContactProperties []string
}

// LowerBound is where an incremental read starts: the watermark minus the lookback, or the
// start date, whichever is later; zero means from the beginning.
func (r *Run) LowerBound(watermark time.Time) time.Time {
	var lo time.Time
	if !watermark.IsZero() && watermark.After(time.Unix(0, 0)) {
		lo = watermark.Add(-r.Lookback)
	}
	if s := r.Start; s.After(lo) {
		lo = s
	}
	if !lo.After(time.Unix(0, 0)) {
		return time.Time{}
	}
	return lo.UTC().Truncate(time.Millisecond)
}
