package source

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/internal/alert"
	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
)

// progressEvery is how many pages pass between two progress LOG lines.
const progressEvery = 10

// readOptions are a read's settings that come from the Source's options rather than the config.
type readOptions struct {
	checkpointEvery   int  // records at most between two STATE messages of a stream
	searchConcurrency int  // id ranges of a large contacts window searched at once (1 to 3)
	eventConcurrency  int  // event streams read at once (1 to 16)
	backfills         bool // large contacts windows may be read by search and list at once (backfill.go)
}

// defaultReadOptions are the settings of a Source built without options.
func defaultReadOptions() readOptions {
	return readOptions{checkpointEvery: 2000, searchConcurrency: 3, eventConcurrency: 4, backfills: true}
}

// readRun is the shared context of one read: its options, config, client, output and the
// per-run alert latch.
type readRun struct {
	opts   readOptions
	cfg    *Config
	client *hubspot.Client
	out    *protocol.SourceOutput
	now    time.Time // the clock when the run started
	end    time.Time // the window end fixed when the run started: now minus the index lag
	notify *alert.Notifier

	capOnce sync.Once
	defs    definitions // read when an event stream delivers nothing (events_gone.go)
}

// definitions are the event definitions HubSpot lists, read at most once per run, the first
// time an event stream delivers nothing.
type definitions struct {
	once sync.Once
	live map[string]bool // fully qualified names of the definitions not archived
	err  error
}

// lowerBound is where an incremental read starts: the watermark minus the lookback, or the
// start date, whichever is later; zero means from the beginning.
func (r *readRun) lowerBound(watermark time.Time) time.Time {
	var lo time.Time
	if !watermark.IsZero() && watermark.After(time.Unix(0, 0)) {
		lo = watermark.Add(-r.cfg.Lookback())
	}
	if s := r.cfg.Start(); s.After(lo) {
		lo = s
	}
	if !lo.After(time.Unix(0, 0)) {
		return time.Time{}
	}
	return lo.UTC().Truncate(time.Millisecond)
}

// alertCap logs the search-cap warning and fires the cap alert hook once per run.
func (r *readRun) alertCap(ctx context.Context, total int, start, end time.Time) {
	text := fmt.Sprintf("HubSpot search matched %d contacts modified between %s and %s, more than its %d-result cap; "+
		"re-windowing by contact id so nothing is lost. Schedule syncs more often to keep windows under the cap.",
		total, formatTime(start), formatTime(end), hubspot.SearchCap)
	zerolog.Ctx(ctx).Warn().Int("total", total).Str("stream", contactsStream).Msg(text)
	r.capOnce.Do(func() { r.notify.Send("search-cap", text) })
}

// isDailyLimit reports whether err is HubSpot's daily request limit, or a request the client did
// not send because that limit is down to its reserve (hubspot.DailyReserve).
func isDailyLimit(err error) bool {
	var he *hubspot.APIError
	var de *hubspot.DailyReserveError
	return errors.As(err, &he) && he.IsDailyLimit() || errors.As(err, &de)
}
