package events

import (
	"context"
	"sync"

	"github.com/rs/zerolog"
)

// definitions are the event definitions HubSpot lists, read at most once per run, the first
// time an event stream delivers nothing.
type definitions struct {
	once sync.Once
	live map[string]bool // fully qualified names of the definitions not archived
	err  error
}

// warnIfDefinitionGone logs a WARN when the event definition of a stream that delivered nothing
// is no longer in HubSpot (deleted or archived): its stream would complete with no record on
// every run, and nothing else says why. Once per run and stream: every run that reads the
// stream says it again, so the log of any sync shows it until the stream is deselected, and the
// state stays free of flags. When the definitions cannot be read, nothing is said.
func (s *Streams) warnIfDefinitionGone(ctx context.Context, stream, fqn string) {
	d := &s.defs
	d.once.Do(func() {
		defs, err := s.run.Client.EventDefinitions(ctx)
		if err != nil {
			d.err = err
			return
		}
		d.live = make(map[string]bool, len(defs))
		for _, def := range defs {
			if !def.Archived {
				d.live[def.FullyQualifiedName] = true
			}
		}
	})
	switch {
	case d.err != nil:
		zerolog.Ctx(ctx).Debug().Err(d.err).Str("stream", stream).
			Msg("could not read the event definitions to check that this stream's still exists")
	case !d.live[fqn]:
		zerolog.Ctx(ctx).Warn().Str("stream", stream).Str("event", fqn).
			Msg("stream " + stream + " delivers nothing: its custom event definition " + fqn +
				" no longer exists in HubSpot (it was deleted or archived); deselect the stream in the connection")
	}
}
