package source

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/insider-hubspot/connectors/source-hubspot/hubspot"
	"github.com/insider-hubspot/connectors/source-hubspot/source/events"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// readRun is the shared context of one read (the stream.Run every stream reads in) with the
// config and the per-run latches.
type readRun struct {
	*stream.Run
	cfg *Config

	capOnce sync.Once
	events  *events.Streams // the custom behavioral event streams of the run
}

// alertCap logs the search-cap warning and fires the cap alert hook once per run.
func (r *readRun) alertCap(ctx context.Context, total int, start, end time.Time) {
	text := fmt.Sprintf("HubSpot search matched %d contacts modified between %s and %s, more than its %d-result cap; "+
		"re-windowing by contact id so nothing is lost. Schedule syncs more often to keep windows under the cap.",
		total, stream.FormatTime(start), stream.FormatTime(end), hubspot.SearchCap)
	zerolog.Ctx(ctx).Warn().Int("total", total).Str("stream", stream.Contacts).Msg(text)
	r.capOnce.Do(func() { r.Notify.Send("search-cap", text) })
}
