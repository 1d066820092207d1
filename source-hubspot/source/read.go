package source

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/sync/errgroup"

	"github.com/insider-hubspot/connectors/protocol"
	"github.com/insider-hubspot/connectors/source-hubspot/source/events"
	"github.com/insider-hubspot/connectors/source-hubspot/source/lists"
	"github.com/insider-hubspot/connectors/source-hubspot/source/stream"
)

// Read reads every configured stream in turn. A stream that fails is marked INCOMPLETE with its
// own TRACE ERROR and the others go on; the runner then exits non-zero.
func (s *Source) Read(ctx context.Context, raw json.RawMessage, catalog *protocol.ConfiguredCatalog, state *protocol.InputState, out *protocol.SourceOutput) (err error) {
	cfg, c, err := s.open(ctx, raw)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	r := &readRun{cfg: cfg, Run: &stream.Run{Client: c, Out: out, Notify: s.notifier(ctx, cfg), Options: s.read,
		Now: now, End: now.Add(-s.indexLag).Truncate(time.Millisecond),
		Start: cfg.Start(), Lookback: cfg.Lookback(), ContactProperties: cfg.EventContactProperties}}
	r.events = events.NewStreams(r.Run, cfg.EventLookback())
	defer func() {
		alertFailure(ctx, r.Notify, "", err)
		r.Notify.Wait()
	}()
	var events []*protocol.ConfiguredStream
	for i := range catalog.Streams {
		cs := &catalog.Streams[i]
		if strings.HasPrefix(cs.Stream.Name, stream.EventPrefix) {
			events = append(events, cs)
			continue
		}
		if err := r.readStream(ctx, cs, state); err != nil {
			return err
		}
	}
	return r.readEvents(ctx, events, state)
}

// readStream reads one stream with its STREAM_STATUS messages. A stream that fails is marked
// INCOMPLETE and nil is returned, so the others go on; the error returned is one that stops the
// run (the run is cancelled, or HubSpot's daily limit is used up).
func (r *readRun) readStream(ctx context.Context, cs *protocol.ConfiguredStream, state *protocol.InputState) error {
	name := cs.Stream.Name
	out := r.Out
	if err := out.StartStream(name); err != nil {
		return err
	}
	if err := r.stream(ctx, cs, state); err != nil {
		if ctx.Err() != nil {
			return classify(err)
		}
		if stream.IsDailyLimit(err) {
			// Every later call would meet the same answer: stop the run here.
			return withStream(classify(err), name)
		}
		zerolog.Ctx(ctx).Error().Err(err).Str("stream", name).Msg("stream failed")
		alertFailure(ctx, r.Notify, name, classify(err))
		return out.FailStream(name, classify(err))
	}
	return out.CompleteStream(name)
}

// readEvents reads the event streams, up to the source's event concurrency at once. They share
// the client, so their calls (occurrences and the batch reads of their contacts) share the one
// general budget; reading several types at once overlaps answer latency. The first error that
// stops the run cancels the others.
func (r *readRun) readEvents(ctx context.Context, streams []*protocol.ConfiguredStream, state *protocol.InputState) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(r.EventConcurrency, 1))
	for _, cs := range streams {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			if gctx.Err() != nil {
				return nil // the run stopped while this stream waited for its turn: it is not started
			}
			return r.readStream(gctx, cs, state)
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return classify(ctx.Err())
	}
	return nil
}

// withStream names the stream in a classified error.
func withStream(err error, stream string) error {
	var pe *protocol.Error
	if errors.As(err, &pe) && pe.Stream == "" {
		cp := *pe
		cp.Stream = stream
		return &cp
	}
	return err
}

// stream reads one configured stream.
func (r *readRun) stream(ctx context.Context, cs *protocol.ConfiguredStream, state *protocol.InputState) error {
	name := cs.Stream.Name
	incremental := cs.SyncMode == protocol.SyncModeIncremental
	switch {
	case name == stream.Contacts:
		st, err := ParseContactsState(streamState(state, name, true))
		if err != nil {
			return configErr("the saved state of stream contacts is not valid: "+err.Error()+
				"; fix or clear the state (clearing it re-reads every contact)", nil)
		}
		cols, err := r.contactColumns(ctx, cs.Stream.JSONSchema)
		if err != nil {
			return err
		}
		if r.cfg.SyncTarget.Mode == modeGetContact {
			return r.getContact(ctx, cols, st)
		}
		if incremental {
			if err := checkContactsState(st, r.Now); err != nil {
				return err
			}
		}
		return r.contacts(ctx, cols, st, incremental)
	case strings.HasPrefix(name, stream.EventPrefix):
		return r.events.Read(ctx, cs, streamState(state, name, false), incremental)
	case name == stream.Lists:
		return lists.Read(ctx, r.Run, cs, streamState(state, name, false), incremental)
	}
	return configErr(fmt.Sprintf("stream %q is not a stream of the HubSpot source; run discover and reconfigure", name), nil)
}

// streamState returns a stream's stream_state, falling back to a bare legacy state: an object
// keyed by stream name, or (for contacts) a bare cursor object.
func streamState(state *protocol.InputState, name string, contacts bool) json.RawMessage {
	if s := state.Stream(name); s != nil {
		return s
	}
	legacy := state.Legacy()
	if legacy == nil {
		return nil
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(legacy, &obj) != nil {
		return legacy // let the parser report it
	}
	if s, ok := obj[name]; ok {
		return s
	}
	if contacts {
		if _, ok := obj["lastmodifieddate"]; ok {
			return legacy
		}
		if _, ok := obj["updatedAt"]; ok {
			return legacy
		}
	}
	return nil
}
